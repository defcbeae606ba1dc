#pragma once
// The native store's IVF index (written by NativeStoreWriter::buildVectorIndex): k-means centroids and, per list,
// the member rows' int8 codes with one scale each. A query scores the centroids, scans the best lists' codes,
// re-ranks the top candidates with their float vectors, and scans rows added after the index was built exactly,
// so a live store's newest items are never missed.

#include "NeighbourIndex.hpp"
#include "Sqlite.hpp"

#include <memory>
#include <mutex>
#include <unordered_map>

namespace mnemo::agentmem {

class IvfIndexReader : public NeighbourIndex {
public:
    // nullptr when the store has no index.
    static std::shared_ptr<IvfIndexReader> load(const sql::Db &db);

    Result<std::vector<Neighbour>> search(const std::vector<float> &query, int k) const override;
    std::string describe() const override;
    void setProbes(int probes) { m_probes = probes; }

private:
    struct List {
        std::vector<int64_t> itemSeqs;
        std::vector<int8_t> codes;
        std::vector<float> scales;
    };
    const List *list(int index) const;

    const sql::Db *m_db = nullptr;
    int m_dim = 0;
    int m_lists = 0;
    int m_probes = 16;
    int64_t m_indexedMaxSeq = 0;
    std::vector<float> m_centroids;
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<int, std::unique_ptr<List>> m_cache;
};

} // namespace mnemo::agentmem
