#pragma once
// Camera-aware memory retrieval: which stored frames see what the upcoming camera(s) will see.
//
// WorldMem (xizaoqu/WorldMem, algorithms/worldmem/df_video.py): Monte-Carlo points uniformly in a sphere around
//   the upcoming camera; the points inside the union of the upcoming frusta form the query; each memory frame scores
//   its overlap (fraction of query points it sees) minus a recency penalty (weight x age / now); greedy top-1, the
//   covered points are removed, K times. Defaults: 10,000 points, radius 30, FOV 105 x 75 degrees, weight 0.2, K 8.
// Matrix-Game 3.0 (Matrix-Game-3/utils/cam_utils.py): a regular grid of points inside each reference (upcoming)
//   frustum, reprojected into every candidate; score = visible fraction; argmax per reference frame. Defaults:
//   10 x 10 x 10 grid, FOV 90 degrees, near 0.1, far 30.
// Both are deterministic for a given seed. Candidates come from the bank's ground-plane grid index: only entries
// whose camera lies within (sphere radius + far) of the query can see any query point.

#include "mnemo/memory/MemoryBank.hpp"

#include <array>
#include <vector>

namespace mnemo::memory {

enum class RetrievalAlgorithm { WorldMem, MatrixGame };
const char *retrievalAlgorithmName(RetrievalAlgorithm a);

struct RetrievalParams {
    RetrievalAlgorithm algorithm = RetrievalAlgorithm::WorldMem;
    float hfovDeg = 105.0f;
    float vfovDeg = 75.0f;
    float nearPlane = 0.1f;
    float farPlane = 30.0f;
    uint32_t samples = 10000;   // WorldMem: points in the sphere
    float sphereRadius = 30.0f; // WorldMem
    uint32_t gridPerAxis = 10;  // Matrix-Game: grid^3 points per reference frustum
    uint32_t k = 8;             // WorldMem: picks
    float recencyWeight = 0.2f; // WorldMem: penalty weight x (now - t) / now
    uint64_t seed = 1;
    // The last `excludeRecentFrames` frames are not candidates: a model already has them as its context window, and
    // the frame just generated would otherwise always win (it sees almost exactly what the next one will).
    uint64_t excludeRecentFrames = 30;
    // Candidates with near-identical poses (same 1-unit ground cell, 10-degree heading and pitch bins) are scored
    // once, through their most recent member: an older twin would cover the same points with a larger recency
    // penalty, so greedy selection would never prefer it. This keeps dense revisits cheap.
    bool mergeTwins = true;
    // Score every candidate exactly. Off (the default), a coarse pass on a 128-point subsample of the query picks
    // a short list (the coarse greedy's picks and the best overlaps) for the exact greedy: much faster on big banks.
    bool exhaustive = false;

    static RetrievalParams worldMem() { return {}; }
    static RetrievalParams matrixGame() {
        RetrievalParams p;
        p.algorithm = RetrievalAlgorithm::MatrixGame;
        p.hfovDeg = 90.0f;
        p.vfovDeg = 90.0f * 9.0f / 16.0f; // 90 degrees horizontal on a 16:9 frame
        return p;
    }
};

struct RetrievedEntry {
    uint64_t entryId = 0;
    uint64_t frameIndex = 0;
    float score = 0;          // what was maximised (WorldMem: overlap - penalty; Matrix-Game: visible fraction)
    float overlap = 0;        // fraction of the query points the entry sees (before greedy removal)
    float covered = 0;        // fraction of the query points this pick newly covered (WorldMem greedy)
    float recencyPenalty = 0;
    uint32_t reference = 0;   // Matrix-Game: which upcoming frame this pick serves
};

struct RetrievalResult {
    std::vector<RetrievedEntry> picks;              // in pick order
    std::vector<std::array<float, 3>> queryPoints;  // the points the upcoming camera(s) see (for the map)
    std::vector<int32_t> pointCoveredBy;            // per query point: index into picks, or -1
    uint32_t candidates = 0;                        // entries scored
    double elapsedMs = 0;
};

// `upcoming`: the camera(s) about to be generated; `nowFrame`: the index of the first of them (recency is measured
// in frames, as WorldMem does: penalty = weight x (nowFrame - entry frame) / nowFrame).
RetrievalResult retrieve(const MemoryBank &bank, const std::vector<camera::CameraFrame> &upcoming, uint64_t nowFrame,
                         const RetrievalParams &params);

// Fraction of points sampled in camera A's frustum (near..far, params' FOV) that camera B also sees. Symmetric
// enough for revisit detection; deterministic for a seed.
float frustumOverlap(const camera::CameraFrame &a, const camera::CameraFrame &b, const RetrievalParams &params,
                     uint32_t samples = 2000);

} // namespace mnemo::memory
