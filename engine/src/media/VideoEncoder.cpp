#include "mnemo/media/VideoEncoder.hpp"

#include "media/FfmpegError.hpp"

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/rational.h>
}

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace mnemo::media {

using namespace detail;

const char *videoCodecName(VideoCodec codec) {
    switch (codec) {
    case VideoCodec::H264: return "h264";
    case VideoCodec::FFV1: return "ffv1";
    }
    return "?";
}

namespace {

std::string lowerExtension(const std::string &path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

// The muxer for the path's extension, or why there is none.
Result<std::string> muxerFor(const VideoEncoderConfig &config) {
    const std::string ext = lowerExtension(config.path);
    if (ext == ".mkv") return std::string("matroska");
    if (ext == ".mp4") {
        if (config.codec == VideoCodec::FFV1) {
            return Status(StatusCode::Unsupported,
                          "cannot write '" + config.path + "': FFV1 is written to Matroska only; use a .mkv file name");
        }
        return std::string("mp4");
    }
    return Status(StatusCode::InvalidArgument,
                  "cannot write '" + config.path + "': unknown container '" + ext + "' (use .mkv or .mp4)");
}

Status validate(const VideoEncoderConfig &config) {
    const std::string what = "cannot write '" + config.path + "': ";
    if (config.path.empty()) return {StatusCode::InvalidArgument, "cannot write a video: no file name given"};
    if (config.width == 0 || config.height == 0 || config.width > 16384 || config.height > 16384) {
        return {StatusCode::InvalidArgument, what + "frame size " + std::to_string(config.width) + "x" +
                                                 std::to_string(config.height) + " is out of range"};
    }
    if (config.codec == VideoCodec::H264 && (config.width % 2 != 0 || config.height % 2 != 0)) {
        return {StatusCode::InvalidArgument, what + "H.264 (yuv420p) needs an even width and height, not " +
                                                 std::to_string(config.width) + "x" + std::to_string(config.height)};
    }
    if (!std::isfinite(config.fps) || config.fps <= 0 || config.fps > 1000) {
        return {StatusCode::InvalidArgument, what + "frame rate " + std::to_string(config.fps) + " is out of range"};
    }
    if (config.crf < 0 || config.crf > 51) {
        return {StatusCode::InvalidArgument, what + "crf " + std::to_string(config.crf) + " is outside 0..51"};
    }
    return {};
}

} // namespace

struct VideoEncoder::Impl {
    VideoEncoderConfig config;
    AVFormatContext *format = nullptr; // output contexts have no close-and-free call of their own
    CodecContextPtr codec;
    AVStream *stream = nullptr; // owned by format
    FramePtr frame;
    PacketPtr packet;
    SwsPtr sws;
    uint64_t framesWritten = 0;
    bool headerWritten = false;
    bool finished = false;
    Status finishStatus;

    ~Impl() {
        if (format) {
            if (format->pb) avio_closep(&format->pb);
            avformat_free_context(format);
        }
    }

    std::string what() const { return "'" + config.path + "'"; }

    Status configureCodec(AVRational frameRate);
    Status openOutput(const std::string &muxer, AVRational frameRate);
    Status prepareConversion();
    Status drainPackets();
};

Status VideoEncoder::Impl::configureCodec(AVRational frameRate) {
    const bool h264 = config.codec == VideoCodec::H264;
    const AVCodec *encoder = avcodec_find_encoder_by_name(h264 ? "libx264" : "ffv1");
    if (!encoder) {
        return {StatusCode::Unsupported, std::string("cannot write ") + what() + ": this FFmpeg build has no " +
                                             (h264 ? "libx264" : "ffv1") + " encoder"};
    }
    codec.reset(avcodec_alloc_context3(encoder));
    if (!codec) return {StatusCode::OutOfMemory, "cannot write " + what() + ": out of memory"};
    AVCodecContext *c = codec.get();
    c->width = int(config.width);
    c->height = int(config.height);
    c->time_base = av_inv_q(frameRate); // one tick per frame: pts is the frame number
    c->framerate = frameRate;
    c->sample_aspect_ratio = {1, 1};
    // A keyframe about every second bounds what a crash can lose and how far an accurate seek must decode.
    c->gop_size = std::max(1, int(std::lround(config.fps)));
    if (h264) {
        c->pix_fmt = AV_PIX_FMT_YUV420P;
        // Tag what swscale produces (BT.601 matrix, limited range) from sRGB frames, so players convert back right.
        c->colorspace = AVCOL_SPC_SMPTE170M;
        c->color_range = AVCOL_RANGE_MPEG;
        c->color_primaries = AVCOL_PRI_BT709;
        c->color_trc = AVCOL_TRC_IEC61966_2_1;
        av_opt_set(c->priv_data, "preset", "veryfast", 0);
        av_opt_set(c->priv_data, "tune", "zerolatency", 0);
        av_opt_set_double(c->priv_data, "crf", config.crf, 0);
    } else {
        // BGR0 is the byte order FFV1 stores as RGB: the conversion from RGBA is a lossless shuffle.
        c->pix_fmt = AV_PIX_FMT_0RGB32;
        c->colorspace = AVCOL_SPC_RGB;
        c->color_range = AVCOL_RANGE_JPEG;
        c->color_primaries = AVCOL_PRI_BT709;
        c->color_trc = AVCOL_TRC_IEC61966_2_1;
        c->level = 3; // FFV1 version 3: slices with CRCs, so a damaged slice is detected instead of decoded as noise
    }
    if (format->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    lastFfmpegError().clear();
    if (int r = avcodec_open2(c, encoder, nullptr); r < 0) {
        return {StatusCode::Internal, std::string("cannot write ") + what() + ": the " + encoder->name +
                                          " encoder refused its settings: " + describeFailure(r)};
    }
    return {};
}

Status VideoEncoder::Impl::openOutput(const std::string &muxer, AVRational frameRate) {
    stream = avformat_new_stream(format, nullptr);
    if (!stream) return {StatusCode::OutOfMemory, "cannot write " + what() + ": out of memory"};
    if (int r = avcodec_parameters_from_context(stream->codecpar, codec.get()); r < 0) {
        return {StatusCode::Internal, "cannot write " + what() + ": " + avErrorText(r)};
    }
    stream->time_base = codec->time_base; // a hint; the muxer may pick its own (Matroska: milliseconds)
    stream->avg_frame_rate = frameRate;
    stream->r_frame_rate = frameRate;

    if (int r = avio_open(&format->pb, config.path.c_str(), AVIO_FLAG_WRITE); r < 0) {
        return {StatusCode::InvalidArgument, "cannot create " + what() + ": " + avErrorText(r)};
    }
    // Hand every packet to the OS when it is muxed: a crash of this process then loses nothing already written.
    format->flush_packets = 1;
    AVDictionary *options = nullptr;
    if (muxer == "mp4") {
        // Fragmented: each keyframe starts a self-contained fragment, and the moov box comes first and empty, so a
        // file cut anywhere still plays up to its last complete fragment (a plain MP4 needs its trailer to play).
        av_dict_set(&options, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
    }
    lastFfmpegError().clear();
    const int r = avformat_write_header(format, &options);
    av_dict_free(&options);
    if (r < 0) return {StatusCode::Internal, "cannot write the header of " + what() + ": " + describeFailure(r)};
    headerWritten = true;
    return {};
}

Status VideoEncoder::Impl::prepareConversion() {
    frame.reset(av_frame_alloc());
    packet.reset(av_packet_alloc());
    if (!frame || !packet) return {StatusCode::OutOfMemory, "cannot write " + what() + ": out of memory"};
    frame->format = codec->pix_fmt;
    frame->width = codec->width;
    frame->height = codec->height;
    frame->colorspace = codec->colorspace;
    frame->color_range = codec->color_range;
    if (int r = av_frame_get_buffer(frame.get(), 0); r < 0) {
        return {StatusCode::OutOfMemory, "cannot write " + what() + ": " + avErrorText(r)};
    }
    sws.reset(sws_getContext(codec->width, codec->height, AV_PIX_FMT_RGBA, codec->width, codec->height, codec->pix_fmt,
                             SWS_BILINEAR | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
    if (!sws) return {StatusCode::Internal, "cannot write " + what() + ": swscale cannot convert RGBA for the encoder"};
    if (codec->pix_fmt == AV_PIX_FMT_YUV420P) {
        // Say it outright rather than rely on swscale's default: BT.601, full-range RGB in, limited-range YUV out.
        const int *bt601 = sws_getCoefficients(SWS_CS_ITU601);
        sws_setColorspaceDetails(sws.get(), bt601, 1, bt601, 0, 0, 1 << 16, 1 << 16);
    }
    return {};
}

Status VideoEncoder::Impl::drainPackets() {
    for (;;) {
        int r = avcodec_receive_packet(codec.get(), packet.get());
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return {};
        if (r < 0) return {StatusCode::Internal, "cannot encode " + what() + ": " + describeFailure(r)};
        // Constant frame rate: every packet lasts one frame. Without a duration the MP4 muxer's edit list drops the
        // last frame, so it must be set before the rescale.
        if (packet->duration <= 0) packet->duration = 1;
        av_packet_rescale_ts(packet.get(), codec->time_base, stream->time_base);
        packet->stream_index = stream->index;
        r = av_interleaved_write_frame(format, packet.get()); // takes the packet's reference
        if (r < 0) {
            return {StatusCode::Internal, "cannot write to " + what() + " (disk full?): " + describeFailure(r)};
        }
    }
}

VideoEncoder::VideoEncoder(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

VideoEncoder::~VideoEncoder() {
    (void)finish();
}

Result<std::unique_ptr<VideoEncoder>> VideoEncoder::open(const VideoEncoderConfig &config) {
    routeFfmpegLog();
    if (Status s = validate(config); !s.ok()) return s;
    const auto muxer = muxerFor(config);
    if (!muxer.ok()) return muxer.status();

    auto impl = std::make_unique<Impl>();
    impl->config = config;
    if (avformat_alloc_output_context2(&impl->format, nullptr, muxer.value().c_str(), config.path.c_str()) < 0 ||
        !impl->format) {
        return Status(StatusCode::Unsupported,
                      "cannot write '" + config.path + "': this FFmpeg build has no " + muxer.value() + " muxer");
    }
    const AVRational frameRate = av_d2q(config.fps, 100000);
    Status s = impl->configureCodec(frameRate);
    if (s.ok()) s = impl->openOutput(muxer.value(), frameRate);
    if (s.ok()) s = impl->prepareConversion();
    if (!s.ok()) {
        const bool created = impl->format->pb != nullptr;
        impl.reset();                                  // closes the file before it is removed
        if (created) std::remove(config.path.c_str()); // a header without frames is no use to anyone
        return s;
    }
    return std::unique_ptr<VideoEncoder>(new VideoEncoder(std::move(impl)));
}

Status VideoEncoder::write(const Frame &frame) {
    Impl &d = *m_impl;
    if (d.finished) return {StatusCode::InvalidArgument, "cannot write to " + d.what() + ": it is already finished"};
    if (frame.width != d.config.width || frame.height != d.config.height) {
        return {StatusCode::InvalidArgument,
                "cannot write a " + std::to_string(frame.width) + "x" + std::to_string(frame.height) + " frame to " +
                    d.what() + " (" + std::to_string(d.config.width) + "x" + std::to_string(d.config.height) + ")"};
    }
    if (frame.rgba.size() < size_t(frame.width) * frame.height * 4) {
        return {StatusCode::InvalidArgument, "cannot write to " + d.what() + ": the frame's pixel data is short"};
    }
    // The encoder may still hold the previous picture (frame threads); never scribble over it.
    if (int r = av_frame_make_writable(d.frame.get()); r < 0) {
        return {StatusCode::OutOfMemory, "cannot write to " + d.what() + ": " + avErrorText(r)};
    }
    const uint8_t *src[1] = {frame.rgba.data()};
    const int srcStride[1] = {int(frame.width) * 4};
    sws_scale(d.sws.get(), src, srcStride, 0, int(frame.height), d.frame->data, d.frame->linesize);
    d.frame->pts = int64_t(d.framesWritten);
    lastFfmpegError().clear();
    if (int r = avcodec_send_frame(d.codec.get(), d.frame.get()); r < 0) {
        return {StatusCode::Internal, "cannot encode a frame for " + d.what() + ": " + describeFailure(r)};
    }
    ++d.framesWritten;
    return d.drainPackets();
}

Status VideoEncoder::finish() {
    Impl &d = *m_impl;
    if (d.finished) return d.finishStatus;
    d.finished = true;
    Status s;
    lastFfmpegError().clear();
    if (int r = avcodec_send_frame(d.codec.get(), nullptr); r < 0 && r != AVERROR_EOF) {
        s = {StatusCode::Internal, "cannot flush the encoder of " + d.what() + ": " + describeFailure(r)};
    } else {
        s = d.drainPackets();
    }
    // The trailer and the close are attempted even after an error: whatever reached the file stays playable.
    if (d.headerWritten) {
        if (int r = av_write_trailer(d.format); r < 0 && s.ok()) {
            s = {StatusCode::Internal, "cannot finish " + d.what() + ": " + describeFailure(r)};
        }
    }
    if (d.format->pb) {
        if (int r = avio_closep(&d.format->pb); r < 0 && s.ok()) {
            s = {StatusCode::Internal, "cannot close " + d.what() + ": " + avErrorText(r)};
        }
    }
    d.finishStatus = s;
    return s;
}

uint64_t VideoEncoder::framesWritten() const {
    return m_impl->framesWritten;
}

const VideoEncoderConfig &VideoEncoder::config() const {
    return m_impl->config;
}

} // namespace mnemo::media
