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

// The still-image format of a file from its content ("png", "jpeg", "bmp", "gif", "tga"), or empty when it is not an
// image stb can read. PNG, JPEG, BMP and GIF are known by their magic numbers; TGA has none, so a file is taken as
// TGA only when stb parses its header and FFmpeg does not recognise it as a container (see openSource).
std::string stillImageFormat(const std::string &path);

enum class SourceKind { Video, Camera, Image, ImageSequence };
const char *sourceKindName(SourceKind kind); // "video", "camera", "image", "image-sequence"

// `spec`: a video file; "/dev/videoN" (a camera); an image file; or a folder of images (sorted by name, all the
// same size, played at `sequenceFps`). Files are recognised by their content, never their names.
Result<std::unique_ptr<FrameSource>> openSource(const std::string &spec, double sequenceFps = 30.0);
// What openSource(spec) would open, without decoding anything.
Result<SourceKind> sourceKind(const std::string &spec);

} // namespace mnemo::media
