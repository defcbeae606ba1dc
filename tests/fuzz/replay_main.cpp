// Runs a fuzz target once over files and folders of inputs, without libFuzzer: the committed corpus and every input
// a fuzzer once found (tests/fuzz/regressions) are replayed by every build, sanitizers or not.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace fs = std::filesystem;

static int runFile(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    return 1;
}

int main(int argc, char **argv) {
    int ran = 0;
    for (int i = 1; i < argc; ++i) {
        std::error_code ec;
        if (fs::is_directory(argv[i], ec)) {
            std::vector<fs::path> files;
            for (const auto &e : fs::recursive_directory_iterator(argv[i], ec)) {
                if (e.is_regular_file(ec) && e.path().filename() != ".gitkeep") files.push_back(e.path());
            }
            std::sort(files.begin(), files.end());
            for (const auto &f : files) ran += runFile(f);
        } else {
            ran += runFile(argv[i]);
        }
    }
    std::printf("%d inputs replayed without a crash\n", ran);
    return ran > 0 ? 0 : 1; // an empty corpus means the inputs went missing, not that all is well
}
