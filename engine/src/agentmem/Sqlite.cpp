#include "Sqlite.hpp"

#include <algorithm>
#include <cstring>

namespace mnemo::agentmem::sql {

bool Db::hasTable(const std::string &name) const {
    Stmt q(*this, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name=?");
    q.bind(1, name);
    return q.step();
}

std::vector<std::string> Db::tables() const {
    std::vector<std::string> out;
    Stmt q(*this, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
    while (q.step()) out.push_back(q.text(0));
    return out;
}

std::vector<std::string> Db::columns(const std::string &table) const {
    std::vector<std::string> out;
    Stmt q(*this, "SELECT name FROM pragma_table_info(?)");
    q.bind(1, table);
    while (q.step()) out.push_back(q.text(0));
    return out;
}

Status Db::requireColumns(const std::string &table, const std::vector<std::string> &needed) const {
    std::vector<std::string> have = columns(table);
    if (have.empty()) {
        return {StatusCode::InvalidArgument, "'" + m_label + "': table '" + table + "' is missing"};
    }
    for (const std::string &c : needed) {
        if (std::find(have.begin(), have.end(), c) == have.end()) {
            return {StatusCode::InvalidArgument,
                    "'" + m_label + "': table '" + table + "' has no column '" + c +
                        "' (an unknown or newer schema)"};
        }
    }
    return {};
}

std::optional<std::vector<float>> floatsFromBlob(const void *data, size_t bytes) {
    if (bytes % 4 != 0) return std::nullopt;
    std::vector<float> v(bytes / 4);
    if (bytes) std::memcpy(v.data(), data, bytes);
    return v;
}

} // namespace mnemo::agentmem::sql
