#include "mnemo/memory/Retrieval.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <random>

namespace mnemo::memory {
namespace {

constexpr float kDeg = 3.14159265358979f / 180.0f;
using Vec3 = std::array<float, 3>;

// A view frustum in world space, with the FOV of the retrieval parameters (not the camera's intrinsics: both papers
// use a fixed FOV for memory, whatever the render size).
struct Frustum {
    Vec3 right, down, forward, origin;
    float tanX, tanY, nearPlane, farPlane;

    bool sees(const Vec3 &p) const {
        const float dx = p[0] - origin[0], dy = p[1] - origin[1], dz = p[2] - origin[2];
        const float z = forward[0] * dx + forward[1] * dy + forward[2] * dz;
        if (z <= nearPlane || z >= farPlane) return false;
        const float x = right[0] * dx + right[1] * dy + right[2] * dz;
        if (std::fabs(x) > z * tanX) return false;
        const float y = down[0] * dx + down[1] * dy + down[2] * dz;
        return std::fabs(y) <= z * tanY;
    }
};

// Roll is always 0 for the host's cameras, so right = normalise(cross(forward, up)) and down = forward x right.
Frustum frustumFromRecord(const IndexRecord &r, const RetrievalParams &p, float tanX, float tanY) {
    const Vec3 &f = r.forward;
    float rx = -f[2], rz = f[0];
    const float len = std::sqrt(rx * rx + rz * rz);
    if (len > 1e-6f) {
        rx /= len;
        rz /= len;
    } else {
        rx = -1.0f; // looking straight up or down: any horizontal right vector will do
        rz = 0.0f;
    }
    const Vec3 right{rx, 0.0f, rz};
    const Vec3 down{f[1] * right[2] - f[2] * right[1], f[2] * right[0] - f[0] * right[2], f[0] * right[1] - f[1] * right[0]};
    return {right, down, f, r.position, tanX, tanY, p.nearPlane, p.farPlane};
}

Frustum makeFrustum(const camera::CameraFrame &c, const RetrievalParams &p) {
    const auto &m = c.c2w;
    return {{m[0], m[1], m[2]},    {m[4], m[5], m[6]},
            {m[8], m[9], m[10]},   {m[12], m[13], m[14]},
            std::tan(0.5f * p.hfovDeg * kDeg), std::tan(0.5f * p.vfovDeg * kDeg),
            p.nearPlane,           p.farPlane};
}

struct Candidate {
    const IndexRecord *entry;
    Frustum frustum;
    float penalty;
    float estimate = 0; // coarse score from the query subsample
};

// Query points as separate coordinate arrays, so the visibility loop below vectorises.
struct PointsSoA {
    std::vector<float> x, y, z;
    explicit PointsSoA(const std::vector<Vec3> &points, size_t stride = 1) {
        for (size_t i = 0; i < points.size(); i += stride) {
            x.push_back(points[i][0]);
            y.push_back(points[i][1]);
            z.push_back(points[i][2]);
        }
    }
    size_t size() const { return x.size(); }
};

// The hot loop of both algorithms: one byte per point (1 = the frustum sees it) for points [0, n). Branch-free over
// separate coordinate arrays, so the compiler vectorises it; callers count or pack the bytes.
// (__restrict: a uint8_t store may alias anything, which would otherwise stop the vectoriser.)
inline void visibleFlags(const Frustum &f, const PointsSoA &p, size_t n, uint8_t *__restrict out) {
    const float *__restrict px = p.x.data();
    const float *__restrict py = p.y.data();
    const float *__restrict pz = p.z.data();
    const Frustum c = f; // a local copy: its fields cannot change under the stores either
    for (size_t i = 0; i < n; ++i) {
        const float dx = px[i] - c.origin[0], dy = py[i] - c.origin[1], dz = pz[i] - c.origin[2];
        const float z = c.forward[0] * dx + c.forward[1] * dy + c.forward[2] * dz;
        const float x = c.right[0] * dx + c.right[1] * dy + c.right[2] * dz;
        const float y = c.down[0] * dx + c.down[1] * dy + c.down[2] * dz;
        out[i] = uint8_t((z > c.nearPlane) & (z < c.farPlane) & (std::fabs(x) <= z * c.tanX) &
                         (std::fabs(y) <= z * c.tanY));
    }
}

std::vector<uint8_t> &scratchFlags(size_t n) {
    static thread_local std::vector<uint8_t> flags;
    flags.resize(n);
    return flags;
}

uint32_t countVisible(const Frustum &f, const PointsSoA &p) {
    auto &flags = scratchFlags(p.size());
    visibleFlags(f, p, p.size(), flags.data());
    uint32_t count = 0;
    for (uint8_t v : flags) count += v;
    return count;
}

// Keeps the `keep` candidates with the best coarse estimate (estimate must be filled in).
void keepBest(std::vector<Candidate> &candidates, size_t keep) {
    if (candidates.size() <= keep) return;
    std::nth_element(candidates.begin(), candidates.begin() + long(keep), candidates.end(),
                     [](const Candidate &a, const Candidate &b) { return a.estimate > b.estimate; });
    candidates.resize(keep);
}

constexpr size_t kCoarsePoints = 128; // query subsample for the first pass

// Coarse masks over at most 128 points: two words.
using CoarseMask = std::array<uint64_t, 2>;

CoarseMask coarseMask(const Frustum &f, const PointsSoA &p) {
    uint8_t seen[128];
    const size_t n = std::min<size_t>(p.size(), 128);
    visibleFlags(f, p, n, seen);
    CoarseMask m{0, 0};
    for (size_t i = 0; i < n; ++i) m[i >> 6] |= uint64_t(seen[i]) << (i & 63);
    return m;
}

// Reduces `candidates` to a short list for the exact pass: the coarse greedy's k picks, and the 2k best coarse
// scores (overlap minus recency penalty).
void shortlist(std::vector<Candidate> &candidates, const PointsSoA &coarse, uint32_t k) {
    const size_t keep = size_t(3) * k;
    if (candidates.size() <= keep) return;
    std::vector<CoarseMask> masks;
    masks.reserve(candidates.size());
    const float total = float(std::min<size_t>(coarse.size(), 128));
    for (Candidate &c : candidates) {
        masks.push_back(coarseMask(c.frustum, coarse));
        c.estimate = float(std::popcount(masks.back()[0]) + std::popcount(masks.back()[1])) / total - c.penalty;
    }
    std::vector<char> chosen(candidates.size(), 0);
    CoarseMask remaining{~uint64_t(0), ~uint64_t(0)};
    for (uint32_t pick = 0; pick < k; ++pick) {
        int best = -1;
        float bestScore = -INFINITY;
        for (size_t i = 0; i < candidates.size(); ++i) {
            if (chosen[i]) continue;
            const int covered = std::popcount(masks[i][0] & remaining[0]) + std::popcount(masks[i][1] & remaining[1]);
            const float score = float(covered) / total - candidates[i].penalty;
            if (covered > 0 && score > bestScore) {
                best = int(i);
                bestScore = score;
            }
        }
        if (best < 0) break;
        chosen[size_t(best)] = 1;
        remaining[0] &= ~masks[size_t(best)][0];
        remaining[1] &= ~masks[size_t(best)][1];
    }
    // The greedy's picks rank first, then the best overall estimates fill the list.
    for (size_t i = 0; i < candidates.size(); ++i) {
        if (chosen[i]) candidates[i].estimate = INFINITY;
    }
    keepBest(candidates, keep);
}

// Entries that could see any point of a query ball (centre, radius): near enough, and facing it. With mergeTwins,
// each twin group of the index contributes its representative only (see TwinGroup).
// `expanded` holds the records of every group member when twins are scored one by one (mergeTwins off); the
// candidates point into it, so it must outlive them.
std::vector<Candidate> gatherCandidates(const MemoryBank &bank, const Vec3 &centre, float radius, uint64_t nowFrame,
                                        const RetrievalParams &params, std::vector<IndexRecord> &expanded) {
    std::vector<const TwinGroup *> groups;
    bank.groupsNear(centre[0], centre[2], radius + params.farPlane, groups);
    expanded.clear();
    expanded.reserve(params.mergeTwins ? groups.size() : bank.size()); // candidates point into it: no reallocation
    if (!params.mergeTwins) {
        for (const TwinGroup *g : groups) {
            for (uint64_t id : g->members) expanded.push_back(MemoryBank::recordOf(*bank.find(id)));
        }
    }
    const float tanX = std::tan(0.5f * params.hfovDeg * kDeg), tanY = std::tan(0.5f * params.vfovDeg * kDeg);
    const float halfDiagonal = std::atan(std::sqrt(tanX * tanX + tanY * tanY));
    const float cosH = std::cos(halfDiagonal), sinH = std::sin(halfDiagonal);
    const float invNow = 1.0f / float(std::max<uint64_t>(nowFrame, 1));
    std::vector<Candidate> out;
    auto consider = [&](const IndexRecord *e) {
        if (params.excludeRecentFrames && e->frameIndex + params.excludeRecentFrames > nowFrame) return;
        const Vec3 &pos = e->position, &fwd = e->forward;
        const float vx = centre[0] - pos[0], vy = centre[1] - pos[1], vz = centre[2] - pos[2];
        const float dist = std::sqrt(vx * vx + vy * vy + vz * vz);
        if (dist - radius > params.farPlane) return;
        if (dist > radius) {
            // Facing away from the ball: the angle to its centre exceeds the frustum's half-diagonal plus the
            // ball's angular radius. Compared through cosines (no acos per candidate).
            const float sinB = radius / dist, cosB = std::sqrt(1.0f - sinB * sinB);
            const float cosLimit = cosH * cosB - sinH * sinB; // cos(H + B)
            const float cosA = (fwd[0] * vx + fwd[1] * vy + fwd[2] * vz) / dist;
            if (halfDiagonal + std::asin(sinB) < 3.14159f && cosA < cosLimit) return;
        }
        const float age = float(nowFrame > e->frameIndex ? nowFrame - e->frameIndex : 0);
        out.push_back({e, frustumFromRecord(*e, params, tanX, tanY), params.recencyWeight * age * invNow});
    };
    if (params.mergeTwins) {
        for (const TwinGroup *g : groups) {
            if (!params.excludeRecentFrames || g->latest.frameIndex + params.excludeRecentFrames <= nowFrame) {
                consider(&g->latest);
                continue;
            }
            // The representative is still context: the group's newest member that is not stands in for it.
            for (auto id = g->members.rbegin(); id != g->members.rend(); ++id) {
                const MemoryEntry *m = bank.find(*id);
                if (m && m->frameIndex + params.excludeRecentFrames <= nowFrame) {
                    expanded.push_back(MemoryBank::recordOf(*m));
                    break;
                }
            }
        }
        for (const IndexRecord &r : expanded) consider(&r);
    } else {
        for (const IndexRecord &r : expanded) consider(&r);
    }
    return out;
}

using Mask = std::vector<uint64_t>;

// Bit mask of the points a frustum sees.
Mask visibilityMask(const Frustum &f, const PointsSoA &p) {
    auto &seen = scratchFlags(p.size());
    visibleFlags(f, p, p.size(), seen.data());
    Mask m((p.size() + 63) / 64, 0);
    for (size_t i = 0; i < p.size(); ++i) m[i >> 6] |= uint64_t(seen[i]) << (i & 63);
    return m;
}

size_t countAnd(const Mask &a, const Mask &b) {
    size_t n = 0;
    for (size_t i = 0; i < a.size(); ++i) n += size_t(std::popcount(a[i] & b[i]));
    return n;
}

// Uniform points in the unit ball (direction from a normalised Gaussian, radius from the cube root). The set depends
// only on (seed, count), and a session retrieves with one seed every step, so the last sets are kept per thread.
const std::vector<Vec3> &unitBallSamples(uint32_t count, uint64_t seed) {
    struct Cached {
        uint32_t count;
        uint64_t seed;
        std::vector<Vec3> points;
    };
    static thread_local std::vector<Cached> cache;
    for (const Cached &c : cache) {
        if (c.count == count && c.seed == seed) return c.points;
    }
    if (cache.size() >= 4) cache.erase(cache.begin());
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss;
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    std::vector<Vec3> points;
    points.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        float x = gauss(rng), y = gauss(rng), z = gauss(rng);
        const float len = std::max(1e-6f, std::sqrt(x * x + y * y + z * z));
        const float r = std::cbrt(unit(rng)) / len;
        points.push_back({x * r, y * r, z * r});
    }
    cache.push_back({count, seed, std::move(points)});
    return cache.back().points;
}

// Matrix-Game's reference grid: G^3 points spread over the frustum's image plane and depth range.
std::vector<Vec3> frustumGrid(const Frustum &f, uint32_t g) {
    std::vector<Vec3> points;
    points.reserve(size_t(g) * g * g);
    for (uint32_t w = 0; w < g; ++w) {
        const float z = f.nearPlane + (f.farPlane - f.nearPlane) * (float(w) + 0.5f) / float(g);
        for (uint32_t v = 0; v < g; ++v) {
            const float y = ((float(v) + 0.5f) / float(g) * 2.0f - 1.0f) * f.tanY * z;
            for (uint32_t u = 0; u < g; ++u) {
                const float x = ((float(u) + 0.5f) / float(g) * 2.0f - 1.0f) * f.tanX * z;
                Vec3 p;
                for (int a = 0; a < 3; ++a) p[a] = f.origin[a] + f.right[a] * x + f.down[a] * y + f.forward[a] * z;
                points.push_back(p);
            }
        }
    }
    return points;
}

Vec3 meanPosition(const std::vector<camera::CameraFrame> &cams) {
    Vec3 c{0, 0, 0};
    for (const auto &cam : cams) {
        for (int a = 0; a < 3; ++a) c[a] += cam.c2w[12 + a] / float(cams.size());
    }
    return c;
}

void retrieveWorldMem(const MemoryBank &bank, const std::vector<camera::CameraFrame> &upcoming, uint64_t nowFrame,
                      const RetrievalParams &params, RetrievalResult &result) {
    const Vec3 centre = meanPosition(upcoming);
    std::vector<Frustum> views;
    for (const auto &c : upcoming) views.push_back(makeFrustum(c, params));
    const float r = params.sphereRadius;
    for (const Vec3 &u : unitBallSamples(params.samples, params.seed)) {
        const Vec3 p{centre[0] + u[0] * r, centre[1] + u[1] * r, centre[2] + u[2] * r};
        if (std::any_of(views.begin(), views.end(), [&](const Frustum &f) { return f.sees(p); })) {
            result.queryPoints.push_back(p);
        }
    }
    result.pointCoveredBy.assign(result.queryPoints.size(), -1);
    if (result.queryPoints.empty()) return;
    const float total = float(result.queryPoints.size());

    std::vector<IndexRecord> expanded;
    std::vector<Candidate> candidates = gatherCandidates(bank, centre, params.sphereRadius, nowFrame, params, expanded);
    result.candidates = uint32_t(candidates.size());
    // Coarse pass: greedy selection on a 128-point subsample of the query over every candidate, plus the best
    // overall overlaps; then the exact greedy runs on that short list. Running the coarse greedy (not just ranking
    // by overlap) keeps candidates that see *different* parts of the query, which greedy coverage needs.
    const size_t stride = std::max<size_t>(1, result.queryPoints.size() / kCoarsePoints);
    const PointsSoA coarse(result.queryPoints, stride);
    if (!params.exhaustive) shortlist(candidates, coarse, params.k);
    std::vector<Mask> masks;
    masks.reserve(candidates.size());
    const PointsSoA query(result.queryPoints);
    for (const auto &c : candidates) masks.push_back(visibilityMask(c.frustum, query));

    Mask remaining((result.queryPoints.size() + 63) / 64, ~uint64_t(0));
    if (result.queryPoints.size() % 64) remaining.back() = (uint64_t(1) << (result.queryPoints.size() % 64)) - 1;
    std::vector<bool> taken(candidates.size(), false);
    for (uint32_t k = 0; k < params.k; ++k) {
        int best = -1;
        float bestScore = -INFINITY;
        size_t bestCovered = 0;
        for (size_t i = 0; i < candidates.size(); ++i) {
            if (taken[i]) continue;
            const size_t covered = countAnd(masks[i], remaining);
            if (covered == 0) continue;
            const float score = float(covered) / total - candidates[i].penalty;
            // Ties break towards the newer entry so the result does not depend on index order.
            if (score > bestScore ||
                (best >= 0 && score == bestScore && candidates[i].entry->id > candidates[size_t(best)].entry->id)) {
                best = int(i);
                bestScore = score;
                bestCovered = covered;
            }
        }
        if (best < 0) break; // nothing left that any memory sees
        taken[size_t(best)] = true;
        const Candidate &c = candidates[size_t(best)];
        size_t overlap = 0;
        for (uint64_t word : masks[size_t(best)]) overlap += size_t(std::popcount(word));
        result.picks.push_back({c.entry->id, c.entry->frameIndex, bestScore, float(overlap) / total,
                                float(bestCovered) / total, c.penalty, 0});
        for (size_t w = 0; w < remaining.size(); ++w) {
            uint64_t newly = masks[size_t(best)][w] & remaining[w];
            while (newly) {
                const int bit = std::countr_zero(newly);
                result.pointCoveredBy[w * 64 + size_t(bit)] = int32_t(result.picks.size() - 1);
                newly &= newly - 1;
            }
            remaining[w] &= ~masks[size_t(best)][w];
        }
    }
}

void retrieveMatrixGame(const MemoryBank &bank, const std::vector<camera::CameraFrame> &upcoming, uint64_t nowFrame,
                        const RetrievalParams &params, RetrievalResult &result) {
    // The ball around the references that contains every grid point: candidates are gathered once for all.
    const Vec3 centre = meanPosition(upcoming);
    float radius = 0;
    std::vector<std::vector<Vec3>> grids;
    for (const auto &cam : upcoming) {
        grids.push_back(frustumGrid(makeFrustum(cam, params), params.gridPerAxis));
        for (const Vec3 &p : grids.back()) {
            radius = std::max(radius, std::hypot(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]));
        }
    }
    std::vector<IndexRecord> expanded;
    std::vector<Candidate> candidates = gatherCandidates(bank, centre, radius, nowFrame, params, expanded);
    result.candidates = uint32_t(candidates.size());
    for (uint32_t r = 0; r < grids.size(); ++r) {
        const auto &grid = grids[r];
        const size_t firstPoint = result.queryPoints.size();
        result.queryPoints.insert(result.queryPoints.end(), grid.begin(), grid.end());
        result.pointCoveredBy.resize(result.queryPoints.size(), -1);
        // Coarse pass on every 8th grid point, exact counts for the best few (as for WorldMem).
        const PointsSoA coarse(grid, 8), exact(grid);
        std::vector<Candidate> ranked = candidates;
        for (Candidate &c : ranked) c.estimate = float(countVisible(c.frustum, coarse));
        keepBest(ranked, 16);
        int best = -1;
        size_t bestVisible = 0;
        for (size_t i = 0; i < ranked.size(); ++i) {
            const size_t visible = countVisible(ranked[i].frustum, exact);
            if (visible > bestVisible || (visible == bestVisible && visible > 0 &&
                                          ranked[i].entry->id > ranked[size_t(best)].entry->id)) {
                best = int(i);
                bestVisible = visible;
            }
        }
        if (best < 0) continue; // no memory sees this reference's frustum
        const Candidate &c = ranked[size_t(best)];
        const float fraction = float(bestVisible) / float(grid.size());
        result.picks.push_back({c.entry->id, c.entry->frameIndex, fraction, fraction, fraction, 0.0f, r});
        for (size_t i = 0; i < grid.size(); ++i) {
            if (c.frustum.sees(grid[i])) result.pointCoveredBy[firstPoint + i] = int32_t(result.picks.size() - 1);
        }
    }
}

} // namespace

const char *retrievalAlgorithmName(RetrievalAlgorithm a) {
    return a == RetrievalAlgorithm::WorldMem ? "worldmem" : "matrixgame";
}

RetrievalResult retrieve(const MemoryBank &bank, const std::vector<camera::CameraFrame> &upcoming, uint64_t nowFrame,
                         const RetrievalParams &params) {
    const auto start = std::chrono::steady_clock::now();
    RetrievalResult result;
    if (!upcoming.empty() && bank.size() > 0) {
        if (params.algorithm == RetrievalAlgorithm::WorldMem) {
            retrieveWorldMem(bank, upcoming, nowFrame, params, result);
        } else {
            retrieveMatrixGame(bank, upcoming, nowFrame, params, result);
        }
    }
    result.elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
}

float frustumOverlap(const camera::CameraFrame &a, const camera::CameraFrame &b, const RetrievalParams &params,
                     uint32_t samples) {
    const Frustum fa = makeFrustum(a, params), fb = makeFrustum(b, params);
    const uint32_t g = std::max(2u, uint32_t(std::lround(std::cbrt(double(samples)))));
    const auto points = frustumGrid(fa, g);
    size_t seen = 0;
    for (const Vec3 &p : points) seen += fb.sees(p);
    return float(seen) / float(points.size());
}

} // namespace mnemo::memory
