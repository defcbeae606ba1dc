#pragma once
// Video sinks: RGBA8 frames in, an H.264 (libx264) or FFV1 (lossless) file out, through the FFmpeg libraries.
// The container follows the extension: .mkv Matroska, .mp4 fragmented MP4. Both are written so that a recording cut
// off by a crash still plays up to its last complete fragment (a keyframe about every second starts a new Matroska
// cluster / MP4 fragment, and every packet is handed to the OS as soon as it is muxed).

#include "mnemo/core/Status.hpp"
#include "mnemo/render/Frame.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace mnemo::media {

enum class VideoCodec { H264, FFV1 };

const char *videoCodecName(VideoCodec codec);

struct VideoEncoderConfig {
    // .mkv: Matroska. .mp4: fragmented MP4 (movflags frag_keyframe+empty_moov+default_base_moof). The file is
    // created or overwritten; its folder must exist.
    std::string path;
    uint32_t width = 0, height = 0; // H.264 (yuv420p) needs both even
    double fps = 30.0;              // constant frame rate
    // H.264: libx264 yuv420p, preset veryfast, tune zerolatency (no B-frames, no lookahead: packets leave at once).
    // FFV1: lossless RGB (alpha is dropped), Matroska only.
    VideoCodec codec = VideoCodec::H264;
    int crf = 18; // H.264 quality, 0 (lossless) .. 51; ignored for FFV1
};

// Synchronous: write() encodes and muxes on the caller's thread, so a recorder runs it on its own thread.
class VideoEncoder {
public:
    static Result<std::unique_ptr<VideoEncoder>> open(const VideoEncoderConfig &config);
    ~VideoEncoder(); // finishes if not finished, ignoring errors

    VideoEncoder(const VideoEncoder &) = delete;
    VideoEncoder &operator=(const VideoEncoder &) = delete;

    // An RGBA8 frame of the configured size. Its timestamp is the number of frames written before it (constant frame
    // rate); Frame::index and the clock fields are not used.
    Status write(const Frame &frame);
    // Flushes the encoder, writes the trailer and closes the file. Idempotent: later calls return the first result.
    Status finish();

    uint64_t framesWritten() const;
    const VideoEncoderConfig &config() const;

private:
    struct Impl;
    explicit VideoEncoder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl; // keeps FFmpeg's headers out of the engine's public API
};

} // namespace mnemo::media
