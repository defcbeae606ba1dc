#include "PgKeyset.hpp"

namespace mnemo::agentmem::pg {

KeysetStart KeysetCursors::startFor(const std::string &filter, int64_t offset) const {
    std::lock_guard lock(m_mutex);
    auto keys = m_keys.find(filter);
    if (keys == m_keys.end() || offset <= 0) return {};
    auto at = keys->second.upper_bound(offset); // the first key past `offset`; the one before it is ours
    if (at == keys->second.begin()) return {};
    --at;
    return {at->first, at->second};
}

void KeysetCursors::remember(const std::string &filter, int64_t offset, std::vector<std::string> key) {
    std::lock_guard lock(m_mutex);
    if (m_keys.size() >= kMaxFilters && !m_keys.count(filter)) m_keys.clear();
    auto &keys = m_keys[filter];
    if (keys.size() >= kMaxKeysPerFilter) keys.clear();
    keys[offset] = std::move(key);
}

void KeysetCursors::forget() {
    std::lock_guard lock(m_mutex);
    m_keys.clear();
}

std::string keyBefore(const std::vector<std::string> &columns, const std::vector<std::string> &key,
                      std::vector<std::optional<std::string>> &params) {
    std::string left = "(", right = "(";
    for (size_t i = 0; i < columns.size() && i < key.size(); ++i) {
        params.push_back(key[i]);
        left += (i ? ", " : "") + columns[i];
        right += (i ? ", $" : "$") + std::to_string(params.size());
    }
    return left + ") < " + right + ")";
}

} // namespace mnemo::agentmem::pg
