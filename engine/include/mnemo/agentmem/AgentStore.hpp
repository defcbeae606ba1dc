#pragma once
// Read-only access to one agent-memory store through the common model. A Mnemo store is read in place (read-only,
// or immutable when no writer is attached, so nothing is ever written, locked against a writer, or checkpointed);
// a foreign store (Mem0, Chroma, LangGraph, Letta, MCP memory) is read from a private snapshot of its files and
// imported into a temporary catalogue with the native schema, so every query below has one shape. Queries page
// through SQLite with indexes; nothing loads the whole store unless asked for embeddings.
//
// A PostgreSQL database is read in place instead, page by page, by a subclass (PgCheckpointStore.hpp) that overrides
// every query; open() picks it for a connection string.
//
// One AgentStore is one SQLite connection: use it from one thread at a time; openReader() gives another
// connection onto the same catalogue for a worker thread.

#include "mnemo/agentmem/AgentMemoryModel.hpp"
#include "mnemo/agentmem/StoreKind.hpp"
#include "mnemo/core/Status.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mnemo::agentmem {

namespace sql { class Db; }
class NeighbourIndex;
struct Catalogue;

struct StoreSummary {
    std::string kind;        // "mem0", "chroma", "langgraph", "letta", "mcp-memory", "mnemo"
    std::string variant;     // e.g. "ts", "python", "openmemory", "checkpointer", "store"
    std::string path;
    int64_t items = 0, deletedItems = 0, events = 0, relations = 0, accesses = 0, policies = 0;
    int64_t users = 0, agents = 0, apps = 0, threads = 0, checkpoints = 0;
    std::optional<int64_t> firstUs, lastUs;
    int embeddingDim = 0;
    int64_t embeddings = 0;
    std::string embedder;    // how the vectors were made, when the store says
    std::map<std::string, int64_t> itemKinds, eventActions;
    std::vector<std::string> notes; // what the reader could not show or had to assume
};

struct ItemFilter {
    std::string text;                    // full-text query (FTS5 over the current text)
    std::string userId, agentId, appId, threadId, tier, kind;
    std::optional<int64_t> asOfUs;       // time travel: the store as it was at this time
    bool includeDeleted = false;         // without asOf: show deleted items too
    std::string visibleTo;               // only what this principal may read (at asOf, or now)
};

struct StoreDiff {
    int64_t fromUs = 0, toUs = 0;
    std::vector<MemoryItem> added, removed, changed; // changed: text at `to`, old text in metadataJson "before"
};

struct Neighbour {
    int64_t rowid = 0;
    std::string id;
    float score = 0; // cosine similarity
};

struct EmbeddingSet {
    int dim = 0;
    std::vector<int64_t> rowids;
    std::vector<float> data; // rowids.size() x dim, L2-normalised
    int64_t total = 0;       // embeddings in the store; > rowids.size() when sampled
};

// An event without its texts, for timelines of millions.
struct EventMark {
    int64_t seq = 0, timeUs = 0;
    std::string action, itemId;
};

struct AccessDecision {
    bool visible = false;
    std::string reason; // "own", "shared", "allowed by policy #3", "denied by policy #5", "private to alice"
};

class AgentStore {
public:
    struct OpenOptions {
        StoreKind kind = StoreKind::Unknown; // Unknown: detect from the path
        std::string workDir;                  // where snapshots and catalogues go; default: a temp directory
    };

    static Result<std::unique_ptr<AgentStore>> open(const std::string &path, const OpenOptions &options);
    static Result<std::unique_ptr<AgentStore>> open(const std::string &path) { return open(path, OpenOptions()); }
    // What to show of a path or connection string: a connection string's settings without its password.
    static std::string displayName(const std::string &path);
    // Whether open() takes `path` as a PostgreSQL connection string (a URI, or key=value pairs naming dbname).
    static bool isConnectionString(const std::string &path);
    virtual ~AgentStore();

    // Another connection onto the same catalogue, for a worker thread.
    virtual Result<std::unique_ptr<AgentStore>> openReader() const;

    virtual StoreKind kind() const;
    virtual const std::string &path() const;
    virtual Result<StoreSummary> summary() const;

    virtual Result<int64_t> countItems(const ItemFilter &filter) const;
    // Newest first. With asOf set, each item's text is its text at that time.
    virtual Result<std::vector<MemoryItem>> items(const ItemFilter &filter, int64_t offset, int limit,
                                                  bool withEmbeddings = false) const;
    virtual Result<MemoryItem> item(const std::string &id, std::optional<int64_t> asOfUs = {}) const;
    virtual Result<std::vector<MemoryItem>> itemsByRowid(const std::vector<int64_t> &rowids) const;
    virtual Result<std::vector<MemoryItem>> children(const std::string &parentId, int limit) const; // "" = roots
    // Item counts per value of one column (user_id, agent_id, app_id, thread_id, tier, kind, scope), most first.
    virtual Result<std::vector<std::pair<std::string, int64_t>>> groupCounts(const std::string &field,
                                                                             const ItemFilter &filter) const;

    virtual Result<std::vector<MemoryEvent>> events(std::optional<int64_t> fromUs, std::optional<int64_t> toUs,
                                                    int64_t limit) const;
    virtual Result<std::vector<MemoryEvent>> eventsAfter(int64_t seq, int64_t limit) const;
    virtual Result<std::vector<EventMark>> eventMarks(int64_t limit) const;
    virtual Result<std::vector<MemoryEvent>> history(const std::string &itemId) const;
    virtual Result<std::vector<Relation>> relations(int64_t limit, const std::string &itemId = {}) const;
    virtual Result<std::vector<Provenance>> provenance(const std::string &itemId) const;
    virtual Result<std::vector<AccessRecord>> accesses(const std::string &itemId, int64_t limit) const;
    virtual Result<std::vector<Principal>> principals() const;
    virtual Result<std::vector<Policy>> policies() const;
    virtual Result<StoreDiff> diff(int64_t fromUs, int64_t toUs, int limit = 1000) const;

    // Collaborative-Memory style read check for one principal at one time.
    virtual Result<AccessDecision> explainAccess(const MemoryItem &item, const std::string &principalId,
                                                 std::optional<int64_t> atUs) const;
    // The same with the policies already read (policies()), for callers that decide for many items.
    AccessDecision explainAccess(const MemoryItem &item, const std::string &principalId, std::optional<int64_t> atUs,
                                 const std::vector<Policy> &policies) const;

    // Embeddings for the map: every live one, or an even sample of at most maxPoints.
    virtual Result<EmbeddingSet> embeddings(int64_t maxPoints) const;
    // Nearest neighbours by cosine. Uses the store's own index (Chroma HNSW, Mnemo IVF) where there is one.
    virtual Result<std::vector<Neighbour>> nearest(const std::vector<float> &query, int k,
                                                   const std::string &excludeId = {}) const;
    virtual std::string nearestMethod() const;
    // Reads the neighbour index into memory (shared by every connection to this store), so the first searches
    // do not wait for the disk. Meant for a worker right after opening.
    virtual Status warmNeighbourIndex() const;
    // The store's embedder, when Mnemo has it locally; otherwise the reason it cannot embed text.
    virtual bool canEmbedText() const;
    virtual std::string embedderDescription() const;
    virtual Result<std::vector<float>> embedText(const std::string &text) const;

    // The queries on this connection until endSnapshot() read one consistent snapshot (a database read in place:
    // one read-only transaction), so a refresh's summary, facets and watermark agree. Nothing for a file store,
    // whose catalogue does not change under one connection. Keep the scope short.
    virtual Status beginSnapshot() const { return {}; }
    virtual void endSnapshot() const {}

    // Live tail: true when the store changed since the last call (a foreign store is re-imported).
    virtual Result<bool> refreshIfChanged();
    // Cheap (a few stat calls): whether the store's files changed since this connection's catalogue was made.
    virtual bool sourceChanged() const;
    // Why a database read in place cannot be reached now (dropped connection, server restarting), empty while it can
    // (and always for a file). Cheap: the live tail's own finding, no query on the caller's thread.
    virtual std::string connectionProblem() const { return {}; }
    virtual bool isImported() const; // a foreign store read through a temporary catalogue
    virtual int64_t lastEventSeq() const;

protected:
    AgentStore(); // a store read another way (PostgreSQL) derives and overrides every query

private:
    Status attach();
    const NeighbourIndex *ivf() const;
    Result<std::shared_ptr<NeighbourIndex>> exactIndex() const;

    std::shared_ptr<Catalogue> m_catalogue;
    std::unique_ptr<sql::Db> m_db;
    mutable std::shared_ptr<NeighbourIndex> m_ivf; // this connection's reader of the shared IVF lists
    mutable bool m_ivfChecked = false;              // whether the store has an IVF index was looked up
};

// beginSnapshot() for a scope: `SnapshotScope snapshot(store); if (!snapshot.status().ok()) ...`.
class SnapshotScope {
public:
    explicit SnapshotScope(const AgentStore &store) : m_store(store), m_status(store.beginSnapshot()) {}
    ~SnapshotScope() {
        if (m_status.ok()) m_store.endSnapshot();
    }
    SnapshotScope(const SnapshotScope &) = delete;
    SnapshotScope &operator=(const SnapshotScope &) = delete;
    const Status &status() const { return m_status; }

private:
    const AgentStore &m_store;
    Status m_status;
};

} // namespace mnemo::agentmem
