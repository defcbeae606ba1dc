#pragma once
// LangGraph's PostgresStore (long-term memory: JSON values under namespaces), read in place like the checkpointer
// (PgCheckpointStore.hpp): each row of the store table is an item (its namespace the tier, its content the text, a
// user by the ("memories", USER) convention), created and updated as events; the namespaces make the tree. Both
// writers' layouts: JS (namespace_path, parts joined by ':') and Python (prefix, parts joined by '.').

#include "PgStoreBase.hpp"

#include <map>
#include <mutex>

namespace mnemo::agentmem {

// The live tail's watermark: the server's row-change counters for the store table (no scan; see PgCheckpointSql.hpp).
inline constexpr const char *kStoreWatermark = "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text"
                                               " FROM pg_stat_user_tables WHERE relid = to_regclass('store')";

class PgLangGraphStore final : public PgStoreBase {
public:
    // `db` is connected and has a store table with the columns `namespaceColumn`, key, value, created_at, updated_at.
    static std::unique_ptr<AgentStore> make(std::unique_ptr<pg::Connection> db, std::string namespaceColumn);

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
    Result<std::vector<Relation>> relations(int64_t, const std::string & = {}) const override {
        return std::vector<Relation>{};
    }
    Result<std::vector<Provenance>> provenance(const std::string &) const override { return std::vector<Provenance>{}; }
    Result<std::vector<Principal>> principals() const override { return std::vector<Principal>{}; }
    Result<std::vector<Policy>> policies() const override { return std::vector<Policy>{}; }
    Result<StoreDiff> diff(int64_t fromUs, int64_t toUs, int limit = 1000) const override;
    Result<AccessDecision> explainAccess(const MemoryItem &, const std::string &, std::optional<int64_t>) const override {
        return AccessDecision{true, "no access policies in a LangGraph store"};
    }
    Result<EmbeddingSet> embeddings(int64_t) const override { return EmbeddingSet{}; }
    Result<std::vector<Neighbour>> nearest(const std::vector<float> &, int, const std::string & = {}) const override {
        return std::vector<Neighbour>{};
    }
    std::string nearestMethod() const override { return "none (store_vectors needs pgvector, not read yet)"; }
    int64_t lastEventSeq() const override;

private:
    PgLangGraphStore() = default;
    pg::Where whereFor(const ItemFilter &f) const;
    std::string ns() const { return "s." + m_nsColumn; } // the namespace column, quoted by construction
    // `lastKey`, when given, receives the last row's (updated_us, namespace, key): the keyset position after it.
    Result<std::vector<MemoryItem>> select(const std::string &where, std::vector<std::optional<std::string>> params,
                                           const std::string &order, int limit, int64_t offset,
                                           std::vector<std::string> *lastKey = nullptr) const;
    Result<std::vector<MemoryEvent>> selectEvents(const std::string &where,
                                                  std::vector<std::optional<std::string>> params, int64_t limit) const;
    std::optional<std::pair<std::string, std::string>> keyOf(const std::string &id) const;

    std::string m_nsColumn; // "namespace_path" (JS) or "prefix" (Python)
    // An item's (namespace, key), as read, by id, shared by the store's connections: its id "NAMESPACE/KEY" is
    // ambiguous when either holds a '/'.
    struct Keys {
        std::mutex mutex;
        std::map<std::string, std::pair<std::string, std::string>> byId;
    };
    std::shared_ptr<Keys> m_keys = std::make_shared<Keys>();
};

} // namespace mnemo::agentmem
