#pragma once
// Parallel decoding of one long video (the QuickVideo idea): the stream is cut at keyframes into intervals, a pool of
// threads decodes several intervals at once, each thread with its own single-threaded VideoDecoder, and next() hands
// the frames out in presentation order. Frame indices, timestamps and pixels are those of a straight decode.
//
// Intervals are short (about one keyframe interval each) and handed to the threads in order, rather than one long
// interval per thread: next() drains them in order, so a thread can only run ahead as far as its buffered frames
// reach, and a bounded buffer must cover whole intervals for the threads to stay busy.
// Streams that cannot be cut safely (packets without timestamps, keyframes out of order, a single keyframe) are
// decoded as one interval on one thread.

#include "mnemo/core/Status.hpp"
#include "mnemo/media/VideoDecoder.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mnemo::media {

struct ParallelDecoderOptions {
    unsigned threads = 0; // decoding threads; 0: std::thread::hardware_concurrency()
    // Decoded RGBA frames held ahead of next(), over all intervals in flight. A keyframe interval with more frames
    // than its share (a long GOP at a large size) makes the threads ahead wait, and the speed-up shrinks.
    size_t maxBufferedBytes = size_t(512) << 20;
    // Keyframe intervals shorter than this are merged: an all-intra file would otherwise seek before every frame.
    uint32_t minIntervalFrames = 16;
};

class ParallelDecoder {
public:
    // Opens the file (errors name it, as VideoDecoder's do), finds its keyframes by reading its packets without
    // decoding them, and starts the threads.
    static Result<std::unique_ptr<ParallelDecoder>> open(const std::string &path, unsigned threads = 0);
    static Result<std::unique_ptr<ParallelDecoder>> open(const std::string &path,
                                                         const ParallelDecoderOptions &options);
    ~ParallelDecoder(); // stops and joins the threads, dropping frames not yet returned

    ParallelDecoder(const ParallelDecoder &) = delete;
    ParallelDecoder &operator=(const ParallelDecoder &) = delete;

    const VideoInfo &info() const;
    const std::string &path() const;

    // As VideoDecoder::next(): the next frame in presentation order, nullopt at the end, an error when decoding
    // cannot go on (after which every call returns that error). Blocks while the frame is still being decoded.
    Result<std::optional<DecodedFrame>> next();

    uint64_t framesDecoded() const; // frames returned by next()
    uint64_t decodeErrors() const;  // VideoDecoder::decodeErrors() summed over the intervals finished so far
    size_t intervalCount() const;   // keyframe intervals the stream was cut into (1: decoded straight)
    unsigned threadCount() const;   // decoding threads started, at most intervalCount()

private:
    struct Impl;
    explicit ParallelDecoder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace mnemo::media
