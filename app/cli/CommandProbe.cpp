// mnemo-cli probe PATH [--decode]: what a video, still image or image folder is (JSON).
#include "Commands.hpp"

#include "mnemo/media/FrameSource.hpp"
#include "mnemo/media/VideoDecoder.hpp"

#include <memory>

namespace mnemo::cli {
namespace {

struct ProbeOptions {
    std::string file;
    bool decode = false;
};

CLI::App *defineProbe(CLI::App &root, ProbeOptions &o) {
    CLI::App *probe = root.add_subcommand(
        "probe", "what a video, still image or image folder is: kind, codec, size, duration, frames... (JSON)");
    probe->add_option("PATH", o.file, "a video, a still image or a folder of images")->required();
    probe->add_flag("--decode", o.decode, "decode every frame and count them (and the decode errors)");
    return probe;
}

nlohmann::json describe(const std::string &file, const media::VideoInfo &info, media::SourceKind kind) {
    // An array of pairs, not an object: a file may repeat a tag (container and stream both have "encoder").
    nlohmann::json metadata = nlohmann::json::array();
    for (const auto &[key, value] : info.metadata) metadata.push_back(nlohmann::json::array({key, value}));
    return {{"file", file},
            {"kind", media::sourceKindName(kind)},
            {"container", info.container},
            {"codec", info.codec},
            {"width", info.width},
            {"height", info.height},
            {"pixel_format", info.pixelFormat},
            {"rotation", info.rotationDeg},
            {"duration", info.durationSeconds},
            {"fps", info.fps},
            {"frames", info.frameCountHint},
            {"metadata", std::move(metadata)}};
}

// Stills and image folders: what the frame sources would play. --decode reads every image.
Result<nlohmann::json> probeImages(const std::string &file, media::SourceKind kind, bool decode) {
    auto source = media::openSource(file);
    if (!source.ok()) return source.status();
    nlohmann::json out = describe(file, source.value()->info(), kind);
    if (decode) {
        int64_t frames = 0;
        for (;;) {
            auto frame = source.value()->next();
            if (!frame.ok()) return frame.status();
            if (!frame.value()) break;
            ++frames;
        }
        out["frames_decoded"] = frames;
        out["decode_errors"] = 0;
    }
    return out;
}

// Decoding every frame is the real test of a file: the header can look fine while the data is damaged.
Result<nlohmann::json> probeVideo(const std::string &file, media::SourceKind kind, bool decode) {
    if (!decode) {
        const auto info = media::probe(file);
        if (!info.ok()) return info.status();
        return describe(file, info.value(), kind);
    }
    auto decoder = media::VideoDecoder::open(file);
    if (!decoder.ok()) return decoder.status();
    for (;;) {
        auto frame = decoder.value()->next();
        if (!frame.ok()) return frame.status();
        if (!frame.value()) break;
    }
    nlohmann::json out = describe(file, decoder.value()->info(), kind);
    out["frames_decoded"] = decoder.value()->framesDecoded();
    out["decode_errors"] = decoder.value()->decodeErrors();
    return out;
}

Result<nlohmann::json> runProbe(const ProbeOptions &o) {
    const auto kind = media::sourceKind(o.file);
    if (!kind.ok()) return kind.status();
    if (kind.value() == media::SourceKind::Image || kind.value() == media::SourceKind::ImageSequence) {
        return probeImages(o.file, kind.value(), o.decode);
    }
    return probeVideo(o.file, kind.value(), o.decode);
}

} // namespace

void addProbeCommand(CLI::App &root, CommandLine &line) {
    auto o = std::make_shared<ProbeOptions>();
    onParsed(*defineProbe(root, *o), line,
             [o] { return finish("probe", runProbe(*o), [](const nlohmann::json &out) { printJson(out); }); });
}

} // namespace mnemo::cli
