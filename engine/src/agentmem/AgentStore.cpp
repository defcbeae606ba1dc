// Opening an AgentStore: the catalogue behind it, this connection onto it, and the store's summary. The other
// queries live beside this file, one concern each (see AgentStoreInternal.hpp).
#include "mnemo/agentmem/AgentStore.hpp"

#include "AgentStoreInternal.hpp"
#include "Catalogue.hpp"
#include "Pg.hpp"
#include "PgOpen.hpp"
#include "Sqlite.hpp"

namespace mnemo::agentmem {

AgentStore::AgentStore() = default;
AgentStore::~AgentStore() = default;

Result<std::unique_ptr<AgentStore>> AgentStore::open(const std::string &path, const OpenOptions &options) {
    if (pg::looksLikeConnectionString(path)) return pg::openDatabase(path); // read in place, not imported
    auto cat = buildCatalogue(path, options);
    if (!cat.ok()) return cat.status();
    std::unique_ptr<AgentStore> store(new AgentStore());
    store->m_catalogue = cat.value();
    if (Status s = store->attach(); !s.ok()) return s;
    return store;
}

bool AgentStore::isConnectionString(const std::string &path) { return pg::looksLikeConnectionString(path); }

std::string AgentStore::displayName(const std::string &path) {
    return pg::looksLikeConnectionString(path) ? pg::displayConnection(path) : path;
}

Status AgentStore::attach() {
    auto db = sql::Db::open(catalogueUri(*m_catalogue), SQLITE_OPEN_READONLY, m_catalogue->sourcePath);
    if (!db.ok()) return db.status();
    m_db = std::make_unique<sql::Db>(std::move(db.value()));
    sqlite3_busy_timeout(m_db->get(), 1000);
    m_ivf.reset();
    m_ivfChecked = false;
    return {};
}

Result<std::unique_ptr<AgentStore>> AgentStore::openReader() const {
    std::unique_ptr<AgentStore> store(new AgentStore());
    store->m_catalogue = m_catalogue;
    if (Status s = store->attach(); !s.ok()) return s;
    return store;
}

StoreKind AgentStore::kind() const { return m_catalogue->detected.kind; }
const std::string &AgentStore::path() const { return m_catalogue->sourcePath; }

int64_t scalar(const sql::Db &db, const char *q, Status &status) {
    sql::Stmt s(db, q);
    int64_t v = s.step() ? s.i64(0) : 0;
    if (!s.ok() && status.ok()) status = s.status();
    return v;
}

Result<StoreSummary> AgentStore::summary() const {
    StoreSummary out;
    const sql::Db &db = *m_db;
    Status st;
    out.kind = storeKindName(kind());
    out.variant = m_catalogue->variant;
    out.path = m_catalogue->sourcePath;
    out.items = scalar(db, "SELECT count(*) FROM items WHERE deleted_us IS NULL", st);
    out.deletedItems = scalar(db, "SELECT count(*) FROM items WHERE deleted_us IS NOT NULL", st);
    out.events = scalar(db, "SELECT count(*) FROM events", st);
    out.relations = scalar(db, "SELECT count(*) FROM relations", st);
    out.accesses = scalar(db, "SELECT count(*) FROM access_log", st);
    out.policies = scalar(db, "SELECT count(*) FROM policies", st);
    // The writer records every user, agent and app an item is scoped to as a principal.
    out.users = scalar(db, "SELECT count(*) FROM principals WHERE kind='user'", st);
    out.agents = scalar(db, "SELECT count(*) FROM principals WHERE kind='agent'", st);
    out.apps = scalar(db, "SELECT count(*) FROM principals WHERE kind='app'", st);
    out.threads = scalar(db, "SELECT count(DISTINCT thread_id) FROM items WHERE thread_id IS NOT NULL", st);
    out.checkpoints = scalar(db, "SELECT count(*) FROM items WHERE kind='checkpoint'", st);
    out.embeddings = scalar(db, "SELECT count(*) FROM vectors", st);
    out.embeddingDim = int(scalar(db, "SELECT dim FROM vectors LIMIT 1", st));
    {
        // Zero means "no time recorded": it would stretch the range back to 1970.
        // Every change is an event, so events and creation times bound the range (both indexed).
        sql::Stmt q(db, "SELECT min(t), max(t) FROM (SELECT min(time_us) AS t FROM events WHERE time_us > 0 UNION ALL"
                        " SELECT max(time_us) FROM events UNION ALL SELECT min(created_us) FROM items WHERE created_us > 0"
                        " UNION ALL SELECT max(created_us) FROM items) WHERE t > 0");
        if (q.step() && !q.isNull(0)) {
            out.firstUs = q.i64(0);
            out.lastUs = q.i64(1);
        }
        if (!q.ok() && st.ok()) st = q.status();
    }
    {
        sql::Stmt q(db, "SELECT kind, count(*) FROM items GROUP BY kind");
        while (q.step()) out.itemKinds[q.text(0)] = q.i64(1);
        sql::Stmt e(db, "SELECT action, count(*) FROM events GROUP BY action");
        while (e.step()) out.eventActions[e.text(0)] = e.i64(1);
        if (!q.ok() && st.ok()) st = q.status();
        if (!e.ok() && st.ok()) st = e.status();
    }
    if (!st.ok()) return st;
    out.embedder = m_catalogue->embedder;
    out.notes = m_catalogue->notes;
    return out;
}

} // namespace mnemo::agentmem
