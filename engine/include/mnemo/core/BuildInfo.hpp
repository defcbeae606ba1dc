#pragma once
// Versions of Mnemo and of the libraries the engine was built and runs with, for --version, About and bug reports.

#include <string>
#include <utility>
#include <vector>

namespace mnemo {

// (library, version) pairs: vulkan-headers, ffmpeg libavcodec/libavformat, sqlite — the *run-time* versions where a
// library reports one, so a mismatched shared library shows up.
std::vector<std::pair<std::string, std::string>> libraryVersions();

} // namespace mnemo
