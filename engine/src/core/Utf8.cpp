// Well-formed UTF-8 per the Unicode Standard, table 3-7: the allowed second byte depends on the first, which rules
// out overlong forms, surrogates and values above U+10FFFF without decoding.
#include "mnemo/core/Utf8.hpp"

namespace mnemo {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD"; // U+FFFD

bool inRange(unsigned char b, unsigned char lo, unsigned char hi) { return b >= lo && b <= hi; }

// Bytes expected after `lead` and the bounds of the first continuation byte; 0 trailing bytes means `lead` is not a
// lead byte at all.
struct LeadRule {
    int trailing = 0;
    unsigned char lo = 0x80, hi = 0xBF;
};

LeadRule leadRule(unsigned char b) {
    if (inRange(b, 0xC2, 0xDF)) return {1};
    if (b == 0xE0) return {2, 0xA0, 0xBF};
    if (inRange(b, 0xE1, 0xEC) || inRange(b, 0xEE, 0xEF)) return {2};
    if (b == 0xED) return {2, 0x80, 0x9F};
    if (b == 0xF0) return {3, 0x90, 0xBF};
    if (inRange(b, 0xF1, 0xF3)) return {3};
    if (b == 0xF4) return {3, 0x80, 0x8F};
    return {};
}

} // namespace

size_t utf8SequenceLength(std::string_view text, size_t &subpart) {
    subpart = 1;
    if (text.empty()) return 0;
    auto b0 = static_cast<unsigned char>(text[0]);
    if (b0 < 0x80) return 1;
    LeadRule rule = leadRule(b0);
    if (rule.trailing == 0) return 0;
    for (int i = 1; i <= rule.trailing; ++i) {
        if (size_t(i) >= text.size()) return 0; // truncated: the bytes so far form the maximal subpart
        auto b = static_cast<unsigned char>(text[size_t(i)]);
        bool ok = i == 1 ? inRange(b, rule.lo, rule.hi) : inRange(b, 0x80, 0xBF);
        if (!ok) return 0;
        subpart = size_t(i) + 1;
    }
    return size_t(rule.trailing) + 1;
}

bool isValidUtf8(std::string_view text) {
    size_t i = 0, subpart = 0;
    while (i < text.size()) {
        if (static_cast<unsigned char>(text[i]) < 0x80) { ++i; continue; }
        size_t n = utf8SequenceLength(text.substr(i), subpart);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string validUtf8(std::string_view text) {
    if (isValidUtf8(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 8);
    size_t i = 0, subpart = 0;
    while (i < text.size()) {
        size_t n = utf8SequenceLength(text.substr(i), subpart);
        if (n > 0) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            out += kReplacement;
            i += subpart;
        }
    }
    return out;
}

std::string validUtf8(std::string &&text) {
    if (isValidUtf8(text)) return std::move(text);
    return validUtf8(std::string_view(text));
}

} // namespace mnemo
