#include "PgOpen.hpp"

#include "PgCheckpointSql.hpp"
#include "PgCheckpointStore.hpp"
#include "PgLangGraphStore.hpp"
#include "PgLettaStore.hpp"

namespace mnemo::agentmem::pg {
namespace {

const char *const kKinds[] = {"checkpointer", "store", "letta"};

// (libpq's connection string, the kind asked for or "").
std::pair<std::string, std::string> splitKind(const std::string &connection) {
    for (const char *kind : kKinds) {
        const std::string suffix = std::string("#") + kind;
        if (connection.size() > suffix.size() && connection.ends_with(suffix)) {
            return {connection.substr(0, connection.size() - suffix.size()), kind};
        }
    }
    return {connection, ""};
}

// What the database holds, by kind, in kKinds' order.
struct Found {
    bool checkpointer = false, store = false, letta = false;
    std::string storeColumn, searchPath;
    lettasql::Tables lettaTables;
};

Result<Found> find(const Connection &db) {
    auto tables = db.query(pgsql::kFindTables);
    auto store = db.query(pgsql::kFindStore);
    auto letta = db.query(lettasql::kFind);
    if (!tables.ok()) return tables.status();
    if (!store.ok()) return store.status();
    if (!letta.ok()) return letta.status();
    Found f;
    f.checkpointer = !tables->isNull(0, 0) && !tables->isNull(0, 1) && !tables->isNull(0, 2);
    f.searchPath = tables->text(0, 3);
    f.storeColumn = store->isNull(0, 0) ? "" : store->text(0, 0);
    f.store = !f.storeColumn.empty();
    f.letta = letta->text(0, 0) == "t";
    f.lettaTables = {letta->text(0, 1) == "t", letta->text(0, 2) == "t"};
    return f;
}

} // namespace

std::string displayConnection(const std::string &connection) {
    const auto [conninfo, kind] = splitKind(connection);
    return withoutPassword(conninfo) + (kind.empty() ? "" : "#" + kind);
}

Result<std::unique_ptr<AgentStore>> openDatabase(const std::string &connection) {
    const auto [conninfo, asked] = splitKind(connection);
    auto db = Connection::connect(conninfo);
    if (!db.ok()) return db.status();
    auto found = find(*db.value());
    if (!found.ok()) return found.status();
    const bool has[] = {found->checkpointer, found->store, found->letta};
    std::string kind = asked;
    std::vector<std::string> others;
    for (size_t k = 0; k < std::size(kKinds); ++k) {
        if (!has[k]) continue;
        if (kind.empty())
            kind = kKinds[k];
        else if (kind != kKinds[k])
            others.push_back(kKinds[k]);
    }
    const std::string label = db.value()->label();
    if (kind.empty()) {
        return Status(StatusCode::InvalidArgument,
                      label +
                          ": not an agent-memory database Mnemo reads (no checkpoints, checkpoint_blobs and"
                          " checkpoint_writes tables of a LangGraph checkpointer, no store table of a"
                          " PostgresStore, no agents, block, messages and archival_passages tables of a Letta"
                          " server, in the search path " +
                          found->searchPath + ")");
    }
    auto holds = [&](const std::string &k) {
        for (size_t i = 0; i < std::size(kKinds); ++i)
            if (k == kKinds[i]) return has[i];
        return false;
    };
    if (!asked.empty() && !holds(asked)) {
        return Status(StatusCode::NotFound,
                      label + ": no " + asked + " tables in the search path " + found->searchPath);
    }
    if (!asked.empty()) db.value()->relabel(label + "#" + asked); // the recent list reopens the same store
    std::string also;
    for (const std::string &o : others)
        also += (also.empty() ? "" : ", ") + ("#" + o);
    Result<std::unique_ptr<AgentStore>> store =
        kind == "checkpointer" ? PgCheckpointStore::make(std::move(db.value()))
        : kind == "store"
            ? Result<std::unique_ptr<AgentStore>>(PgLangGraphStore::make(std::move(db.value()), found->storeColumn))
            : PgLettaStore::make(std::move(db.value()), found->lettaTables);
    if (store.ok() && !also.empty()) {
        static_cast<PgStoreBase &>(*store.value())
            .addNote("this database also holds " + also + ": open the connection string with that suffix");
    }
    return store;
}

} // namespace mnemo::agentmem::pg
