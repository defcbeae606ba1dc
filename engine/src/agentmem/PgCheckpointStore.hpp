#pragma once
// A LangGraph PostgresSaver database (tables checkpoints, checkpoint_blobs, checkpoint_writes), read in place: every
// query goes to the server, a page at a time, in read-only transactions (pg::Connection), so opening does not grow
// with the store and the agents writing to it are never held back. Checkpoints are the items (their step and channel
// values as text, their thread, their parent: the fork tree), each checkpoint and each pending write an event, each
// parent link a relation. What the schema does not have (users, embeddings, access logs, policies) is empty.
//
// One store is one connection; openReader() opens another to the same database (PgStoreBase.hpp).

#include "PgCheckpointSql.hpp"
#include "PgStoreBase.hpp"

namespace mnemo::agentmem {

class PgCheckpointStore final : public PgStoreBase {
public:
    // `db` is connected and has the saver's three tables (PgOpen.cpp); an error names a column the reader needs that
    // the checkpoints table lacks.
    static Result<std::unique_ptr<AgentStore>> make(std::unique_ptr<pg::Connection> db);

    Result<std::unique_ptr<AgentStore>> openReader() const override;
    StoreKind kind() const override { return StoreKind::LangGraph; }
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
    int64_t lastEventSeq() const override;

private:
    PgCheckpointStore() = default;
    // The sort key of a page: newest first across threads with an index on checkpoint_id, else the primary key's.
    const std::vector<std::string> &pageKey() const;
    // `lastKey`, when given, receives the pageKey() values of the last row returned.
    Result<std::vector<MemoryItem>> selectItems(const std::string &where, const std::string &order,
                                                std::vector<std::optional<std::string>> params, int limit,
                                                int64_t offset, std::vector<std::string> *lastKey = nullptr,
                                                const pgsql::TextSearch *search = nullptr) const;
    Result<std::vector<MemoryEvent>> selectEvents(const std::string &where,
                                                  std::vector<std::optional<std::string>> params, int64_t limit) const;

    bool m_newestIndex = false; // the database has an index leading with checkpoint_id
};

} // namespace mnemo::agentmem
