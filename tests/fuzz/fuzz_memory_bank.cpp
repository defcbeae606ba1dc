// A saved world memory bank (File > Open Memory Bank, --memory-in).
#include "FuzzCommon.hpp"

#include "mnemo/memory/MemoryBank.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mnemo::fuzz::clearScratch();
    const std::string path = mnemo::fuzz::writeInput(data, size, "bank.mnemo-memory");
    (void)mnemo::memory::MemoryBank::load(path);
    return 0;
}
