// LangGraph checkpoint values: msgpack from Python (with nested extension types) and JSON from JavaScript. The first
// byte picks the serialisation type, the rest is the value.
#include "agentmem/adapters/ImportCommon.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    static const char *types[] = {"msgpack", "json", "bytes", "null"};
    const std::string type = types[data[0] % 4];
    auto value = mnemo::agentmem::decodeLangGraphValue(type, data + 1, size - 1, "fuzz");
    if (value.ok()) (void)mnemo::toJson(value.value());
    return 0;
}
