#pragma once
// A Letta server's PostgreSQL database, read in place (PgStoreBase): core-memory blocks, archival passages and
// messages are the items (paged by the server, newest first), block_history their versions, blocks attached to
// agents the relations and the read grants, agents and identities the principals; passages' embeddings for the map
// and "more like this" (exact cosine here; Mnemo does not have Letta's embedder, so no text queries).

#include "PgLettaSql.hpp"
#include "PgStoreBase.hpp"

namespace mnemo::agentmem {

class PgLettaStore final : public PgStoreBase {
public:
    // `db` is connected and has Letta's tables (lettasql::kFind); an error names the first column missing.
    static Result<std::unique_ptr<AgentStore>> make(std::unique_ptr<pg::Connection> db, lettasql::Tables tables);

    Result<std::unique_ptr<AgentStore>> openReader() const override;
    StoreKind kind() const override { return StoreKind::Letta; }
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
    Result<std::vector<Provenance>> provenance(const std::string &itemId) const override;
    Result<std::vector<Principal>> principals() const override;
    Result<std::vector<Policy>> policies() const override;
    Result<StoreDiff> diff(int64_t fromUs, int64_t toUs, int limit = 1000) const override;
    Result<AccessDecision> explainAccess(const MemoryItem &item, const std::string &principal,
                                         std::optional<int64_t> atUs) const override;

    Result<EmbeddingSet> embeddings(int64_t maxPoints) const override;
    Result<std::vector<Neighbour>> nearest(const std::vector<float> &query, int k,
                                           const std::string &excludeId = {}) const override;
    std::string nearestMethod() const override { return "exact cosine over the passages' embeddings (read here)"; }
    std::string embedderDescription() const override { return m_embedder.empty() ? "none" : m_embedder; }
    int64_t lastEventSeq() const override;

private:
    PgLettaStore() = default;
    // Items matching `where` (over "i"), their text as of `asOf` when given, in the page order.
    Result<std::vector<MemoryItem>> select(pg::Where where, std::optional<int64_t> asOf, int limit, int64_t offset,
                                           bool withEmbeddings, std::vector<std::string> *lastKey = nullptr) const;
    Result<std::vector<MemoryEvent>> selectEvents(pg::Where where, int64_t limit, bool newestFirst = false) const;

    lettasql::Tables m_tables;
    std::string m_embedder; // the passages' embedding model, as their embedding_config names it
};

} // namespace mnemo::agentmem
