#pragma once
// Keyset paging for a store read in place: the sort key of the last row of every page served, by filter and offset,
// so the next page starts after that key (an index seek: `WHERE (key columns) < (last key) ... LIMIT n`) instead of
// making the server walk and drop OFFSET rows again, which grows with how far the table was scrolled. A jump to an
// offset no page ended at starts from the nearest remembered key before it and skips only the rest.
//
// Shared by the connections of one open store; forget() when the data moved (the live tail), since a key remembered
// at an offset is then no longer the row at that offset.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mnemo::agentmem::pg {

struct KeysetStart {
    int64_t offset = 0;            // the offset the key ends at (0 and no key: from the top)
    std::vector<std::string> key;  // the sort key of the row just before `offset`
};

class KeysetCursors {
public:
    // The nearest remembered start at or before `offset` for this filter (from the top when none).
    KeysetStart startFor(const std::string &filter, int64_t offset) const;
    // `key` is the sort key of the row at offset - 1.
    void remember(const std::string &filter, int64_t offset, std::vector<std::string> key);
    void forget();

private:
    static constexpr size_t kMaxFilters = 32, kMaxKeysPerFilter = 4096; // a bound, not a cache policy to tune
    mutable std::mutex m_mutex;
    std::map<std::string, std::map<int64_t, std::vector<std::string>>> m_keys;
};

// "(a, b, c) < ($n, $n+1, $n+2)" for keyset paging in descending order, appending the key to `params`.
std::string keyBefore(const std::vector<std::string> &columns, const std::vector<std::string> &key,
                      std::vector<std::optional<std::string>> &params);

} // namespace mnemo::agentmem::pg
