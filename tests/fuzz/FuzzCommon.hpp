#pragma once
// Shared by the fuzz targets: inputs that readers take as files land in a private temporary folder, and the engine's
// log is kept quiet so libFuzzer's output stays readable.

#include <cstddef>
#include <cstdint>
#include <string>

namespace mnemo::fuzz {

// A folder of this process's own under the temporary directory, created once, removed at exit.
const std::string &scratchDir();
// Writes the input to scratchDir()/name (replacing it) and returns the path.
std::string writeInput(const uint8_t *data, size_t size, const std::string &name);
// Removes everything in scratchDir() (between inputs that create side files).
void clearScratch();

} // namespace mnemo::fuzz
