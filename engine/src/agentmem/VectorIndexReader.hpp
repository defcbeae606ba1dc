#pragma once
// The native store's IVF index (written by NativeStoreWriter::buildVectorIndex): k-means centroids and, per list,
// the member rows' int8 codes with one scale each. A query scores the centroids, scans the best lists' codes,
// answers with int8 scores (no float vector read), and scans rows added after the index was built exactly,
// so a live store's newest items are never missed.

#include "NeighbourIndex.hpp"
#include "Sqlite.hpp"

#include <memory>
#include <mutex>
#include <unordered_map>

namespace mnemo::agentmem {

// The decoded lists, shared by every connection to one store, so the retrieval debugger's workers (and a warm-up
// after opening) read each list from disk once.
struct IvfListCache {
    struct List {
        std::vector<int64_t> itemSeqs;
        std::vector<int8_t> codes;
        std::vector<float> scales;
    };
    std::mutex mutex;
    std::string builtUs; // which build of the index the lists belong to
    std::unordered_map<int, std::shared_ptr<const List>> lists;
};

class IvfIndexReader : public NeighbourIndex {
public:
    // nullptr when the store has no index.
    static std::shared_ptr<IvfIndexReader> load(const sql::Db &db, std::shared_ptr<IvfListCache> cache);
    // Reads every list into the cache (the warm-up).
    Status loadAllLists() const;
    int listCount() const { return m_lists; }

    Result<std::vector<Neighbour>> search(const std::vector<float> &query, int k) const override;
    std::string describe() const override;
    void setProbes(int probes) { m_probes = probes; }

private:
    using List = IvfListCache::List;
    std::shared_ptr<const List> list(int index) const;

    const sql::Db *m_db = nullptr;
    int m_dim = 0;
    int m_lists = 0;
    int m_probes = 24;
    int64_t m_indexedMaxSeq = 0;
    std::vector<float> m_centroids;
    std::shared_ptr<IvfListCache> m_cache;
};

} // namespace mnemo::agentmem
