#include "mnemo/media/VideoDecoder.hpp"

#include <sys/stat.h>

#include "media/FfmpegError.hpp"
#include "mnemo/core/Utf8.hpp"

extern "C" {
#include <libavdevice/avdevice.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <cstring>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace mnemo::media {

using namespace detail;

namespace {

constexpr AVRational kMicroseconds{1, 1000000};
// A demuxer that keeps failing without reaching the end (a damaged or cut tail) ends the stream after this many.
constexpr int kMaxConsecutiveReadErrors = 16;
// Seek targets are clamped to this (about 35 years), so no arithmetic on them can overflow.
constexpr int64_t kMaxSeekUs = int64_t(1) << 50;

std::string inQuotes(const std::string &path) {
    return "'" + path + "'";
}

// Plain-language answers for the common cases, before FFmpeg's more cryptic ones.
Status checkFile(const std::string &path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) {
        return {StatusCode::NotFound, "cannot open video " + inQuotes(path) + ": no such file"};
    }
    if (std::filesystem::is_directory(status)) {
        return {StatusCode::InvalidArgument, "cannot open video " + inQuotes(path) + ": it is a folder"};
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size == 0)
        return {StatusCode::InvalidArgument, "cannot open video " + inQuotes(path) + ": the file is empty"};
    return {};
}

// Image demuxers open a still picture as a one-frame "video"; a PNG renamed .mp4 should be refused, not played.
bool isStillImage(const AVInputFormat *format) {
    const std::string name = format->name;
    return name == "image2" || (name.size() > 5 && name.compare(name.size() - 5, 5, "_pipe") == 0);
}

// Clockwise degrees in [0, 360) from the stream's display matrix (FFmpeg's angle is counter-clockwise).
double rotationOf(const AVStream *stream) {
    size_t size = 0;
    const uint8_t *matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!matrix || size < 9 * sizeof(int32_t)) return 0;
    double degrees = -av_display_rotation_get(reinterpret_cast<const int32_t *>(matrix));
    if (!std::isfinite(degrees)) return 0;
    degrees = std::fmod(degrees, 360.0);
    if (degrees < 0) degrees += 360.0;
    degrees = std::round(degrees * 1000.0) / 1000.0; // atan2 noise: 90.00000000000001 -> 90
    return degrees >= 360.0 ? 0.0 : degrees;
}

// Tags are whatever the writer put there: text in any encoding, so each is made valid UTF-8 here.
void appendTags(const AVDictionary *tags, std::vector<std::pair<std::string, std::string>> &out) {
    const AVDictionaryEntry *entry = nullptr;
    while ((entry = av_dict_get(tags, "", entry, AV_DICT_IGNORE_SUFFIX))) {
        out.emplace_back(validUtf8(std::string_view(entry->key ? entry->key : "")),
                         validUtf8(std::string_view(entry->value ? entry->value : "")));
    }
}

VideoInfo describe(const AVFormatContext *format, AVStream *stream) {
    const AVCodecParameters *par = stream->codecpar;
    VideoInfo info;
    info.container = format->iformat->name;
    info.codec = avcodec_get_name(par->codec_id);
    const char *pixelFormat = av_get_pix_fmt_name(AVPixelFormat(par->format));
    info.pixelFormat = pixelFormat ? pixelFormat : "unknown";
    info.width = uint32_t(std::max(0, par->width));
    info.height = uint32_t(std::max(0, par->height));
    info.rotationDeg = rotationOf(stream);
    if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
        info.durationSeconds = double(stream->duration) * av_q2d(stream->time_base);
    } else if (format->duration != AV_NOPTS_VALUE && format->duration > 0) {
        info.durationSeconds = double(format->duration) / AV_TIME_BASE;
    }
    const AVRational rate = av_guess_frame_rate(const_cast<AVFormatContext *>(format), stream, nullptr);
    if (rate.num > 0 && rate.den > 0) info.fps = av_q2d(rate);
    info.frameCountHint = stream->nb_frames > 0 ? stream->nb_frames : std::llround(info.durationSeconds * info.fps);
    appendTags(format->metadata, info.metadata);
    appendTags(stream->metadata, info.metadata);
    return info;
}

// An opened container with its video stream chosen and described.
struct Input {
    FormatInputPtr format;
    AVStream *stream = nullptr;
    const AVCodec *decoder = nullptr;
    VideoInfo info;
};

Status chooseVideoStream(const std::string &path, Input &in) {
    AVFormatContext *format = in.format.get();
    const std::string container = format->iformat->name;
    const int index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &in.decoder, 0);
    if (index == AVERROR_DECODER_NOT_FOUND) {
        for (unsigned i = 0; i < format->nb_streams; ++i) {
            if (format->streams[i]->codecpar->codec_type != AVMEDIA_TYPE_VIDEO) continue;
            return {StatusCode::Unsupported, "cannot decode " + inQuotes(path) + ": this FFmpeg build has no " +
                                                 avcodec_get_name(format->streams[i]->codecpar->codec_id) + " decoder"};
        }
    }
    if (index < 0) {
        return {StatusCode::InvalidArgument, inQuotes(path) + " has no video stream (" + container + " container)"};
    }
    in.stream = format->streams[index];
    if (in.stream->disposition & AV_DISPOSITION_ATTACHED_PIC) {
        return {StatusCode::InvalidArgument,
                inQuotes(path) + " has no video stream, only cover art (" + container + ")"};
    }
    return {};
}

// `device`: a V4L2 capture device (a camera) instead of a file.
Result<Input> openInput(const std::string &path, bool device = false) {
    routeFfmpegLog();
    lastFfmpegError().clear();
    AVFormatContext *raw = nullptr;
    AVDictionary *options = nullptr;
    const AVInputFormat *format = nullptr;
    int r = 0;
    if (device) {
        avdevice_register_all();
        format = av_find_input_format("video4linux2");
        if (!format) return Status(StatusCode::Unsupported, "this FFmpeg build has no video4linux2 input for cameras");
        r = avformat_open_input(&raw, path.c_str(), format, &options);
    } else {
        if (Status s = checkFile(path); !s.ok()) return s;
        // A file and nothing else: no playlists reaching out to the network, no "concat:" tricks in a file name.
        av_dict_set(&options, "protocol_whitelist", "file", 0);
        // "file:" so a ':' in the name is never read as a protocol.
        r = avformat_open_input(&raw, ("file:" + path).c_str(), nullptr, &options);
    }
    av_dict_free(&options);
    if (r < 0)
        return Status(StatusCode::InvalidArgument, "cannot open video " + inQuotes(path) + ": " + describeFailure(r));
    Input in;
    in.format.reset(raw);
    const std::string container = raw->iformat->name;
    if (isStillImage(raw->iformat)) {
        return Status(StatusCode::InvalidArgument,
                      inQuotes(path) + " is a still image (" + container + "), not a video");
    }
    if (r = avformat_find_stream_info(raw, nullptr); r < 0) {
        return Status(StatusCode::InvalidArgument,
                      "cannot read the streams of " + inQuotes(path) + " (" + container + "): " + describeFailure(r));
    }
    if (Status s = chooseVideoStream(path, in); !s.ok()) return s;
    in.info = describe(raw, in.stream);
    if (in.info.width == 0 || in.info.height == 0) {
        std::string reason = lastFfmpegError().empty() ? "" : " (" + lastFfmpegError() + ")";
        return Status(StatusCode::InvalidArgument, "cannot open video " + inQuotes(path) + ": the " + in.info.codec +
                                                       " stream has no frame size; the file is damaged or not a " +
                                                       "video" + reason);
    }
    return in;
}

// swscale's matrix for the stream's YUV colour space. Untagged streams follow the usual convention: BT.709 for HD.
int swsColorspace(int space, int height) { // an AVColorSpace value, or any other
    switch (space) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_FCC: return SWS_CS_FCC;
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M: return SWS_CS_ITU601;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    default: return height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
    }
}

bool isFullRangeYuvFormat(AVPixelFormat format) {
    return format == AV_PIX_FMT_YUVJ420P || format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P ||
           format == AV_PIX_FMT_YUVJ440P || format == AV_PIX_FMT_YUVJ411P;
}

int64_t steadyMicroseconds() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

Result<VideoInfo> probe(const std::string &path) {
    auto input = openInput(path);
    if (!input.ok()) return input.status();
    return input.value().info;
}

struct VideoDecoder::Impl {
    std::string path;
    Input input;
    int decoderThreads = 0; // VideoDecoderOptions::decoderThreads
    AVStream *stream = nullptr;
    CodecContextPtr codec;
    FramePtr frame;
    PacketPtr packet;
    int64_t startTs = 0; // the first frame's timestamp, in the stream's time base: ptsUs counts from here

    SwsPtr sws;
    struct ConversionKey {
        int width = 0, height = 0, format = -1, colorspace = -1, range = -1;
        bool operator==(const ConversionKey &) const = default;
    } swsKey;

    DecoderErrorTally errorTally; // error lines the decoder logged (see FfmpegError.hpp)
    uint64_t errorLinesSeen = 0;

    std::optional<DecodedFrame> primed; // the first frame, decoded by open() and not yet returned
    int64_t firstFrameTs = AV_NOPTS_VALUE;
    bool packetPending = false; // `packet` was refused with EAGAIN and goes again after a receive
    bool draining = false;      // the end of input was signalled to the decoder
    int consecutiveReadErrors = 0;
    int consecutiveDecodeErrors = 0;
    std::optional<int64_t> seekTargetTs; // in the stream's time base, so container rounding cannot skip the frame
    bool firstAfterSeek = false;         // no frame decoded since the demuxer seek: the next one shows where it landed
    int64_t seekBackoffTs = 0;           // how far before the target the current attempt started; -1 once at the start
    int64_t lastPtsUs = -1;
    uint64_t nextIndex = 0;
    uint64_t framesDecoded = 0;
    uint64_t decodeErrors = 0;

    // First, so no log line from the codec's teardown can reach a tally that is going away.
    ~Impl() { DecoderErrorRegistry::instance().remove(&errorTally); }

    Status openCodec();
    Status prime();
    Result<std::optional<DecodedFrame>> decodeNext();
    Status rewind();
    Status seekFurtherBack();
    void resetDecoder();
    bool newDecoderErrorLines();
    Status feedDecoder();
    int readVideoPacket();
    Status seekDemuxer(int64_t targetTs);
    int64_t ptsUsOf(const AVFrame &decoded);
    Status prepareConversion(const AVFrame &decoded);
    Result<DecodedFrame> convert(const AVFrame &decoded, int64_t ptsUs);
};

Status VideoDecoder::Impl::openCodec() {
    codec.reset(avcodec_alloc_context3(input.decoder));
    frame.reset(av_frame_alloc());
    packet.reset(av_packet_alloc());
    if (!codec || !frame || !packet)
        return {StatusCode::OutOfMemory, "cannot decode " + inQuotes(path) + ": out of memory"};
    if (int r = avcodec_parameters_to_context(codec.get(), stream->codecpar); r < 0) {
        return {StatusCode::Internal, "cannot decode " + inQuotes(path) + ": " + avErrorText(r)};
    }
    codec->pkt_timebase = stream->time_base; // decoders need it for best_effort_timestamp
    codec->thread_count = decoderThreads;    // 0: FFmpeg picks from the core count
    codec->opaque = &errorTally;
    DecoderErrorRegistry::instance().add(&errorTally);
    lastFfmpegError().clear();
    if (int r = avcodec_open2(codec.get(), input.decoder, nullptr); r < 0) {
        return {StatusCode::Unsupported,
                "cannot open the " + input.info.codec + " decoder for " + inQuotes(path) + ": " + describeFailure(r)};
    }
    return {};
}

// Whether the decoder logged an error since the last call: damage it concealed rather than reported.
bool VideoDecoder::Impl::newDecoderErrorLines() {
    const uint64_t lines = errorTally.lines.load();
    const bool fresh = lines != errorLinesSeen;
    errorLinesSeen = lines;
    return fresh;
}

// The next packet of the video stream into `packet`: 0, or AVERROR_EOF at the end (or an unreadable tail).
int VideoDecoder::Impl::readVideoPacket() {
    for (;;) {
        lastFfmpegError().clear();
        const int r = av_read_frame(input.format.get(), packet.get());
        if (r == AVERROR_EOF) return AVERROR_EOF;
        if (r < 0) {
            // Damage the demuxer could not get past: count it, and resync or give up at the end of the file.
            ++decodeErrors;
            const AVIOContext *pb = input.format->pb;
            if ((pb && avio_feof(const_cast<AVIOContext *>(pb))) ||
                ++consecutiveReadErrors > kMaxConsecutiveReadErrors) {
                log::warning("media", "stopped reading " + inQuotes(path) + " early: " + describeFailure(r));
                return AVERROR_EOF;
            }
            continue;
        }
        consecutiveReadErrors = 0;
        if (packet->stream_index == stream->index) return 0;
        av_packet_unref(packet.get());
    }
}

// Sends one packet (or the end-of-input signal) to the decoder. A packet the decoder rejects is skipped and counted.
Status VideoDecoder::Impl::feedDecoder() {
    if (!packetPending) {
        if (readVideoPacket() == AVERROR_EOF) {
            avcodec_send_packet(codec.get(), nullptr);
            draining = true;
            return {};
        }
    }
    const int r = avcodec_send_packet(codec.get(), packet.get());
    if (r == AVERROR(EAGAIN)) {
        packetPending = true; // the decoder has frames to hand out first
        return {};
    }
    packetPending = false;
    av_packet_unref(packet.get());
    if (r == AVERROR(ENOMEM)) return {StatusCode::OutOfMemory, "cannot decode " + inQuotes(path) + ": out of memory"};
    if (r < 0) {
        ++decodeErrors; // the damaged packet is skipped; what the decoder logged about it is part of this error
        newDecoderErrorLines();
    }
    return {};
}

Status VideoDecoder::Impl::seekDemuxer(int64_t targetTs) {
    // No keyframe index (a cut file, say): start over and let the accurate part decode forward.
    if (av_seek_frame(input.format.get(), stream->index, targetTs, AVSEEK_FLAG_BACKWARD) < 0) return rewind();
    resetDecoder();
    return {};
}

// The seek overshot: demuxers without a keyframe index (MPEG-TS, a cut file) land anywhere, and the decoder then
// waits for the next keyframe. Start 1 s, 2 s, 4 s ... before the target, and from the very start as the last resort.
Status VideoDecoder::Impl::seekFurtherBack() {
    const int64_t oneSecond = std::max<int64_t>(1, av_rescale_q(1, AVRational{1, 1}, stream->time_base));
    seekBackoffTs = seekBackoffTs > 0 ? seekBackoffTs * 2 : oneSecond;
    firstAfterSeek = true;
    const int64_t from = *seekTargetTs - seekBackoffTs;
    if (from <= startTs || av_seek_frame(input.format.get(), stream->index, from, AVSEEK_FLAG_BACKWARD) < 0) {
        seekBackoffTs = -1;
        return rewind();
    }
    resetDecoder();
    return {};
}

// Back to the very first packet. Reopening is the one way every demuxer honours: a seek to the first timestamp lands
// after the first keyframe in MPEG-TS (its seek goes by timestamps, blind to keyframes), and a byte seek confuses
// demuxers that keep state. Only a last resort, so the cost of probing the file again does not matter.
Status VideoDecoder::Impl::rewind() {
    auto reopened = openInput(path);
    if (!reopened.ok()) return reopened.status().withContext("cannot go back to the start");
    if (reopened.value().stream->index != stream->index) {
        return {StatusCode::Internal, "cannot go back to the start of " + inQuotes(path) + ": the file changed"};
    }
    av_packet_unref(packet.get());
    input.format = std::move(reopened.value().format);
    stream = input.stream = reopened.value().stream;
    resetDecoder();
    return {};
}

void VideoDecoder::Impl::resetDecoder() {
    avcodec_flush_buffers(codec.get());
    av_packet_unref(packet.get());
    packetPending = false;
    draining = false;
    consecutiveReadErrors = 0;
    lastPtsUs = -1;
}

int64_t VideoDecoder::Impl::ptsUsOf(const AVFrame &decoded) {
    int64_t ptsUs = 0;
    if (decoded.best_effort_timestamp != AV_NOPTS_VALUE) {
        ptsUs = av_rescale_q(decoded.best_effort_timestamp - startTs, stream->time_base, kMicroseconds);
    } else if (lastPtsUs >= 0) {
        // No timestamp at all (some raw streams): one frame after the previous one.
        const double fps = input.info.fps > 0 ? input.info.fps : 25.0;
        ptsUs = lastPtsUs + std::llround(1e6 / fps);
    }
    lastPtsUs = ptsUs;
    return ptsUs;
}

// An enum field of a decoded frame as the integer it holds: demuxers copy these from the file, so a corrupt one can
// hold a value the enum does not name (91 for AVColorSpace), and loading it as the enum is undefined behaviour.
namespace {
template <typename Enum> int enumBits(const Enum &field) {
    static_assert(sizeof(Enum) == sizeof(int));
    int value = 0;
    std::memcpy(&value, &field, sizeof value);
    return value;
}
} // namespace

Status VideoDecoder::Impl::prepareConversion(const AVFrame &decoded) {
    const int colorspace = enumBits(decoded.colorspace), range = enumBits(decoded.color_range);
    const ConversionKey key{decoded.width, decoded.height, decoded.format, colorspace, range};
    if (sws && key == swsKey) return {};
    const auto format = AVPixelFormat(decoded.format);
    sws.reset(sws_getContext(decoded.width, decoded.height, format, decoded.width, decoded.height, AV_PIX_FMT_RGBA,
                             SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr, nullptr));
    if (!sws) {
        const char *name = av_get_pix_fmt_name(format);
        return {StatusCode::Unsupported, "cannot convert frames of " + inQuotes(path) + " from pixel format " +
                                             (name ? name : "unknown") + " to RGBA"};
    }
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(format);
    const bool yuv = desc && !(desc->flags & AV_PIX_FMT_FLAG_RGB) && desc->nb_components >= 3;
    if (yuv) {
        // The stream's own matrix and range: swscale would otherwise assume BT.601 limited range for everything.
        const bool fullRange = range == AVCOL_RANGE_JPEG || isFullRangeYuvFormat(format);
        const int *matrix = sws_getCoefficients(swsColorspace(colorspace, decoded.height));
        sws_setColorspaceDetails(sws.get(), matrix, fullRange ? 1 : 0, sws_getCoefficients(SWS_CS_DEFAULT), 1, 0,
                                 1 << 16, 1 << 16);
    }
    swsKey = key;
    return {};
}

Result<DecodedFrame> VideoDecoder::Impl::convert(const AVFrame &decoded, int64_t ptsUs) {
    if (Status s = prepareConversion(decoded); !s.ok()) return s;
    DecodedFrame out;
    out.frame.width = uint32_t(decoded.width);
    out.frame.height = uint32_t(decoded.height);
    out.frame.rgba.resize(size_t(decoded.width) * size_t(decoded.height) * 4);
    uint8_t *dst[1] = {out.frame.rgba.data()};
    const int dstStride[1] = {decoded.width * 4};
    if (sws_scale(sws.get(), decoded.data, decoded.linesize, 0, decoded.height, dst, dstStride) <= 0) {
        return Status(StatusCode::Internal, "cannot convert a frame of " + inQuotes(path) + " to RGBA");
    }
    out.frame.index = nextIndex++;
    out.frame.producedUs = steadyMicroseconds();
    out.ptsUs = ptsUs;
    return out;
}

VideoDecoder::VideoDecoder(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

VideoDecoder::~VideoDecoder() = default;

Result<std::unique_ptr<VideoDecoder>> VideoDecoder::open(const std::string &path, const VideoDecoderOptions &options) {
    return openImpl(path, false, options);
}

Result<std::unique_ptr<VideoDecoder>> VideoDecoder::openCamera(const std::string &device) {
    struct stat st{};
    if (::stat(device.c_str(), &st) != 0) {
        return Status(StatusCode::NotFound, "no camera at " + inQuotes(device) + ": the device does not exist");
    }
    if (!S_ISCHR(st.st_mode)) {
        return Status(StatusCode::InvalidArgument, inQuotes(device) + " is not a camera (not a character device)");
    }
    auto decoder = openImpl(device, true);
    if (!decoder.ok()) return Status(decoder.status().code(), "camera " + inQuotes(device) + ": " + decoder.message());
    return decoder;
}

Result<std::unique_ptr<VideoDecoder>> VideoDecoder::openImpl(const std::string &path, bool device,
                                                             const VideoDecoderOptions &options) {
    auto input = openInput(path, device);
    if (!input.ok()) return input.status();
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->decoderThreads = std::max(0, options.decoderThreads);
    impl->input = std::move(input.value());
    impl->stream = impl->input.stream;
    impl->startTs = impl->stream->start_time != AV_NOPTS_VALUE ? impl->stream->start_time : 0;
    if (Status s = impl->openCodec(); !s.ok()) return s;
    if (Status s = impl->prime(); !s.ok()) return s;
    return std::unique_ptr<VideoDecoder>(new VideoDecoder(std::move(impl)));
}

// Decodes the first frame now, so timestamps count from it: the stream's start_time can be off by a frame (AVI with
// B-frames) or absent, and then ptsUs and Frame::index after a seek would disagree with a decode from the start.
// It also makes a file whose frames cannot be converted fail at open rather than on the first next().
Status VideoDecoder::Impl::prime() {
    auto first = decodeNext();
    if (!first.ok()) return first.status();
    if (!first.value()) return {}; // no frame at all: next() will say so
    if (firstFrameTs != AV_NOPTS_VALUE) {
        startTs = firstFrameTs;
        first.value()->ptsUs = 0;
    }
    primed = std::move(first.value());
    lastPtsUs = 0;
    return {};
}

Result<std::optional<DecodedFrame>> VideoDecoder::Impl::decodeNext() {
    for (;;) {
        const int r = avcodec_receive_frame(codec.get(), frame.get());
        const bool ended = r == AVERROR_EOF || (r == AVERROR(EAGAIN) && draining);
        if (ended && seekTargetTs && firstAfterSeek && seekBackoffTs >= 0) {
            // Not one frame since the seek: it landed past the last keyframe the decoder could start from.
            if (Status s = seekFurtherBack(); !s.ok()) return s;
            continue;
        }
        if (r == AVERROR_EOF) return std::optional<DecodedFrame>();
        if (r == AVERROR(EAGAIN)) {
            if (draining) return std::optional<DecodedFrame>(); // nothing more will come
            if (Status s = feedDecoder(); !s.ok()) return s;
            continue;
        }
        if (r < 0) {
            // The decoder reported damage; it resumes with the next packet. Bounded, so a wedged decoder cannot spin.
            ++decodeErrors;
            newDecoderErrorLines();
            if (++consecutiveDecodeErrors > kMaxConsecutiveReadErrors) return std::optional<DecodedFrame>();
            if (!draining) {
                if (Status s = feedDecoder(); !s.ok()) return s;
            }
            continue;
        }
        consecutiveDecodeErrors = 0;
        const AVFrame &decoded = *frame;
        // Checked for every frame, counted only for frames handed out: decoding from a seek point logs errors about
        // missing references for frames that are then skipped, and those are not damage in the file.
        const bool damaged =
            newDecoderErrorLines() || (decoded.flags & AV_FRAME_FLAG_CORRUPT) || decoded.decode_error_flags;
        if (decoded.width <= 0 || decoded.height <= 0) {
            ++decodeErrors;
            av_frame_unref(frame.get());
            continue;
        }
        // A frame without a timestamp right after a seek cannot be placed (AVI with B-frames leaves the last one so).
        const bool unplaced = decoded.best_effort_timestamp == AV_NOPTS_VALUE && lastPtsUs < 0;
        const int64_t ptsUs = ptsUsOf(decoded);
        if (firstFrameTs == AV_NOPTS_VALUE) firstFrameTs = decoded.best_effort_timestamp;
        if (seekTargetTs) {
            const int64_t ts = decoded.best_effort_timestamp != AV_NOPTS_VALUE
                                   ? decoded.best_effort_timestamp
                                   : startTs + av_rescale_q(ptsUs, kMicroseconds, stream->time_base);
            if (firstAfterSeek && seekBackoffTs >= 0 && (unplaced || ts > *seekTargetTs)) {
                av_frame_unref(frame.get());
                if (Status s = seekFurtherBack(); !s.ok()) return s;
                continue;
            }
            firstAfterSeek = false;
            if (ts < *seekTargetTs) {
                av_frame_unref(frame.get());
                continue;
            }
            seekTargetTs.reset();
            if (input.info.fps > 0)
                nextIndex = uint64_t(std::max<int64_t>(0, std::llround(ptsUs * input.info.fps / 1e6)));
        }
        if (damaged) ++decodeErrors;
        auto converted = convert(decoded, ptsUs);
        av_frame_unref(frame.get());
        if (!converted.ok()) return converted.status();
        return std::optional<DecodedFrame>(std::move(converted).value());
    }
}

const VideoInfo &VideoDecoder::info() const {
    return m_impl->input.info;
}

const std::string &VideoDecoder::path() const {
    return m_impl->path;
}

Result<std::optional<DecodedFrame>> VideoDecoder::next() {
    Impl &d = *m_impl;
    if (d.primed) {
        std::optional<DecodedFrame> first = std::move(d.primed);
        d.primed.reset();
        first->frame.producedUs = steadyMicroseconds(); // handed out now, decoded at open
        ++d.framesDecoded;
        return first;
    }
    auto next = d.decodeNext();
    if (next.ok() && next.value()) ++d.framesDecoded;
    return next;
}

Status VideoDecoder::seek(int64_t ptsUs) {
    Impl &d = *m_impl;
    ptsUs = std::clamp<int64_t>(ptsUs, 0, kMaxSeekUs);
    lastFfmpegError().clear();
    d.primed.reset();
    // To the nearest tick of the stream's time base, so seeking to a ptsUs that next() returned finds that frame even
    // where the container keeps coarser time (Matroska: frame 7 at 30 fps is 233 ms, 7 / 30 s is 233333 us).
    const int64_t targetTs = d.startTs + av_rescale_q(ptsUs, kMicroseconds, d.stream->time_base);
    if (Status s = d.seekDemuxer(targetTs); !s.ok()) return s;
    d.seekTargetTs = targetTs;
    d.firstAfterSeek = true;
    d.seekBackoffTs = 0;
    return {};
}

uint64_t VideoDecoder::framesDecoded() const {
    return m_impl->framesDecoded;
}

uint64_t VideoDecoder::decodeErrors() const {
    return m_impl->decodeErrors;
}

} // namespace mnemo::media
