#pragma once
// Private helpers shared by AgentStore's files, one file per concern: AgentStore.cpp (opening, connection, summary),
// AgentStoreCatalogue.cpp (snapshot and import), AgentStoreItems.cpp, AgentStoreRecords.cpp (events, relations,
// provenance, access log, principals), AgentStoreAccess.cpp (policies and the read rule), AgentStoreDiff.cpp,
// AgentStoreNeighbours.cpp (embeddings, nearest neighbours, query embedding) and AgentStoreRefresh.cpp (live tail).

#include "Catalogue.hpp"
#include "Sqlite.hpp"
#include "mnemo/agentmem/AgentStore.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace mnemo::agentmem {

// The catalogue behind an open store: the native file in place, or a foreign store imported from a snapshot.
Result<std::shared_ptr<Catalogue>> buildCatalogue(const std::string &path, const AgentStore::OpenOptions &options);
// The files whose stamps tell that the store was written, including WALs a writer may create later.
std::vector<std::string> stampedFiles(const Catalogue &c);

// One integer from a query (0 when it gives no row); the first failure is kept in `status`, so a run of these
// is checked once.
int64_t scalar(const sql::Db &db, const char *q, Status &status);

// A WHERE clause assembled from conditions, with the values for their placeholders in order.
using Bind = std::variant<int64_t, std::string>;

struct Where {
    std::vector<std::string> conds;
    std::vector<Bind> binds;
    void add(std::string cond) { conds.push_back(std::move(cond)); }
    void add(std::string cond, Bind b) {
        conds.push_back(std::move(cond));
        binds.push_back(std::move(b));
    }
    std::string sql() const {
        std::string s;
        for (const auto &c : conds) s += (s.empty() ? " WHERE " : " AND ") + c;
        return s;
    }
};

void bindAll(sql::Stmt &q, const std::vector<Bind> &binds, int first = 1);

// Whether a policy speaks for `principal` at time `t`.
bool policyApplies(const Policy &p, const std::string &principal, int64_t t);
// The read rule as SQL: not denied, and own, shared or explicitly allowed.
void addAccessCondition(Where &w, const std::vector<Policy> &policies, const std::string &principal, int64_t t);

} // namespace mnemo::agentmem
