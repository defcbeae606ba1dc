#pragma once
// A nearest-neighbour index over a store's embeddings. Scores are cosine similarities, best first.

#include "mnemo/agentmem/AgentStore.hpp"

#include <string>
#include <vector>

namespace mnemo::agentmem {

class NeighbourIndex {
public:
    virtual ~NeighbourIndex() = default;
    // Results carry the store's item id (rowid may be 0 when the index does not know it).
    virtual Result<std::vector<Neighbour>> search(const std::vector<float> &query, int k) const = 0;
    virtual std::string describe() const = 0;
};

// Brute force over an in-memory copy of the embeddings: exact, for stores without an index of their own.
class ExactIndex : public NeighbourIndex {
public:
    ExactIndex(EmbeddingSet set, std::vector<std::string> ids) : m_set(std::move(set)), m_ids(std::move(ids)) {}
    Result<std::vector<Neighbour>> search(const std::vector<float> &query, int k) const override;
    std::string describe() const override;

private:
    EmbeddingSet m_set;
    std::vector<std::string> m_ids;
};

// Cosine helpers shared by the indexes.
float dot(const float *a, const float *b, int dim);
void normalise(std::vector<float> &v);

} // namespace mnemo::agentmem
