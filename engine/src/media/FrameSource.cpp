#include "mnemo/media/FrameSource.hpp"

#include "mnemo/media/ImageFile.hpp"

#include <stb/stb_image.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace mnemo::media {
namespace {
namespace fs = std::filesystem;

std::string magicImageFormat(const std::string &path) {
    unsigned char h[8] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char *>(h), sizeof h);
    const auto n = in.gcount();
    if (n >= 8 && std::memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0) return "png";
    if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return "jpeg";
    if (n >= 6 && (std::memcmp(h, "GIF87a", 6) == 0 || std::memcmp(h, "GIF89a", 6) == 0)) return "gif";
    if (n >= 2 && h[0] == 'B' && h[1] == 'M') return "bmp";
    return {};
}

// TGA has no magic number: stb's header check, and no container FFmpeg recognises.
bool looksLikeTga(const std::string &path) {
    int w = 0, h = 0, c = 0;
    if (!stbi_info(path.c_str(), &w, &h, &c)) return false;
    return !probe(path).ok();
}

bool isImageFile(const fs::path &p) { return !stillImageFormat(p.string()).empty(); }

class DecoderSource : public FrameSource {
public:
    explicit DecoderSource(std::unique_ptr<VideoDecoder> d) : m_decoder(std::move(d)) {}
    const VideoInfo &info() const override { return m_decoder->info(); }
    Result<std::optional<DecodedFrame>> next() override { return m_decoder->next(); }
    Status seek(int64_t ptsUs) override { return m_decoder->seek(ptsUs); }

private:
    std::unique_ptr<VideoDecoder> m_decoder;
};

// Images decoded on demand (a sequence can be long), each checked against the first one's size.
class ImageSequenceSource : public FrameSource {
public:
    static Result<std::unique_ptr<FrameSource>> open(std::vector<std::string> files, double fps, const std::string &spec) {
        if (files.empty()) return Status(StatusCode::NotFound, "no images (PNG, JPEG, BMP, GIF, TGA) in '" + spec + "'");
        auto first = readImage(files.front());
        if (!first.ok()) return first.status();
        std::unique_ptr<ImageSequenceSource> s(new ImageSequenceSource);
        s->m_files = std::move(files);
        s->m_fps = fps > 0 ? fps : 30.0;
        s->m_info.container = s->m_files.size() == 1 ? "image" : "image-sequence";
        s->m_info.codec = stillImageFormat(s->m_files.front());
        s->m_info.pixelFormat = "rgba";
        s->m_info.width = first->width;
        s->m_info.height = first->height;
        s->m_info.fps = s->m_fps;
        s->m_info.frameCountHint = int64_t(s->m_files.size());
        s->m_info.durationSeconds = double(s->m_files.size()) / s->m_fps;
        return std::unique_ptr<FrameSource>(std::move(s));
    }
    const VideoInfo &info() const override { return m_info; }
    Result<std::optional<DecodedFrame>> next() override {
        if (m_cursor >= m_files.size()) return std::optional<DecodedFrame>{};
        const std::string &file = m_files[m_cursor];
        auto image = readImage(file);
        if (!image.ok()) return image.status();
        if (image->width != m_info.width || image->height != m_info.height) {
            return Status(StatusCode::InvalidArgument,
                          "'" + file + "' is " + std::to_string(image->width) + "x" + std::to_string(image->height) +
                              "; the sequence is " + std::to_string(m_info.width) + "x" + std::to_string(m_info.height));
        }
        DecodedFrame out;
        out.frame = std::move(image.value());
        out.frame.index = m_cursor;
        out.ptsUs = int64_t(std::llround(double(m_cursor) * 1e6 / m_fps));
        ++m_cursor;
        return std::optional<DecodedFrame>(std::move(out));
    }
    Status seek(int64_t ptsUs) override {
        m_cursor = size_t(std::max<int64_t>(0, int64_t(std::ceil(double(ptsUs) * m_fps / 1e6 - 1e-9))));
        return {};
    }

private:
    std::vector<std::string> m_files;
    double m_fps = 30;
    size_t m_cursor = 0;
    VideoInfo m_info;
};

} // namespace

std::string stillImageFormat(const std::string &path) {
    std::string magic = magicImageFormat(path);
    if (!magic.empty()) return magic;
    return looksLikeTga(path) ? "tga" : "";
}

const char *sourceKindName(SourceKind kind) {
    switch (kind) {
    case SourceKind::Video: return "video";
    case SourceKind::Camera: return "camera";
    case SourceKind::Image: return "image";
    case SourceKind::ImageSequence: return "image-sequence";
    }
    return "video";
}

Result<SourceKind> sourceKind(const std::string &spec) {
    std::error_code ec;
    if (spec.rfind("/dev/video", 0) == 0) return SourceKind::Camera;
    if (fs::is_directory(spec, ec)) return SourceKind::ImageSequence;
    if (!fs::exists(spec, ec)) return Status(StatusCode::NotFound, "'" + spec + "' does not exist");
    return isImageFile(spec) ? SourceKind::Image : SourceKind::Video;
}

Result<std::unique_ptr<FrameSource>> openSource(const std::string &spec, double sequenceFps) {
    auto kind = sourceKind(spec);
    if (!kind.ok()) return kind.status();
    std::error_code ec;
    switch (kind.value()) {
    case SourceKind::Camera: {
        auto camera = VideoDecoder::openCamera(spec);
        if (!camera.ok()) return camera.status();
        return std::unique_ptr<FrameSource>(new DecoderSource(std::move(camera.value())));
    }
    case SourceKind::ImageSequence: {
        std::vector<std::string> files;
        for (const auto &entry : fs::directory_iterator(spec, ec)) {
            if (entry.is_regular_file(ec) && isImageFile(entry.path())) files.push_back(entry.path().string());
        }
        std::sort(files.begin(), files.end());
        return ImageSequenceSource::open(std::move(files), sequenceFps, spec);
    }
    case SourceKind::Image: return ImageSequenceSource::open({spec}, sequenceFps, spec);
    case SourceKind::Video: break;
    }
    auto video = VideoDecoder::open(spec);
    if (!video.ok()) return video.status();
    return std::unique_ptr<FrameSource>(new DecoderSource(std::move(video.value())));
}

} // namespace mnemo::media
