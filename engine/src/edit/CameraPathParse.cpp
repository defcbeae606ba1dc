// Reading a camera path file. Every error names the file and the line: nlohmann's DOM keeps no positions, so JSON
// syntax errors take theirs from the parser's byte offset, and errors in a valid document from a scan of its text
// that notes where each top-level key, each keyframe and each key of a keyframe begins.
#include "CameraPathFields.hpp"

#include "mnemo/core/JsonText.hpp"
#include "mnemo/core/Utf8.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

namespace mnemo::edit {
using namespace camera_path;

namespace {
using nlohmann::json;

// A path nests three deep (document, keyframes, keyframe); a deeper document is malformed anyway, and the limit
// keeps a hostile file from building a deep DOM.
constexpr size_t kMaxPathDepth = 8;
constexpr double kMaxFrame = 9007199254740992.0; // 2^53: every frame number a double holds exactly

// ---- Positions -------------------------------------------------------------------------------------------------

struct LineColumn {
    size_t line = 1, column = 1; // column in characters, not bytes
};

LineColumn lineColumnAt(std::string_view text, size_t offset) {
    LineColumn at;
    for (size_t i = 0; i < std::min(offset, text.size()); ++i) {
        if (text[i] == '\n') {
            ++at.line;
            at.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++at.column;
        }
    }
    return at;
}

// Errors read "FILE:LINE: what", or "FILE:LINE:COLUMN: what" for syntax, as a compiler's do.
class Reporter {
public:
    Reporter(std::string_view text, const std::string &name) : m_text(text), m_name(name) {}

    Status at(size_t offset, const std::string &what, bool withColumn = false,
              StatusCode code = StatusCode::InvalidArgument) const {
        const LineColumn position = lineColumnAt(m_text, offset);
        std::string where = m_name + ":" + std::to_string(position.line);
        if (withColumn) where += ":" + std::to_string(position.column);
        return {code, where + ": " + what};
    }

    size_t lineOf(size_t offset) const { return lineColumnAt(m_text, offset).line; }

private:
    std::string_view m_text;
    std::string m_name;
};

// Index just past the string whose opening quote is at `quote`.
size_t skipString(std::string_view text, size_t quote) {
    for (size_t i = quote + 1; i < text.size(); ++i) {
        if (text[i] == '\\') {
            ++i;
        } else if (text[i] == '"') {
            return i + 1;
        }
    }
    return text.size();
}

size_t skipSpace(std::string_view text, size_t i) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
    return i;
}

// Where the parts of a valid document begin (byte offsets): its top-level keys, each element of "keyframes", and
// the keys of those elements. Keys are compared as written (a key spelled with escapes is not found: its error
// then points at the keyframe's first line instead).
struct TextLayout {
    std::map<std::string, size_t> topKeys;
    std::vector<size_t> keyframeStarts;
    std::vector<std::map<std::string, size_t>> keyframeKeys;
};

class LayoutScanner {
public:
    explicit LayoutScanner(std::string_view text) : m_text(text) {}

    TextLayout scan() {
        for (size_t i = 0; i < m_text.size();) i = step(i);
        return std::move(m_layout);
    }

private:
    size_t step(size_t i) {
        const char c = m_text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return i + 1;
        if (m_depth == 2 && m_inKeyframes && (m_last == '[' || m_last == ',') && c != ']') startKeyframe(i);
        size_t next = i + 1;
        if (c == '"') {
            next = skipString(m_text, i);
            const size_t after = skipSpace(m_text, next);
            if (after < m_text.size() && m_text[after] == ':') key(std::string(m_text.substr(i + 1, next - i - 2)), i);
        } else if (c == '{' || c == '[') {
            m_inKeyframes = m_inKeyframes || (m_depth == 1 && c == '[' && m_last == ':' && m_topKey == "keyframes");
            ++m_depth;
        } else if ((c == '}' || c == ']') && m_depth > 0) {
            if (--m_depth == 1) m_inKeyframes = false;
        }
        m_last = c;
        return next;
    }

    void startKeyframe(size_t offset) {
        m_layout.keyframeStarts.push_back(offset);
        m_layout.keyframeKeys.emplace_back();
    }

    void key(const std::string &name, size_t offset) {
        if (m_depth == 1) {
            m_layout.topKeys[name] = offset;
            m_topKey = name;
        } else if (m_depth == 3 && m_inKeyframes && !m_layout.keyframeKeys.empty()) {
            m_layout.keyframeKeys.back()[name] = offset;
        }
    }

    std::string_view m_text;
    TextLayout m_layout;
    size_t m_depth = 0;
    char m_last = 0; // the last character outside strings that was not white space ('"' after a string)
    std::string m_topKey;
    bool m_inKeyframes = false;
};

// Offset of the first bracket that opens level maxDepth + 1.
size_t offsetDeeperThan(std::string_view text, size_t maxDepth) {
    size_t depth = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '"') {
            i = skipString(text, i) - 1;
        } else if (text[i] == '{' || text[i] == '[') {
            if (++depth > maxDepth) return i;
        } else if ((text[i] == '}' || text[i] == ']') && depth > 0) {
            --depth;
        }
    }
    return text.size();
}

// ---- From text to a document ---------------------------------------------------------------------------------------

std::optional<size_t> firstInvalidUtf8(std::string_view text) {
    size_t subpart = 0;
    for (size_t i = 0; i < text.size();) {
        const size_t n = utf8SequenceLength(text.substr(i), subpart);
        if (n == 0) return i;
        i += n;
    }
    return std::nullopt;
}

// nlohmann's depth-limited DOM builder, remembering where and why the parse failed.
class PositionedDom : public mnemo::detail::DepthLimitedDom<json> {
public:
    using mnemo::detail::DepthLimitedDom<json>::DepthLimitedDom;

    template <typename Exception>
    bool parse_error(size_t charsRead, const std::string &token, const Exception &e) {
        failedAt = charsRead > 0 ? charsRead - 1 : 0; // the offending character is the last one read
        failure = e.what();
        return mnemo::detail::DepthLimitedDom<json>::parse_error(charsRead, token, e);
    }

    std::optional<size_t> failedAt;
    std::string failure;
};

// "[json.exception.parse_error.101] parse error at line 3, column 14: syntax error ..." -> "syntax error ...": the
// position is ours to write.
std::string parserReason(const std::string &what) {
    const size_t column = what.find("column ");
    if (const size_t colon = what.find(": ", column == std::string::npos ? 0 : column); colon != std::string::npos) {
        return what.substr(colon + 2);
    }
    const size_t bracket = what.find("] ");
    return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

Status parseDocument(std::string_view text, const Reporter &report, json &doc) {
    if (const auto bad = firstInvalidUtf8(text)) {
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", unsigned(static_cast<unsigned char>(text[*bad])));
        return report.at(*bad, std::string("not valid UTF-8 (byte ") + byte + ")", true);
    }
    PositionedDom dom(doc, kMaxPathDepth);
    bool parsed = false;
    try {
        parsed = json::sax_parse(text.begin(), text.end(), &dom, nlohmann::detail::input_format_t::json, true);
    } catch (const json::exception &e) { // a length the builder cannot hold and the like: malformed all the same
        return report.at(text.size(), std::string("not valid JSON: ") + e.what(), true);
    }
    if (parsed) return {};
    if (dom.failedAt) return report.at(*dom.failedAt, "not valid JSON: " + parserReason(dom.failure), true);
    return report.at(offsetDeeperThan(text, kMaxPathDepth),
                     "nested deeper than " + std::to_string(kMaxPathDepth) + " levels (a camera path nests 3)", true);
}

// ---- From a document to a path -------------------------------------------------------------------------------------

// A value as an error shows it: short, never the whole of a nested value.
std::string describe(const json &value) {
    if (value.is_object()) return "an object";
    if (value.is_array()) return "an array";
    std::string text = mnemo::toJson(value);
    if (text.size() <= 40) return text;
    size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut; // not inside a character
    return text.substr(0, cut) + "...";
}

std::optional<uint64_t> wholeNumber(const json &value, double max) {
    if (!value.is_number()) return std::nullopt;
    if (value.is_number_unsigned()) {
        const uint64_t u = value.get<uint64_t>();
        return double(u) <= max ? std::optional<uint64_t>(u) : std::nullopt;
    }
    const double d = value.get<double>();
    if (!std::isfinite(d) || d < 0 || d > max || d != std::floor(d)) return std::nullopt;
    return uint64_t(d);
}

std::string fieldList() {
    std::string names = "frame";
    for (const ValueField &field : valueFields()) names += std::string(", ") + field.name;
    return names + ", ease";
}

class PathReader {
public:
    PathReader(const json &doc, const TextLayout &layout, const Reporter &report)
        : m_doc(doc), m_layout(layout), m_report(report) {}

    Result<CameraPath> read() {
        if (!m_doc.is_object()) {
            return m_report.at(0, "a camera path is a JSON object {\"format\": \"" + std::string(kFormat) +
                                      "\", ...}, not " + describe(m_doc));
        }
        if (Status s = readHeader(); !s.ok()) return s;
        if (Status s = readStabilization(); !s.ok()) return s;
        if (Status s = readKeyframes(); !s.ok()) return s;
        return std::move(m_path);
    }

private:
    size_t topKey(const std::string &key) const {
        const auto found = m_layout.topKeys.find(key);
        return found == m_layout.topKeys.end() ? 0 : found->second;
    }

    // The key's offset inside keyframe i, else the keyframe's own.
    size_t keyframeAt(size_t i, const std::string &key = {}) const {
        if (i < m_layout.keyframeKeys.size()) {
            const auto found = m_layout.keyframeKeys[i].find(key);
            if (found != m_layout.keyframeKeys[i].end()) return found->second;
        }
        return i < m_layout.keyframeStarts.size() ? m_layout.keyframeStarts[i] : topKey("keyframes");
    }

    // The format first: a file that is something else (a camera track) is told so, not that its fields are unknown.
    Status readHeader() const {
        const auto format = m_doc.find("format");
        if (format == m_doc.end() || !format->is_string() || format->get<std::string>() != kFormat) {
            return m_report.at(topKey("format"), "not a camera path: \"format\" must be \"" + std::string(kFormat) +
                                                     "\", not " + (format == m_doc.end() ? "absent" : describe(*format)));
        }
        const auto version = m_doc.find("version");
        if (version == m_doc.end() || wholeNumber(*version, kMaxFrame) != uint64_t(kVersion)) {
            return m_report.at(topKey("version"),
                               "camera path version " + (version == m_doc.end() ? "(missing)" : describe(*version)) +
                                   " is not supported (this build reads version " + std::to_string(kVersion) + ")",
                               false, StatusCode::Unsupported);
        }
        for (const auto &[key, value] : m_doc.items()) {
            if (key != "format" && key != "version" && key != "keyframes" && key != kStabilize.name &&
                key != kSmoothing.name) {
                return m_report.at(topKey(key), "unknown field '" + key +
                                                    "' (a camera path has format, version, stabilize, smoothing and "
                                                    "keyframes)");
            }
        }
        return {};
    }

    Status readStabilization() {
        std::optional<double> values[2];
        const CameraRange ranges[2] = {kStabilize, kSmoothing};
        for (int i = 0; i < 2; ++i) {
            const auto found = m_doc.find(ranges[i].name);
            if (found == m_doc.end()) continue;
            if (!found->is_number() || !within(found->get<double>(), ranges[i].min, ranges[i].max)) {
                return m_report.at(topKey(ranges[i].name), std::string(ranges[i].name) + " must be a number within " +
                                                               rangeText(ranges[i].min, ranges[i].max) + ", not " +
                                                               describe(*found));
            }
            values[i] = found->get<double>();
        }
        return m_path.setStabilization(values[0], values[1]);
    }

    Status readKeyframes() {
        const auto keyframes = m_doc.find("keyframes");
        if (keyframes == m_doc.end() || !keyframes->is_array()) {
            return m_report.at(topKey("keyframes"),
                               "\"keyframes\" must be an array of keyframes, not " +
                                   (keyframes == m_doc.end() ? std::string("absent") : describe(*keyframes)));
        }
        std::map<uint64_t, size_t> indexOfFrame;
        for (size_t i = 0; i < keyframes->size(); ++i) {
            auto keyframe = readKeyframe(i, (*keyframes)[i]);
            if (!keyframe.ok()) return keyframe.status();
            const auto [earlier, fresh] = indexOfFrame.emplace(keyframe->frame, i);
            if (!fresh) {
                const size_t line = m_report.lineOf(keyframeAt(earlier->second));
                return m_report.at(keyframeAt(i, "frame"), "keyframes[" + std::to_string(i) + "]: frame " +
                                                               std::to_string(keyframe->frame) +
                                                               " again (keyframes[" + std::to_string(earlier->second) +
                                                               "] on line " + std::to_string(line) + " has it)");
            }
            if (Status s = m_path.setKeyframe(keyframe.value()); !s.ok()) return m_report.at(keyframeAt(i), s.message());
        }
        return {};
    }

    Result<CameraKeyframe> readKeyframe(size_t i, const json &k) const {
        const std::string where = "keyframes[" + std::to_string(i) + "]";
        if (!k.is_object()) return m_report.at(keyframeAt(i), where + " must be an object, not " + describe(k));
        CameraKeyframe keyframe;
        for (const auto &[key, value] : k.items()) {
            if (Status s = readField(i, key, value, keyframe); !s.ok()) return s;
        }
        if (!k.contains("frame")) {
            return m_report.at(keyframeAt(i), where + " has no \"frame\" (the frame number it applies from)");
        }
        return keyframe;
    }

    Status readField(size_t i, const std::string &key, const json &value, CameraKeyframe &keyframe) const {
        const std::string where = "keyframes[" + std::to_string(i) + "]: ";
        if (key == "frame") {
            const auto frame = wholeNumber(value, kMaxFrame);
            if (!frame) return m_report.at(keyframeAt(i, key), where + "frame must be a whole number from 0, not " +
                                                                   describe(value));
            keyframe.frame = *frame;
            return {};
        }
        if (key == "ease") {
            const auto ease = value.is_string() ? easeFromName(value.get<std::string>()) : std::nullopt;
            if (!ease) return m_report.at(keyframeAt(i, key), where + "unknown ease " + describe(value) +
                                                                  " (expected \"linear\", \"ease-in-out\" or \"hold\")");
            keyframe.ease = *ease;
            return {};
        }
        for (const ValueField &field : valueFields()) {
            if (key != field.name) continue;
            if (!value.is_number() || !within(value.get<double>(), field.min, field.max)) {
                return m_report.at(keyframeAt(i, key), where + key + " must be a number within " +
                                                           rangeText(field.min, field.max) + ", not " +
                                                           describe(value));
            }
            keyframe.*field.member = value.get<double>();
            return {};
        }
        return m_report.at(keyframeAt(i, key), where + "unknown field '" + key + "' (a keyframe has " + fieldList() + ")");
    }

    const json &m_doc;
    const TextLayout &m_layout;
    const Reporter &m_report;
    CameraPath m_path;
};

} // namespace

Result<CameraPath> parseCameraPath(const std::string &jsonText, const std::string &nameForErrors) {
    const Reporter report(jsonText, nameForErrors);
    json doc;
    if (Status s = parseDocument(jsonText, report, doc); !s.ok()) return s;
    const TextLayout layout = LayoutScanner(jsonText).scan();
    try { // nlohmann's accessors throw on a type they cannot give; the checks above should leave none
        return PathReader(doc, layout, report).read();
    } catch (const json::exception &e) {
        return Status(StatusCode::InvalidArgument, nameForErrors + ": " + e.what());
    }
}

} // namespace mnemo::edit
