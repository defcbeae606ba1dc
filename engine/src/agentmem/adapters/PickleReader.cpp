#include "PickleReader.hpp"

#include "mnemo/core/JsonText.hpp"
#include "mnemo/core/Utf8.hpp"

#include <cstdio>
#include <cstring>
#include <map>

namespace mnemo::agentmem {
namespace {

using json = nlohmann::json;

// The pickle machine for plain data: a value stack with MARKs, the memo, and the read position. Each opcode is one
// small step; every failure names the byte it was found at.
class Unpickler {
public:
    explicit Unpickler(const std::vector<uint8_t> &bytes) : m_b(bytes) {}
    Result<json> run();

private:
    struct Value {
        json v;
        bool mark = false;
    };

    bool need(size_t n) const { return n <= m_b.size() - m_p; } // p <= size always; no overflow for huge n
    Status fail(const std::string &why) const {
        return Status(StatusCode::InvalidArgument, "pickle: " + why + " at byte " + std::to_string(m_p));
    }
    uint64_t uint(size_t n) {
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) v |= uint64_t(m_b[m_p + i]) << (8 * i);
        m_p += n;
        return v;
    }
    static std::string key(const json &k) { return k.is_string() ? k.get<std::string>() : mnemo::toJson(k); }
    bool popToMark(std::vector<json> &items);

    Status step(uint8_t op);
    Status pushInt(size_t bytes);
    Status pushLong1();
    Status pushBinFloat();
    Status pushString(uint8_t op);
    Status memoize(uint8_t op);
    Status recall(uint8_t op);
    Status setItem();
    Status setItems();
    Status append();
    Status appends();
    Status tuple();
    Status shortTuple(uint8_t op);
    Result<json> stop() const;

    const std::vector<uint8_t> &m_b;
    std::vector<Value> m_stack;
    std::map<uint32_t, json> m_memo;
    size_t m_p = 0;
};

Result<json> Unpickler::run() {
    while (m_p < m_b.size()) {
        uint8_t op = m_b[m_p++];
        if (op == '.') return stop();
        if (Status s = step(op); !s.ok()) return s;
    }
    return Status(StatusCode::InvalidArgument, "pickle: truncated (no STOP)");
}

Status Unpickler::step(uint8_t op) {
    switch (op) {
    case 0x80: if (!need(1)) return fail("truncated"); m_p += 1; return {};          // PROTO
    case 0x95: if (!need(8)) return fail("truncated"); m_p += 8; return {};          // FRAME
    case '}': m_stack.push_back({json::object()}); return {};
    case ']': m_stack.push_back({json::array()}); return {};
    case ')': m_stack.push_back({json::array()}); return {};
    case '(': m_stack.push_back({json(), true}); return {};
    case 'N': m_stack.push_back({json()}); return {};
    case 0x88: m_stack.push_back({true}); return {};
    case 0x89: m_stack.push_back({false}); return {};
    case 'K': return pushInt(1);
    case 'M': return pushInt(2);
    case 'J': return pushInt(4);
    case 0x8a: return pushLong1();
    case 'G': return pushBinFloat();
    case 0x8c: case 'X': case 0x8d: return pushString(op);
    case 0x94: case 'q': case 'r': return memoize(op);
    case 'h': case 'j': return recall(op);
    case 's': return setItem();
    case 'u': return setItems();
    case 'a': return append();
    case 'e': return appends();
    case 't': return tuple();
    case 0x85: case 0x86: case 0x87: return shortTuple(op);
    default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02x", op);
        return fail(std::string("unsupported opcode ") + buf + " (only plain data is read)");
    }
    }
}

// BININT1 and BININT2 are unsigned; BININT (4 bytes) is signed.
Status Unpickler::pushInt(size_t bytes) {
    if (!need(bytes)) return fail("truncated");
    if (bytes == 4) m_stack.push_back({int64_t(int32_t(uint32_t(uint(4))))});
    else m_stack.push_back({int64_t(uint(bytes))});
    return {};
}

// LONG1: a little-endian two's-complement integer of up to 8 bytes.
Status Unpickler::pushLong1() {
    if (!need(1)) return fail("truncated");
    size_t n = size_t(uint(1));
    if (n > 8 || !need(n)) return fail("unsupported long");
    uint64_t v = uint(n);
    if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t(0) << (8 * n); // sign-extend
    m_stack.push_back({int64_t(v)});
    return {};
}

// BINFLOAT: a big-endian double.
Status Unpickler::pushBinFloat() {
    if (!need(8)) return fail("truncated");
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = (bits << 8) | m_b[m_p + size_t(i)];
    m_p += 8;
    double d;
    std::memcpy(&d, &bits, 8);
    m_stack.push_back({d});
    return {};
}

// SHORT_BINUNICODE, BINUNICODE, BINUNICODE8: a length of 1, 4 or 8 bytes, then UTF-8.
Status Unpickler::pushString(uint8_t op) {
    size_t lenBytes = op == 0x8c ? 1 : op == 'X' ? 4 : 8;
    if (!need(lenBytes)) return fail("truncated");
    size_t n = size_t(uint(lenBytes));
    if (!need(n)) return fail("truncated string");
    m_stack.push_back({validUtf8(std::string_view(reinterpret_cast<const char *>(&m_b[m_p]), n))});
    m_p += n;
    return {};
}

// MEMOIZE (the next free slot), BINPUT and LONG_BINPUT (an explicit slot).
Status Unpickler::memoize(uint8_t op) {
    if (op == 0x94) {
        if (m_stack.empty()) return fail("memoize on empty stack");
        m_memo[uint32_t(m_memo.size())] = m_stack.back().v;
    } else if (op == 'q') {
        if (!need(1) || m_stack.empty()) return fail("bad BINPUT");
        m_memo[uint32_t(uint(1))] = m_stack.back().v;
    } else {
        if (!need(4) || m_stack.empty()) return fail("bad LONG_BINPUT");
        m_memo[uint32_t(uint(4))] = m_stack.back().v;
    }
    return {};
}

// BINGET and LONG_BINGET.
Status Unpickler::recall(uint8_t op) {
    size_t n = op == 'h' ? 1 : 4;
    if (!need(n)) return fail("truncated");
    auto it = m_memo.find(uint32_t(uint(n)));
    if (it == m_memo.end()) return fail("unknown memo slot");
    m_stack.push_back({it->second});
    return {};
}

bool Unpickler::popToMark(std::vector<json> &items) {
    while (!m_stack.empty() && !m_stack.back().mark) {
        items.insert(items.begin(), std::move(m_stack.back().v));
        m_stack.pop_back();
    }
    if (m_stack.empty()) return false;
    m_stack.pop_back();
    return true;
}

Status Unpickler::setItem() {
    if (m_stack.size() < 3) return fail("SETITEM needs three values");
    json v = std::move(m_stack.back().v); m_stack.pop_back();
    json k = std::move(m_stack.back().v); m_stack.pop_back();
    if (!m_stack.back().v.is_object()) return fail("SETITEM on a non-dict");
    m_stack.back().v[key(k)] = std::move(v);
    return {};
}

Status Unpickler::setItems() {
    std::vector<json> items;
    if (!popToMark(items) || m_stack.empty() || !m_stack.back().v.is_object() || items.size() % 2) {
        return fail("bad SETITEMS");
    }
    for (size_t i = 0; i + 1 < items.size(); i += 2) m_stack.back().v[key(items[i])] = std::move(items[i + 1]);
    return {};
}

Status Unpickler::append() {
    if (m_stack.size() < 2) return fail("APPEND needs two values");
    json v = std::move(m_stack.back().v); m_stack.pop_back();
    if (!m_stack.back().v.is_array()) return fail("APPEND on a non-list");
    m_stack.back().v.push_back(std::move(v));
    return {};
}

Status Unpickler::appends() {
    std::vector<json> items;
    if (!popToMark(items) || m_stack.empty() || !m_stack.back().v.is_array()) return fail("bad APPENDS");
    for (auto &x : items) m_stack.back().v.push_back(std::move(x));
    return {};
}

Status Unpickler::tuple() {
    std::vector<json> items;
    if (!popToMark(items)) return fail("TUPLE without MARK");
    m_stack.push_back({json(items)});
    return {};
}

// TUPLE1, TUPLE2, TUPLE3: the top one to three values.
Status Unpickler::shortTuple(uint8_t op) {
    size_t n = size_t(op - 0x84);
    if (m_stack.size() < n) return fail("short tuple");
    json t = json::array();
    for (size_t i = m_stack.size() - n; i < m_stack.size(); ++i) t.push_back(std::move(m_stack[i].v));
    m_stack.resize(m_stack.size() - n);
    m_stack.push_back({t});
    return {};
}

Result<json> Unpickler::stop() const {
    if (m_stack.size() != 1) return fail("STOP with " + std::to_string(m_stack.size()) + " values on the stack");
    return m_stack.back().v;
}

} // namespace

Result<nlohmann::json> readPickle(const std::vector<uint8_t> &b) { return Unpickler(b).run(); }

} // namespace mnemo::agentmem
