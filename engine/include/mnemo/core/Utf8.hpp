#pragma once
// Text hygiene for bytes Mnemo did not write: foreign stores, file names, media tags, track files. Every such text
// is made valid UTF-8 where it enters the engine, so nothing downstream (JSON output, Qt strings, SQLite FTS) can
// fail or misbehave on it.
//
// Policy (docs/text-hygiene.md): each maximal subpart of an ill-formed sequence becomes one U+FFFD REPLACEMENT
// CHARACTER, as the Unicode Standard recommends (chapter 3, "U+FFFD Substitution of Maximal Subparts") and as
// WHATWG's decoder and Python's errors="replace" do. Overlong forms, surrogates (ED A0..BF) and code points above
// U+10FFFF are ill-formed. NUL and other control characters are valid UTF-8 and are kept.

#include <cstddef>
#include <string>
#include <string_view>

namespace mnemo {

// true when `text` is well-formed UTF-8.
bool isValidUtf8(std::string_view text);

// `text` unchanged when it is well-formed, else with each ill-formed subpart replaced by U+FFFD.
std::string validUtf8(std::string_view text);
std::string validUtf8(std::string &&text);

// Length of the well-formed sequence starting at text[0], or 0 when it is ill-formed there; `subpart` is set to the
// length of the maximal ill-formed subpart to replace (at least 1).
size_t utf8SequenceLength(std::string_view text, size_t &subpart);

} // namespace mnemo
