#pragma once
// Where frames come from, behind one interface: a video file (any FFmpeg-readable container), a V4L2 camera
// (/dev/videoN), a still image, or a folder of images read as a sequence. openSource() picks by the spec.

#include "mnemo/media/VideoDecoder.hpp"

#include <memory>
#include <string>

namespace mnemo::media {

class FrameSource {
public:
    virtual ~FrameSource() = default;
    virtual const VideoInfo &info() const = 0;
    // The next frame in order; nullopt at the end (a still image gives exactly one frame).
    virtual Result<std::optional<DecodedFrame>> next() = 0;
    // Accurate seek by presentation time.
    virtual Status seek(int64_t ptsUs) = 0;
};

// `spec`: a video file; "/dev/videoN" (a camera); an image file (.png .jpg .jpeg .bmp .tga); or a folder of
// images, sorted by name, all the same size, played at `sequenceFps`.
Result<std::unique_ptr<FrameSource>> openSource(const std::string &spec, double sequenceFps = 30.0);

} // namespace mnemo::media
