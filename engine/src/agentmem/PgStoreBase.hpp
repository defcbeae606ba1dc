#pragma once
// What every store read in place from PostgreSQL shares: its session (connected by open(), a reader's on its first
// query, on the worker that runs it), the live-tail watcher (the store open() made has one; its readers do not),
// rowids and keyset cursors shared by the connections of one open store, the snapshot scope, and the answers for
// what a schema does not keep (access logs, an embedder Mnemo has).

#include "mnemo/agentmem/AgentStore.hpp"

#include "Pg.hpp"
#include "PgKeyset.hpp"

#include <functional>
#include <map>
#include <mutex>

namespace mnemo::agentmem {

namespace pg { class Watcher; }

class PgStoreBase : public AgentStore {
public:
    const std::string &path() const override { return m_db->label(); }
    Result<std::vector<AccessRecord>> accesses(const std::string &, int64_t) const override {
        return std::vector<AccessRecord>{}; // no schema read in place logs its reads
    }
    Status warmNeighbourIndex() const override { return {}; }
    bool canEmbedText() const override { return false; }
    std::string embedderDescription() const override { return "none"; }
    Result<std::vector<float>> embedText(const std::string &) const override {
        return Status(StatusCode::Unsupported, "Mnemo does not have this store's embedder");
    }
    Status beginSnapshot() const override { return m_db->beginSnapshot(); }
    void endSnapshot() const override { m_db->endSnapshot(); }
    std::string connectionProblem() const override; // the watcher's finding
    Result<bool> refreshIfChanged() override;
    bool sourceChanged() const override; // the watcher's flag (PgWatcher.hpp)
    bool isImported() const override { return true; } // refreshes run on a worker
    // A note for the summary (what else the database holds), kept by the store's readers too.
    void addNote(std::string note) { m_notes.push_back(std::move(note)); }

protected:
    PgStoreBase() = default;
    // For open(): keeps the connection, reads the watermark and starts the watcher polling it.
    void attach(std::unique_ptr<pg::Connection> db, std::string watermarkSql);
    // For openReader(): `reader` (a new store of the same class) shares this one's rowids, cursors and watermark,
    // with its own session that connects on its first query.
    void shareWith(PgStoreBase &reader) const;
    int64_t rowidOf(const std::string &id) const;
    std::vector<std::string> idsOf(const std::vector<int64_t> &rowids) const;
    // One page by keyset (PgKeyset.hpp): `where` gets "after the remembered key" for `offset` when there is one;
    // `select(where, offset left to skip, lastKey)` reads the page and gives the sort key of its last row, which is
    // remembered for the next page. `keyColumns` are the page's sort key, descending.
    using PageSelect = std::function<Result<std::vector<MemoryItem>>(const pg::Where &where, int64_t offset,
                                                                     std::vector<std::string> *lastKey)>;
    Result<std::vector<MemoryItem>> keysetPage(pg::Where where, const std::vector<std::string> &keyColumns,
                                               int64_t offset, const PageSelect &select) const;
    // The notes every summary carries: read in place, and addNote()'s.
    void addNotes(StoreSummary &summary) const;
    // item()'s answer: the first item found, if it existed at `asOfUs`; else NotFound naming `what` ("checkpoint 'x'").
    static Result<MemoryItem> firstAt(Result<std::vector<MemoryItem>> found, const std::string &what,
                                      std::optional<int64_t> asOfUs);
    // groupCounts()' query: rows of `relation` matching `where` counted per value of `column`, most first, at most
    // 1000 values (none when `where` can match nothing).
    Result<std::vector<std::pair<std::string, int64_t>>>
    countGroups(const std::string &column, const std::string &relation, const pg::Where &where) const;

    std::unique_ptr<pg::Session> m_db;
    std::shared_ptr<pg::KeysetCursors> m_cursors = std::make_shared<pg::KeysetCursors>();

private:
    struct Rowids {
        std::mutex mutex;
        std::map<std::string, int64_t> byId;
        std::vector<std::string> ids; // rowid - 1 -> id
    };
    std::shared_ptr<Rowids> m_rowids = std::make_shared<Rowids>();
    std::shared_ptr<pg::Watcher> m_watcher;
    std::string m_watermarkSql;
    mutable std::string m_watermark;
    std::vector<std::string> m_notes;
};

} // namespace mnemo::agentmem
