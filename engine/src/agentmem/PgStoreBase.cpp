#include "PgStoreBase.hpp"

#include "PgWatcher.hpp"

namespace mnemo::agentmem {

void PgStoreBase::attach(std::unique_ptr<pg::Connection> db, std::string watermarkSql) {
    m_db = std::make_unique<pg::Session>(std::move(db));
    m_watermarkSql = std::move(watermarkSql);
    auto watermark = m_db->query(m_watermarkSql);
    m_watermark = watermark.ok() ? watermark->text(0, 0) : "";
    m_watcher = std::make_shared<pg::Watcher>(m_db->conninfo(), m_watermarkSql, m_watermark);
}

void PgStoreBase::shareWith(PgStoreBase &reader) const {
    reader.m_db = std::make_unique<pg::Session>(m_db->conninfo(), m_db->label());
    reader.m_rowids = m_rowids;
    reader.m_cursors = m_cursors;
    reader.m_watermarkSql = m_watermarkSql;
    reader.m_watermark = m_watermark;
    reader.m_notes = m_notes;
}

void PgStoreBase::addNotes(StoreSummary &summary) const {
    summary.notes.push_back("read in place from PostgreSQL, read-only, a page at a time: nothing is imported");
    for (const std::string &note : m_notes)
        summary.notes.push_back(note);
}

std::string PgStoreBase::connectionProblem() const {
    return m_watcher ? m_watcher->problem() : std::string();
}
bool PgStoreBase::sourceChanged() const {
    return m_watcher && m_watcher->changed();
}

Result<bool> PgStoreBase::refreshIfChanged() {
    auto rows = m_db->query(m_watermarkSql);
    if (!rows.ok()) return rows.status();
    const std::string now = rows->text(0, 0);
    const bool changed = now != m_watermark;
    m_watermark = now;
    if (changed) m_cursors->forget(); // a remembered key no longer ends the page at its offset
    return changed;
}

Result<std::vector<MemoryItem>> PgStoreBase::keysetPage(pg::Where where, const std::vector<std::string> &keyColumns,
                                                        int64_t offset, const PageSelect &select) const {
    const std::string query = where.signature(); // the search patterns included
    const pg::KeysetStart start = m_cursors->startFor(query, offset);
    if (!start.key.empty()) where.sql += " AND " + pg::keyBefore(keyColumns, start.key, where.params);
    std::vector<std::string> last;
    auto page = select(where, offset - start.offset, &last);
    if (page.ok() && !page->empty()) m_cursors->remember(query, offset + int64_t(page->size()), std::move(last));
    return page;
}

int64_t PgStoreBase::rowidOf(const std::string &id) const {
    std::lock_guard lock(m_rowids->mutex);
    auto [it, added] = m_rowids->byId.emplace(id, int64_t(m_rowids->ids.size()) + 1);
    if (added) m_rowids->ids.push_back(id);
    return it->second;
}

std::vector<std::string> PgStoreBase::idsOf(const std::vector<int64_t> &rowids) const {
    std::vector<std::string> ids;
    std::lock_guard lock(m_rowids->mutex);
    for (int64_t r : rowids) {
        if (r >= 1 && size_t(r) <= m_rowids->ids.size()) ids.push_back(m_rowids->ids[size_t(r - 1)]);
    }
    return ids;
}

Result<MemoryItem> PgStoreBase::firstAt(Result<std::vector<MemoryItem>> found, const std::string &what,
                                        std::optional<int64_t> asOfUs) {
    if (!found.ok()) return found.status();
    if (found->empty() || (asOfUs && found->front().createdUs > *asOfUs)) {
        return Status(StatusCode::NotFound, "no " + what + (asOfUs ? " at that time" : ""));
    }
    return found->front();
}

Result<std::vector<std::pair<std::string, int64_t>>>
PgStoreBase::countGroups(const std::string &column, const std::string &relation, const pg::Where &where) const {
    std::vector<std::pair<std::string, int64_t>> out;
    if (where.impossible) return out;
    auto rows = m_db->query("SELECT " + column + ", count(*) FROM " + relation + " WHERE " + where.sql +
                                " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1000",
                            where.params);
    if (!rows.ok()) return rows.status();
    for (int r = 0; r < rows->count(); ++r)
        out.emplace_back(rows->text(r, 0), rows->i64(r, 1));
    return out;
}

} // namespace mnemo::agentmem
