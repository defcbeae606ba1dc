// The live tail: noticing that the store's files changed, and re-reading it (a new connection onto a native store,
// a fresh import of a foreign one).
#include "AgentStoreInternal.hpp"
#include "Catalogue.hpp"
#include "Sqlite.hpp"

#include <mutex>

namespace mnemo::agentmem {

Result<bool> AgentStore::refreshIfChanged() {
    FileStamps now = stampFiles(stampedFiles(*m_catalogue));
    if (now == m_catalogue->stamps) return false;
    if (m_catalogue->nativeInPlace) {
        m_catalogue->stamps = now;
        {
            // New rows (and perhaps a rebuilt index): the exact index is stale; IVF lists check their build.
            std::lock_guard lock(m_catalogue->indexMutex);
            m_catalogue->exact.reset();
        }
        if (Status s = attach(); !s.ok()) return s;
        return true;
    }
    OpenOptions o;
    o.kind = kind();
    o.workDir = m_catalogue->workDir.parent_path().string();
    auto fresh = buildCatalogue(m_catalogue->sourcePath, o);
    if (!fresh.ok()) {
        // A writer mid-transaction can leave a snapshot half-written; keep showing the last good import.
        return fresh.status();
    }
    m_catalogue = fresh.value();
    if (Status s = attach(); !s.ok()) return s;
    return true;
}

bool AgentStore::sourceChanged() const { return stampFiles(stampedFiles(*m_catalogue)) != m_catalogue->stamps; }
bool AgentStore::isImported() const { return !m_catalogue->nativeInPlace; }

int64_t AgentStore::lastEventSeq() const {
    Status st;
    return scalar(*m_db, "SELECT COALESCE(max(seq), 0) FROM events", st);
}

} // namespace mnemo::agentmem
