// What changed between two times: items added, removed, or whose text changed.
#include "AgentStoreInternal.hpp"
#include "Sqlite.hpp"

#include <algorithm>

namespace mnemo::agentmem {

Result<StoreDiff> AgentStore::diff(int64_t fromUs, int64_t toUs, int limit) const {
    StoreDiff d;
    d.fromUs = std::min(fromUs, toUs);
    d.toUs = std::max(fromUs, toUs);
    sql::Stmt q(*m_db, "SELECT DISTINCT item_id FROM events WHERE time_us > ? AND time_us <= ? AND action IN"
                       " ('add','update','delete') LIMIT ?");
    q.bind(1, d.fromUs).bind(2, d.toUs).bind(3, int64_t(limit));
    std::vector<std::string> ids;
    while (q.step()) ids.push_back(q.text(0));
    if (!q.ok()) return q.status();
    for (const std::string &id : ids) {
        auto before = item(id, d.fromUs);
        auto after = item(id, d.toUs);
        if (!before.ok() || !after.ok()) continue;
        auto alive = [](const MemoryItem &it, int64_t t) {
            return it.createdUs <= t && (!it.deletedUs || *it.deletedUs > t);
        };
        bool a = alive(before.value(), d.fromUs), b = alive(after.value(), d.toUs);
        if (!a && b) d.added.push_back(after.value());
        else if (a && !b) d.removed.push_back(before.value());
        else if (a && b && before->text != after->text) {
            MemoryItem changed = after.value();
            changed.metadataJson = before->text; // the text at `from`, for the diff view
            d.changed.push_back(std::move(changed));
        }
    }
    return d;
}

} // namespace mnemo::agentmem
