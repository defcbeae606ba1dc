#include "mnemo/memory/MemoryBank.hpp"

#include <algorithm>
#include <cmath>

namespace mnemo::memory {

namespace {
// floor(v) as an integer, clamped far outside any world's extent: a loaded bank can hold any float (a huge or
// non-finite position), and converting such a value to an integer is undefined behaviour.
int64_t floorToCell(float v) {
    constexpr double kLimit = double(int64_t(1) << 40);
    const double f = std::floor(double(v));
    if (!(f > -kLimit)) return -(int64_t(1) << 40); // also NaN
    if (f > kLimit) return int64_t(1) << 40;
    return int64_t(f);
}
} // namespace

const char *evictionPolicyName(EvictionPolicy policy) {
    switch (policy) {
    case EvictionPolicy::KeepAll: return "keep-all";
    case EvictionPolicy::FifoWindow: return "fifo";
    case EvictionPolicy::CoverageThinning: return "coverage";
    }
    return "?";
}

std::optional<EvictionPolicy> evictionPolicyFromName(const std::string &name) {
    for (auto p : {EvictionPolicy::KeepAll, EvictionPolicy::FifoWindow, EvictionPolicy::CoverageThinning}) {
        if (name == evictionPolicyName(p)) return p;
    }
    return std::nullopt;
}

const char *memoryEventKindName(MemoryEventKind kind) {
    switch (kind) {
    case MemoryEventKind::Write: return "write";
    case MemoryEventKind::Retrieve: return "retrieve";
    case MemoryEventKind::Evict: return "evict";
    }
    return "?";
}

std::vector<uint8_t> makeThumbnail(const Frame &frame, uint32_t width, uint32_t &outHeight) {
    outHeight = 0;
    if (frame.width == 0 || frame.height == 0 || width == 0) return {};
    width = std::min(width, frame.width);
    const uint32_t height = std::max(1u, uint32_t(std::lround(double(frame.height) * width / frame.width)));
    std::vector<uint8_t> out(size_t(width) * height * 4);
    // Each thumbnail pixel averages a 4x4 grid of samples spread over its footprint: close to a box filter for
    // thumbnails, at a fixed cost per thumbnail pixel (this runs once per generated frame, on the engine thread).
    constexpr uint32_t kTaps = 4;
    for (uint32_t ty = 0; ty < height; ++ty) {
        for (uint32_t tx = 0; tx < width; ++tx) {
            uint32_t sum[4] = {0, 0, 0, 0};
            for (uint32_t sy = 0; sy < kTaps; ++sy) {
                const uint32_t y = std::min(frame.height - 1, (ty * kTaps + sy) * frame.height / (height * kTaps));
                for (uint32_t sx = 0; sx < kTaps; ++sx) {
                    const uint32_t x = std::min(frame.width - 1, (tx * kTaps + sx) * frame.width / (width * kTaps));
                    const uint8_t *px = frame.rgba.data() + (size_t(y) * frame.width + x) * 4;
                    for (int c = 0; c < 4; ++c) sum[c] += px[c];
                }
            }
            uint8_t *dst = out.data() + (size_t(ty) * width + tx) * 4;
            for (int c = 0; c < 4; ++c) dst[c] = uint8_t(sum[c] / (kTaps * kTaps));
        }
    }
    outHeight = height;
    return out;
}

MemoryBank::MemoryBank(MemoryBankConfig config) : m_config(config) {}

int64_t MemoryBank::cellKey(float x, float z) const {
    const int64_t cx = floorToCell(x / m_cellSize);
    const int64_t cz = floorToCell(z / m_cellSize);
    return (cx << 32) ^ (cz & 0xffffffff);
}

IndexRecord MemoryBank::recordOf(const MemoryEntry &e) { return {e.id, e.frameIndex, e.position(), e.forward()}; }

uint64_t MemoryBank::twinKey(const IndexRecord &r) {
    auto q = [](float v, float scale) { return uint64_t(floorToCell(v * scale) & 0x3FFF); };
    return (q(r.position[0], 0.5f) << 50) ^ (q(r.position[2], 0.5f) << 36) ^ (q(r.forward[0], 4.0f) << 24) ^
           (q(r.forward[1], 4.0f) << 12) ^ q(r.forward[2], 4.0f);
}

void MemoryBank::indexInsert(const MemoryEntry &e) {
    const IndexRecord r = recordOf(e);
    const uint64_t key = twinKey(r);
    auto &groups = m_grid[cellKey(r.position[0], r.position[2])];
    for (TwinGroup &g : groups) {
        if (g.key == key) {
            g.members.push_back(e.id);
            if (r.frameIndex >= g.latest.frameIndex) g.latest = r;
            return;
        }
    }
    groups.push_back({key, r, {e.id}});
    ++m_groupCount;
}

void MemoryBank::indexErase(const MemoryEntry &e) {
    const IndexRecord r = recordOf(e);
    auto cell = m_grid.find(cellKey(r.position[0], r.position[2]));
    if (cell == m_grid.end()) return;
    const uint64_t key = twinKey(r);
    auto &groups = cell->second;
    for (size_t i = 0; i < groups.size(); ++i) {
        TwinGroup &g = groups[i];
        if (g.key != key) continue;
        g.members.erase(std::remove(g.members.begin(), g.members.end(), e.id), g.members.end());
        if (g.members.empty()) {
            groups.erase(groups.begin() + long(i));
            --m_groupCount;
        } else if (g.latest.id == e.id) {
            // The representative left: the newest remaining member takes over.
            g.latest = {};
            for (uint64_t id : g.members) {
                const MemoryEntry *m = find(id);
                if (m && m->id != e.id && m->frameIndex >= g.latest.frameIndex) g.latest = recordOf(*m);
            }
        }
        break;
    }
    if (groups.empty()) m_grid.erase(cell);
}

uint64_t MemoryBank::add(uint64_t frameIndex, int64_t timeUs, uint64_t step, const camera::CameraFrame &camera,
                         const Frame *frame, std::vector<uint8_t> latent) {
    MemoryEntry e;
    e.id = m_nextId++;
    e.frameIndex = frameIndex;
    e.timeUs = timeUs;
    e.step = step;
    e.camera = camera;
    if (frame && m_config.thumbnailWidth > 0) {
        e.thumbnail = std::make_shared<const std::vector<uint8_t>>(makeThumbnail(*frame, m_config.thumbnailWidth,
                                                                                 e.thumbHeight));
        e.thumbWidth = e.thumbHeight ? std::min(m_config.thumbnailWidth, frame->width) : 0;
    }
    e.latent = std::move(latent);
    m_bytes += e.bytes();
    indexInsert(e);
    m_events.push_back({MemoryEventKind::Write, step, e.id, frameIndex, 0, 0});
    m_entries.push_back(std::move(e));
    const uint64_t id = m_entries.back().id;
    enforceBudget(step);
    return id;
}

void MemoryBank::recordRetrieval(uint64_t step, uint64_t entryId, float score, float covered) {
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), entryId,
                               [](const MemoryEntry &e, uint64_t id) { return e.id < id; });
    if (it == m_entries.end() || it->id != entryId) return;
    ++it->readCount;
    it->lastReadStep = step;
    m_events.push_back({MemoryEventKind::Retrieve, step, entryId, it->frameIndex, score, covered});
}

const MemoryEntry *MemoryBank::find(uint64_t id) const {
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), id,
                               [](const MemoryEntry &e, uint64_t v) { return e.id < v; });
    return it != m_entries.end() && it->id == id ? &*it : nullptr;
}

void MemoryBank::groupsNear(float x, float z, float radius, std::vector<const TwinGroup *> &out) const {
    out.clear();
    const int64_t c0x = int64_t(std::floor((x - radius) / m_cellSize)), c1x = int64_t(std::floor((x + radius) / m_cellSize));
    const int64_t c0z = int64_t(std::floor((z - radius) / m_cellSize)), c1z = int64_t(std::floor((z + radius) / m_cellSize));
    const float r2 = radius * radius;
    for (int64_t cx = c0x; cx <= c1x; ++cx) {
        for (int64_t cz = c0z; cz <= c1z; ++cz) {
            auto it = m_grid.find((cx << 32) ^ (cz & 0xffffffff));
            if (it == m_grid.end()) continue;
            for (const TwinGroup &g : it->second) {
                const float dx = g.latest.position[0] - x, dz = g.latest.position[2] - z;
                if (dx * dx + dz * dz <= r2) out.push_back(&g);
            }
        }
    }
}

void MemoryBank::setConfig(const MemoryBankConfig &config) {
    m_config = config;
    enforceBudget(m_events.empty() ? 0 : m_events.back().step);
}

void MemoryBank::clear() {
    m_entries.clear();
    m_grid.clear();
    m_groupCount = 0;
    m_events.clear();
    m_bytes = 0;
    m_evicted = 0;
}

void MemoryBank::evict(size_t index, uint64_t step) {
    const MemoryEntry &e = m_entries[index];
    m_events.push_back({MemoryEventKind::Evict, step, e.id, e.frameIndex, 0, 0});
    indexErase(e);
    m_bytes -= e.bytes();
    m_entries.erase(m_entries.begin() + long(index));
    ++m_evicted;
}

void MemoryBank::enforceBudget(uint64_t step) {
    if (m_config.policy == EvictionPolicy::KeepAll) return;
    while (m_bytes > m_config.byteBudget && m_entries.size() > 1) {
        evict(m_config.policy == EvictionPolicy::FifoWindow ? 0 : pickCoverageVictim(), step);
    }
}

// Coverage-preserving thinning: drop a repeated view rather than the oldest place. The twin groups of the index
// already know which views repeat most, so the victim is the oldest member of the largest group.
size_t MemoryBank::pickCoverageVictim() const {
    const TwinGroup *largest = nullptr;
    for (const auto &[key, groups] : m_grid) {
        for (const TwinGroup &g : groups) {
            if (!largest || g.members.size() > largest->members.size()) largest = &g;
        }
    }
    // Every view is unique: nothing is redundant, so the oldest goes.
    if (!largest || largest->members.size() < 2) return 0;
    // The oldest member of the most repeated view: the place keeps its newer views.
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), largest->members.front(),
                               [](const MemoryEntry &e, uint64_t id) { return e.id < id; });
    return size_t(it - m_entries.begin());
}

} // namespace mnemo::memory
