#include "PickleReader.hpp"

#include "mnemo/core/JsonText.hpp"
#include "mnemo/core/Utf8.hpp"

#include <cstring>
#include <map>

namespace mnemo::agentmem {

Result<nlohmann::json> readPickle(const std::vector<uint8_t> &b) {
    using json = nlohmann::json;
    struct Value {
        json v;
        bool mark = false;
    };
    std::vector<Value> stack;
    std::map<uint32_t, json> memo;
    size_t p = 0;
    auto need = [&](size_t n) { return n <= b.size() - p; }; // p <= size always; no overflow for huge n
    auto fail = [&](const std::string &why) {
        return Status(StatusCode::InvalidArgument, "pickle: " + why + " at byte " + std::to_string(p));
    };
    auto uint = [&](size_t n) {
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) v |= uint64_t(b[p + i]) << (8 * i);
        p += n;
        return v;
    };
    auto popToMark = [&](std::vector<json> &items) -> bool {
        while (!stack.empty() && !stack.back().mark) {
            items.insert(items.begin(), std::move(stack.back().v));
            stack.pop_back();
        }
        if (stack.empty()) return false;
        stack.pop_back();
        return true;
    };
    auto key = [](const json &k) { return k.is_string() ? k.get<std::string>() : mnemo::toJson(k); };
    while (p < b.size()) {
        uint8_t op = b[p++];
        switch (op) {
        case 0x80: if (!need(1)) return fail("truncated"); p += 1; break;          // PROTO
        case 0x95: if (!need(8)) return fail("truncated"); p += 8; break;          // FRAME
        case '}': stack.push_back({json::object()}); break;
        case ']': stack.push_back({json::array()}); break;
        case ')': stack.push_back({json::array()}); break;
        case '(': stack.push_back({json(), true}); break;
        case 'N': stack.push_back({json()}); break;
        case 0x88: stack.push_back({true}); break;
        case 0x89: stack.push_back({false}); break;
        case 'K': if (!need(1)) return fail("truncated"); stack.push_back({int64_t(uint(1))}); break;
        case 'M': if (!need(2)) return fail("truncated"); stack.push_back({int64_t(uint(2))}); break;
        case 'J': if (!need(4)) return fail("truncated"); stack.push_back({int64_t(int32_t(uint32_t(uint(4))))}); break;
        case 0x8a: {                                                               // LONG1
            if (!need(1)) return fail("truncated");
            size_t n = size_t(uint(1));
            if (n > 8 || !need(n)) return fail("unsupported long");
            uint64_t v = uint(n);
            if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t(0) << (8 * n); // sign-extend
            stack.push_back({int64_t(v)});
            break;
        }
        case 'G': {                                                                // BINFLOAT, big-endian
            if (!need(8)) return fail("truncated");
            uint64_t bits = 0;
            for (int i = 0; i < 8; ++i) bits = (bits << 8) | b[p + size_t(i)];
            p += 8;
            double d;
            std::memcpy(&d, &bits, 8);
            stack.push_back({d});
            break;
        }
        case 0x8c: case 'X': case 0x8d: {                                          // unicode strings
            size_t lenBytes = op == 0x8c ? 1 : op == 'X' ? 4 : 8;
            if (!need(lenBytes)) return fail("truncated");
            size_t n = size_t(uint(lenBytes));
            if (!need(n)) return fail("truncated string");
            stack.push_back({validUtf8(std::string_view(reinterpret_cast<const char *>(&b[p]), n))});
            p += n;
            break;
        }
        case 0x94: if (stack.empty()) return fail("memoize on empty stack"); memo[uint32_t(memo.size())] = stack.back().v; break;
        case 'q': if (!need(1) || stack.empty()) return fail("bad BINPUT"); memo[uint32_t(uint(1))] = stack.back().v; break;
        case 'r': if (!need(4) || stack.empty()) return fail("bad LONG_BINPUT"); memo[uint32_t(uint(4))] = stack.back().v; break;
        case 'h': case 'j': {
            size_t n = op == 'h' ? 1 : 4;
            if (!need(n)) return fail("truncated");
            auto it = memo.find(uint32_t(uint(n)));
            if (it == memo.end()) return fail("unknown memo slot");
            stack.push_back({it->second});
            break;
        }
        case 's': {
            if (stack.size() < 3) return fail("SETITEM needs three values");
            json v = std::move(stack.back().v); stack.pop_back();
            json k = std::move(stack.back().v); stack.pop_back();
            if (!stack.back().v.is_object()) return fail("SETITEM on a non-dict");
            stack.back().v[key(k)] = std::move(v);
            break;
        }
        case 'u': {
            std::vector<json> items;
            if (!popToMark(items) || stack.empty() || !stack.back().v.is_object() || items.size() % 2) return fail("bad SETITEMS");
            for (size_t i = 0; i + 1 < items.size(); i += 2) stack.back().v[key(items[i])] = std::move(items[i + 1]);
            break;
        }
        case 'a': {
            if (stack.size() < 2) return fail("APPEND needs two values");
            json v = std::move(stack.back().v); stack.pop_back();
            if (!stack.back().v.is_array()) return fail("APPEND on a non-list");
            stack.back().v.push_back(std::move(v));
            break;
        }
        case 'e': {
            std::vector<json> items;
            if (!popToMark(items) || stack.empty() || !stack.back().v.is_array()) return fail("bad APPENDS");
            for (auto &x : items) stack.back().v.push_back(std::move(x));
            break;
        }
        case 't': {
            std::vector<json> items;
            if (!popToMark(items)) return fail("TUPLE without MARK");
            stack.push_back({json(items)});
            break;
        }
        case 0x85: case 0x86: case 0x87: {
            size_t n = size_t(op - 0x84);
            if (stack.size() < n) return fail("short tuple");
            json t = json::array();
            for (size_t i = stack.size() - n; i < stack.size(); ++i) t.push_back(std::move(stack[i].v));
            stack.resize(stack.size() - n);
            stack.push_back({t});
            break;
        }
        case '.':
            if (stack.size() != 1) return fail("STOP with " + std::to_string(stack.size()) + " values on the stack");
            return stack.back().v;
        default: {
            char buf[8];
            std::snprintf(buf, sizeof buf, "0x%02x", op);
            return fail(std::string("unsupported opcode ") + buf + " (only plain data is read)");
        }
        }
    }
    return Status(StatusCode::InvalidArgument, "pickle: truncated (no STOP)");
}

} // namespace mnemo::agentmem
