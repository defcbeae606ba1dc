#pragma once
// 2-D projection of embeddings for the map: PCA by power iteration on the covariance (computed from a sample),
// then every vector projected. Linear, deterministic and fast enough for a million points, so the map appears at
// once; its axes are the two directions the vectors vary most along.

#include <cstdint>
#include <vector>

namespace mnemo::agentmem {

struct Projection2D {
    std::vector<float> xy;     // 2 per point
    float explained[2] = {0, 0}; // share of the variance along each axis
};

Projection2D projectPca2D(const std::vector<float> &data, int dim, int64_t maxSample = 20000);

} // namespace mnemo::agentmem
