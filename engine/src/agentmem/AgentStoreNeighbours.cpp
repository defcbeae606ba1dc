// Embeddings and nearest neighbours: the map's (sampled) embedding set, neighbour search through the store's own
// index (Chroma HNSW, Mnemo IVF) or an exact one, and embedding a text query where Mnemo has the store's embedder.
#include "AgentStoreInternal.hpp"
#include "NeighbourIndex.hpp"
#include "Sqlite.hpp"
#include "VectorIndexReader.hpp"
#include "mnemo/agentmem/HashingEmbedder.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace mnemo::agentmem {

Result<EmbeddingSet> AgentStore::embeddings(int64_t maxPoints) const {
    EmbeddingSet set;
    Status st;
    set.total = scalar(*m_db, "SELECT count(*) FROM vectors v JOIN items i ON i.item_seq = v.item_seq WHERE i.deleted_us IS NULL", st);
    if (!st.ok()) return st;
    int64_t stride = maxPoints > 0 && set.total > maxPoints ? (set.total + maxPoints - 1) / maxPoints : 1;
    // A sample visits every stride-th row by primary key instead of filtering a scan of every vector.
    int64_t maxSeq = scalar(*m_db, "SELECT COALESCE(max(item_seq), 0) FROM vectors", st);
    sql::Stmt q(*m_db, stride == 1
                           ? "SELECT v.item_seq, v.embedding FROM vectors v JOIN items i ON i.item_seq = v.item_seq"
                             " WHERE i.deleted_us IS NULL AND ?1 = 1 AND ?2 >= 0 ORDER BY v.item_seq"
                           : "WITH RECURSIVE s(x) AS (SELECT ?1 UNION ALL SELECT x + ?1 FROM s WHERE x + ?1 <= ?2)"
                             " SELECT v.item_seq, v.embedding FROM s JOIN vectors v ON v.item_seq = s.x"
                             " JOIN items i ON i.item_seq = v.item_seq WHERE i.deleted_us IS NULL");
    q.bind(1, stride).bind(2, maxSeq);
    while (q.step()) {
        size_t bytes = q.blobBytes(1);
        if (bytes == 0 || bytes % 4 != 0) {
            return Status(StatusCode::InvalidArgument, "'" + path() + "': item #" + std::to_string(q.i64(0)) +
                                                           " has a malformed embedding (" + std::to_string(bytes) + " bytes)");
        }
        int dim = int(bytes / 4);
        if (set.dim == 0) set.dim = dim;
        if (dim != set.dim) continue; // mixed dimensions: the map shows the first one's space
        set.rowids.push_back(q.i64(0));
        size_t at = set.data.size();
        set.data.resize(at + size_t(dim));
        std::memcpy(set.data.data() + at, q.blob(1), bytes);
        std::vector<float> view(set.data.begin() + long(at), set.data.end());
        normalise(view);
        std::copy(view.begin(), view.end(), set.data.begin() + long(at));
    }
    if (!q.ok()) return q.status();
    return set;
}

namespace {

// Index results carry a row, an id, or both; only live items count. Those known by row are resolved and checked in
// one query, those known by id with one lookup each, until k remain.
Result<std::vector<Neighbour>> resolveLive(const sql::Db &db, std::vector<Neighbour> candidates, int k,
                                           const std::string &excludeId) {
    std::string inList;
    for (const Neighbour &n : candidates) {
        if (n.rowid != 0) inList += (inList.empty() ? "" : ",") + std::to_string(n.rowid);
    }
    std::unordered_map<int64_t, std::string> liveById;
    if (!inList.empty()) {
        sql::Stmt q(db, "SELECT item_seq, id FROM items WHERE deleted_us IS NULL AND item_seq IN (" + inList + ")");
        while (q.step()) liveById[q.i64(0)] = q.text(1);
        if (!q.ok()) return q.status();
    }
    sql::Stmt byId(db, "SELECT item_seq FROM items WHERE id = ? AND deleted_us IS NULL");
    std::vector<Neighbour> out;
    for (Neighbour n : candidates) {
        if (int(out.size()) >= k) break;
        if (n.rowid != 0) {
            auto it = liveById.find(n.rowid);
            if (it == liveById.end()) continue;
            n.id = it->second;
        } else {
            byId.reset();
            byId.bind(1, n.id);
            if (!byId.step()) continue;
            n.rowid = byId.i64(0);
        }
        if (!excludeId.empty() && n.id == excludeId) continue;
        out.push_back(std::move(n));
    }
    return out;
}

} // namespace

Result<std::vector<Neighbour>> AgentStore::nearest(const std::vector<float> &query, int k,
                                                   const std::string &excludeId) const {
    std::vector<float> qv = query;
    normalise(qv);
    std::shared_ptr<NeighbourIndex> exact; // keeps the shared exact index alive for this search
    const NeighbourIndex *index = m_catalogue->nativeIndex.get();
    if (!index) index = ivf();
    if (!index) {
        auto built = exactIndex();
        if (!built.ok()) return built.status();
        exact = built.value();
        index = exact.get();
    }
    // Ask for extra so excluded and since-deleted items do not shorten the list.
    auto found = index->search(qv, k + 8);
    if (!found.ok()) return found.status();
    return resolveLive(*m_db, std::move(found.value()), k, excludeId);
}

const NeighbourIndex *AgentStore::ivf() const {
    if (!m_ivfChecked) {
        m_ivfChecked = true;
        std::shared_ptr<IvfListCache> cache;
        {
            std::lock_guard lock(m_catalogue->indexMutex);
            if (!m_catalogue->ivfLists) m_catalogue->ivfLists = std::make_shared<IvfListCache>();
            cache = m_catalogue->ivfLists;
        }
        m_ivf = IvfIndexReader::load(*m_db, cache);
    }
    return m_ivf.get();
}

namespace {
// A damaged store can hold embeddings whose item is gone (itemsByRowid skips those): keep only the rows that have an
// item, in order, so the set and `items` stay parallel.
EmbeddingSet withItemsOnly(EmbeddingSet set, const std::vector<MemoryItem> &items) {
    if (items.size() == set.rowids.size()) return set;
    const size_t dim = size_t(set.dim);
    size_t kept = 0;
    for (size_t i = 0; i < set.rowids.size() && kept < items.size(); ++i) {
        if (set.rowids[i] != items[kept].rowid) continue;
        set.rowids[kept] = set.rowids[i];
        std::copy_n(set.data.begin() + std::ptrdiff_t(i * dim), dim, set.data.begin() + std::ptrdiff_t(kept * dim));
        ++kept;
    }
    set.rowids.resize(kept);
    set.data.resize(kept * dim);
    return set;
}

std::vector<std::string> idsOf(const std::vector<MemoryItem> &items) {
    std::vector<std::string> out;
    out.reserve(items.size());
    for (const MemoryItem &it : items) out.push_back(it.id);
    return out;
}
} // namespace

Result<std::shared_ptr<NeighbourIndex>> AgentStore::exactIndex() const {
    std::lock_guard lock(m_catalogue->indexMutex);
    if (m_catalogue->exact) return m_catalogue->exact;
    auto set = embeddings(0);
    if (!set.ok()) return set.status();
    auto rows = itemsByRowid(set->rowids);
    if (!rows.ok()) return rows.status();
    m_catalogue->exact = std::make_shared<ExactIndex>(withItemsOnly(std::move(set.value()), rows.value()), idsOf(rows.value()));
    return m_catalogue->exact;
}

Status AgentStore::warmNeighbourIndex() const {
    if (m_catalogue->nativeIndex) return {}; // loaded with the store
    if (const NeighbourIndex *index = ivf()) return static_cast<const IvfIndexReader *>(index)->loadAllLists();
    auto exact = exactIndex();
    return exact.ok() ? Status() : exact.status();
}

std::string AgentStore::nearestMethod() const {
    if (m_catalogue->nativeIndex) return m_catalogue->nativeIndex->describe();
    if (const NeighbourIndex *index = ivf()) return index->describe();
    return "exact cosine over all embeddings";
}

bool AgentStore::canEmbedText() const { return HashingEmbedder::dimForName(m_catalogue->embedder) > 0; }

std::string AgentStore::embedderDescription() const {
    if (canEmbedText()) return m_catalogue->embedder + " (local, deterministic)";
    if (m_catalogue->embedder.empty()) return "unknown embedding model: no local embedder; pick an item as the query";
    return m_catalogue->embedder + ": not available locally; pick an item as the query";
}

Result<std::vector<float>> AgentStore::embedText(const std::string &text) const {
    int dim = HashingEmbedder::dimForName(m_catalogue->embedder);
    if (dim <= 0) return Status(StatusCode::Unsupported, "cannot embed text for this store: " + embedderDescription());
    return HashingEmbedder(dim).embed(text);
}

} // namespace mnemo::agentmem
