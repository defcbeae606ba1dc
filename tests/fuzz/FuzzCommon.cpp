#include "FuzzCommon.hpp"

#include "mnemo/core/Log.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace mnemo::fuzz {
namespace {

struct Scratch {
    std::string dir;
    Scratch() {
        log::setMinimumLevel(log::Level::Error);
        std::error_code ec;
        fs::path base = fs::temp_directory_path(ec);
        if (ec) base = "/tmp";
        dir = (base / ("mnemo-fuzz-" + std::to_string(::getpid()))).string();
        fs::create_directories(dir, ec);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

Scratch &scratch() {
    static Scratch s;
    return s;
}

} // namespace

const std::string &scratchDir() { return scratch().dir; }

std::string writeInput(const uint8_t *data, size_t size, const std::string &name) {
    std::string path = scratchDir() + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), std::streamsize(size));
    return path;
}

void clearScratch() {
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(scratchDir(), ec)) fs::remove_all(e.path(), ec);
}

} // namespace mnemo::fuzz
