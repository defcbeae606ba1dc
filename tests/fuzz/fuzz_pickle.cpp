// Chroma's index_metadata.pickle: the plain-data pickle reader, byte by byte.
#include "agentmem/adapters/PickleReader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    auto value = mnemo::agentmem::readPickle(std::vector<uint8_t>(data, data + size));
    if (value.ok()) (void)value.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
}
