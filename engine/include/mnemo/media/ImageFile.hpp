#pragma once
// Still images on disk. PNG via Debian's stb (libstb); video containers come with the FFmpeg layer.

#include "mnemo/core/Status.hpp"
#include "mnemo/render/Frame.hpp"

#include <string>

namespace mnemo::media {

Status writePng(const std::string &path, const Frame &frame);
Result<Frame> readImage(const std::string &path);

} // namespace mnemo::media
