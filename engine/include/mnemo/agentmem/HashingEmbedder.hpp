#pragma once
// A local, deterministic text embedder: signed feature hashing of lower-cased word unigrams and bigrams into a
// fixed number of dimensions, sublinear term weights, L2-normalised. It is no substitute for a neural embedding
// model, but it needs no weights (nothing may be downloaded), makes lexically related texts neighbours, and lets
// the retrieval debugger embed a typed query for stores written with it ("mnemo-hash-<dim>"). Stopwords are
// dropped and words lightly stemmed, so topic words decide the neighbours.

#include <string>
#include <string_view>
#include <vector>

namespace mnemo::agentmem {

class HashingEmbedder {
public:
    explicit HashingEmbedder(int dim = 384) : m_dim(dim) {}
    int dim() const { return m_dim; }
    std::string name() const { return "mnemo-hash-" + std::to_string(m_dim); }
    // Parses "mnemo-hash-<dim>"; 0 when the name is not one of ours.
    static int dimForName(std::string_view name);

    std::vector<float> embed(std::string_view text) const;

private:
    int m_dim;
};

} // namespace mnemo::agentmem
