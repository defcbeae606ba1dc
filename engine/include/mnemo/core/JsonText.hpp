#pragma once
// JSON text from values that may carry foreign strings, and JSON or MessagePack from foreign bytes.
// - toJson: nlohmann's dump() throws type_error 316 on bytes that are not UTF-8; this one writes U+FFFD for them
//   instead (the policy of mnemo/core/Utf8.hpp), so output never aborts.
// - parseJsonText / parseMsgpack: never throw, and refuse documents nested deeper than kMaxJsonDepth. nlohmann's
//   MessagePack reader recurses once per level (fuzz_msgpack overflowed the stack with 7 KB of 0x9c bytes), and
//   dump() and our own walkers recurse on any parsed document, so depth is bounded where bytes become a document.
// Only code that handles JSON includes this; the engine's other public headers stay free of nlohmann.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mnemo {

// Deeper than any store, track or session writes (LangGraph checkpoints nest about 10 levels).
constexpr size_t kMaxJsonDepth = 128;

template <typename Json>
std::string toJson(const Json &value, int indent = -1) {
    return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

namespace detail {
// nlohmann's DOM builder behind a SAX filter that stops the parse at maxDepth levels of arrays and objects.
template <typename Json>
class DepthLimitedDom {
public:
    DepthLimitedDom(Json &out, size_t maxDepth) : m_dom(out, false), m_maxDepth(maxDepth) {}
    bool null() { return m_dom.null(); }
    bool boolean(bool v) { return m_dom.boolean(v); }
    bool number_integer(typename Json::number_integer_t v) { return m_dom.number_integer(v); }
    bool number_unsigned(typename Json::number_unsigned_t v) { return m_dom.number_unsigned(v); }
    bool number_float(typename Json::number_float_t v, const typename Json::string_t &s) { return m_dom.number_float(v, s); }
    bool string(typename Json::string_t &v) { return m_dom.string(v); }
    bool binary(typename Json::binary_t &v) { return m_dom.binary(v); }
    bool key(typename Json::string_t &v) { return m_dom.key(v); }
    bool start_object(size_t n) { return ++m_depth <= m_maxDepth && m_dom.start_object(n); }
    bool end_object() { return --m_depth, m_dom.end_object(); }
    bool start_array(size_t n) { return ++m_depth <= m_maxDepth && m_dom.start_array(n); }
    bool end_array() { return --m_depth, m_dom.end_array(); }
    template <typename Exception>
    bool parse_error(size_t at, const std::string &token, const Exception &e) { return m_dom.parse_error(at, token, e); }

private:
    nlohmann::detail::json_sax_dom_parser<Json> m_dom;
    size_t m_maxDepth;
    size_t m_depth = 0;
};

template <typename Json, typename Iterator>
Json saxParse(Iterator first, Iterator last, nlohmann::detail::input_format_t format, size_t maxDepth) {
    Json out;
    try {
        DepthLimitedDom<Json> dom(out, maxDepth);
        if (Json::sax_parse(first, last, &dom, format, true)) return out;
    } catch (const typename Json::exception &) {
        // A length the builder cannot hold, and the like: the input is malformed like any other.
    }
    return Json(Json::value_t::discarded);
}
} // namespace detail

// The document, or a discarded value (is_discarded()) when the text is not JSON or nests too deep. The text must
// already be valid UTF-8 (validUtf8()): nlohmann refuses the whole document for one bad byte.
template <typename Json = nlohmann::json>
Json parseJsonText(std::string_view text, size_t maxDepth = kMaxJsonDepth) {
    return detail::saxParse<Json>(text.begin(), text.end(), nlohmann::detail::input_format_t::json, maxDepth);
}

// The same for MessagePack bytes (strict: trailing bytes are an error).
template <typename Json = nlohmann::json>
Json parseMsgpack(const uint8_t *data, size_t size, size_t maxDepth = kMaxJsonDepth) {
    return detail::saxParse<Json>(data, data + size, nlohmann::detail::input_format_t::msgpack, maxDepth);
}

} // namespace mnemo
