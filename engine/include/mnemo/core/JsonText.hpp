#pragma once
// JSON text from values that may carry foreign strings. nlohmann's dump() throws type_error 316 on bytes that are not
// UTF-8; this one writes U+FFFD for them instead (the policy of mnemo/core/Utf8.hpp), so output never aborts.
// Include <nlohmann/json.hpp> first; the engine's public headers stay free of it.

#include <string>

namespace mnemo {

template <typename Json>
std::string toJson(const Json &value, int indent = -1) {
    return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

} // namespace mnemo
