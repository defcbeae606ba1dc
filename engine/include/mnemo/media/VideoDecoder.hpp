#pragma once
// Video sources: any container and codec the system's FFmpeg libraries decode, as RGBA8 frames (swscale, honouring
// the stream's YUV matrix and range), with frame-exact timestamps and accurate seeking. No ffmpeg binary is needed.
// Damaged packets are skipped and counted; a file that cannot be opened, or holds no video stream (a still image
// counts as none), is an error naming the file and the reason.

#include "mnemo/core/Status.hpp"
#include "mnemo/render/Frame.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mnemo::media {

struct VideoInfo {
    std::string container;   // FFmpeg's demuxer name, e.g. "matroska,webm" or "mov,mp4,m4a,3gp,3g2,mj2"
    std::string codec;       // e.g. "h264", "ffv1"
    std::string pixelFormat; // the coded pixel format, e.g. "yuv420p"; "unknown" when the header does not say
    uint32_t width = 0, height = 0;
    double rotationDeg = 0;     // clockwise rotation to apply for display, [0, 360); frames are returned unrotated
    double durationSeconds = 0; // 0 when unknown (a cut Matroska file may not say)
    double fps = 0;             // FFmpeg's best guess of the frame rate; 0 when unknown
    int64_t frameCountHint = 0; // from the header, or duration x fps; decode to know exactly
    // The container's and the video stream's metadata tags (title, encoder, creation_time, ...), stream tags after
    // the container's, in the file's order. Foreign text: keys and values are made valid UTF-8 (mnemo/core/Utf8.hpp).
    std::vector<std::pair<std::string, std::string>> metadata;
};

// Opens the file only as far as needed to describe its video stream.
Result<VideoInfo> probe(const std::string &path);

struct DecodedFrame {
    // RGBA8, opaque, unrotated. frame.index counts frames in presentation order from 0; after a seek it restarts at
    // round(ptsUs x fps). frame.producedUs is the steady clock when next() handed it out.
    Frame frame;
    // Presentation time in microseconds since the first frame (which is at 0), from the file's own timestamps.
    int64_t ptsUs = 0;
};

struct VideoDecoderOptions {
    // FFmpeg's decoding threads: 0 lets FFmpeg pick from the core count. 1 decodes on the calling thread alone, for
    // callers that run several decoders side by side (ParallelDecoder) or measure single-threaded speed.
    int decoderThreads = 0;
};

class VideoDecoder {
public:
    // Decodes the first frame already (timestamps count from it), so frames that cannot be converted fail here.
    static Result<std::unique_ptr<VideoDecoder>> open(const std::string &path, const VideoDecoderOptions &options = {});
    // A V4L2 camera (/dev/videoN) through libavdevice. A missing device, or a path that is not one, is a clear error.
    static Result<std::unique_ptr<VideoDecoder>> openCamera(const std::string &device);
    ~VideoDecoder();

    VideoDecoder(const VideoDecoder &) = delete;
    VideoDecoder &operator=(const VideoDecoder &) = delete;

    const VideoInfo &info() const;
    const std::string &path() const;

    // The next frame in presentation order; nullopt at the end of the stream. An error only when decoding cannot go
    // on at all (out of memory, an unconvertible pixel format); damaged packets are skipped and counted instead.
    Result<std::optional<DecodedFrame>> next();
    // Accurate: the next frame returned is the first with ptsUs >= the target, compared in the file's own time base
    // (to its nearest tick: Matroska keeps milliseconds). Decodes on from the keyframe before the target; where the
    // demuxer has no keyframe index (MPEG-TS, a cut file) it backs off further, down to the start. A target past the
    // end leaves nothing to return.
    Status seek(int64_t ptsUs);

    uint64_t framesDecoded() const; // frames returned by next() (frames skipped to reach a seek target not counted)
    uint64_t decodeErrors() const;  // packets the decoder rejected, frames it flagged corrupt, demuxer read errors

private:
    struct Impl;
    explicit VideoDecoder(std::unique_ptr<Impl> impl);
    static Result<std::unique_ptr<VideoDecoder>> openImpl(const std::string &path, bool device,
                                                          const VideoDecoderOptions &options = {});
    std::unique_ptr<Impl> m_impl; // keeps FFmpeg's headers out of the engine's public API
};

} // namespace mnemo::media
