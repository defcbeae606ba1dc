#pragma once
// Numbers from text Mnemo did not write (metadata tables, foreign stores): the whole text must be the number, and a
// malformed or out-of-range one is nullopt instead of an exception (std::stoul) or a silent 0 (std::atoi).

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mnemo {

inline std::optional<uint64_t> parseUnsigned(std::string_view text) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

inline std::optional<double> parseDouble(std::string_view text) {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

} // namespace mnemo
