#pragma once
// A LangGraph PostgresSaver database (tables checkpoints, checkpoint_blobs, checkpoint_writes), read in place: every
// query goes to the server, a page at a time, in read-only transactions (pg::Connection), so opening does not grow
// with the store and the agents writing to it are never held back. Checkpoints are the items (their step and channel
// values as text, their thread, their parent: the fork tree), each checkpoint and each pending write an event, each
// parent link a relation. What the schema does not have (users, embeddings, access logs, policies) is empty.
//
// One store is one connection; openReader() opens another to the same database. Rowids (the views' handles for
// items) are handed out by a table shared by every connection of one open store.

#include "mnemo/agentmem/AgentStore.hpp"

#include "Pg.hpp"
#include "PgKeyset.hpp"

#include <map>
#include <mutex>
#include <thread>

namespace mnemo::agentmem {

namespace pg { class Watcher; }

class PgCheckpointStore final : public AgentStore {
public:
    // Connects and recognises the schema by its tables (in the session's search_path); an error names the database
    // and what is missing.
    static Result<std::unique_ptr<AgentStore>> open(const std::string &conninfo);

    Result<std::unique_ptr<AgentStore>> openReader() const override;
    StoreKind kind() const override { return StoreKind::LangGraph; }
    const std::string &path() const override { return m_db->label(); }
    Result<StoreSummary> summary() const override;

    Result<int64_t> countItems(const ItemFilter &filter) const override;
    Result<std::vector<MemoryItem>> items(const ItemFilter &filter, int64_t offset, int limit,
                                          bool withEmbeddings = false) const override;
    Result<MemoryItem> item(const std::string &id, std::optional<int64_t> asOfUs = {}) const override;
    Result<std::vector<MemoryItem>> itemsByRowid(const std::vector<int64_t> &rowids) const override;
    Result<std::vector<MemoryItem>> children(const std::string &parentId, int limit) const override;
    Result<std::vector<std::pair<std::string, int64_t>>> groupCounts(const std::string &field,
                                                                     const ItemFilter &filter) const override;

    Result<std::vector<MemoryEvent>> events(std::optional<int64_t> fromUs, std::optional<int64_t> toUs,
                                            int64_t limit) const override;
    Result<std::vector<MemoryEvent>> eventsAfter(int64_t seq, int64_t limit) const override;
    Result<std::vector<EventMark>> eventMarks(int64_t limit) const override;
    Result<std::vector<MemoryEvent>> history(const std::string &itemId) const override;
    Result<std::vector<Relation>> relations(int64_t limit, const std::string &itemId = {}) const override;
    Result<std::vector<Provenance>> provenance(const std::string &) const override { return std::vector<Provenance>{}; }
    Result<std::vector<AccessRecord>> accesses(const std::string &, int64_t) const override {
        return std::vector<AccessRecord>{};
    }
    Result<std::vector<Principal>> principals() const override;
    Result<std::vector<Policy>> policies() const override { return std::vector<Policy>{}; }
    Result<StoreDiff> diff(int64_t fromUs, int64_t toUs, int limit = 1000) const override;
    Result<AccessDecision> explainAccess(const MemoryItem &, const std::string &, std::optional<int64_t>) const override {
        return AccessDecision{true, "no access policies in a LangGraph checkpointer"};
    }

    Result<EmbeddingSet> embeddings(int64_t) const override { return EmbeddingSet{}; }
    Result<std::vector<Neighbour>> nearest(const std::vector<float> &, int, const std::string & = {}) const override {
        return std::vector<Neighbour>{};
    }
    std::string nearestMethod() const override { return "none (a checkpointer keeps no embeddings)"; }
    Status warmNeighbourIndex() const override { return {}; }
    bool canEmbedText() const override { return false; }
    std::string embedderDescription() const override { return "none"; }
    Result<std::vector<float>> embedText(const std::string &) const override {
        return Status(StatusCode::Unsupported, "a LangGraph checkpointer has no embedder");
    }

    Status beginSnapshot() const override { return m_db->beginSnapshot(); }
    void endSnapshot() const override { m_db->endSnapshot(); }
    std::string connectionProblem() const override; // the watcher's finding
    Result<bool> refreshIfChanged() override;
    // Cheap: a flag the store's watcher thread sets once the database's watermark (newest checkpoint, row counts)
    // moved; the watcher polls on its own connection every second, never on the caller's thread.
    bool sourceChanged() const override;
    bool isImported() const override { return true; }     // refreshes run on a worker
    int64_t lastEventSeq() const override;

    // Rowids shared by the connections of one open store: a checkpoint's id gets one number for the store's life.
    struct Rowids {
        std::mutex mutex;
        std::map<std::string, int64_t> byId;
        std::vector<std::string> ids; // rowid - 1 -> id
    };

private:
    PgCheckpointStore() = default;
    int64_t rowidOf(const std::string &id) const;
    // The sort key of a page: newest first across threads with an index on checkpoint_id, else the primary key's.
    const std::vector<std::string> &pageKey() const;
    // `lastKey`, when given, receives the pageKey() values of the last row returned.
    Result<std::vector<MemoryItem>> selectItems(const std::string &where, const std::string &order,
                                                std::vector<std::optional<std::string>> params, int limit,
                                                int64_t offset, std::vector<std::string> *lastKey = nullptr) const;
    Result<std::vector<MemoryEvent>> selectEvents(const std::string &where,
                                                  std::vector<std::optional<std::string>> params, int64_t limit) const;

    std::unique_ptr<pg::Session> m_db; // connected by open(); a reader's connects on its first query
    std::shared_ptr<pg::Watcher> m_watcher; // the store open() made has one; its readers do not
    std::shared_ptr<Rowids> m_rowids = std::make_shared<Rowids>();
    std::shared_ptr<pg::KeysetCursors> m_cursors = std::make_shared<pg::KeysetCursors>();
    bool m_newestIndex = false; // the database has an index leading with checkpoint_id
    mutable std::string m_watermark; // refreshIfChanged: the newest checkpoint and the counts last seen
};

} // namespace mnemo::agentmem
