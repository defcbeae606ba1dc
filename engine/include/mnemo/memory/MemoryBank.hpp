#pragma once
// The world's long-horizon memory: one entry per generated frame (its index, time, camera, a thumbnail and an
// optional opaque latent a module may attach), a byte budget with an eviction policy, a spatial index for
// retrieval, and an event log (write / retrieve / evict, each with the step it happened in).
//
// Thread: not thread-safe. The pipeline's engine thread owns the bank; readers (the Memory panel) get snapshots.

#include "mnemo/core/Status.hpp"
#include "mnemo/render/Frame.hpp"
#include "mnemo/camera/Camera.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mnemo::memory {

struct MemoryEntry {
    uint64_t id = 0;            // unique within the bank, increasing
    uint64_t frameIndex = 0;
    int64_t timeUs = 0;
    uint64_t step = 0;          // the pipeline step that wrote it
    camera::CameraFrame camera;
    uint32_t thumbWidth = 0;
    uint32_t thumbHeight = 0;
    std::shared_ptr<const std::vector<uint8_t>> thumbnail; // RGBA8, thumbWidth x thumbHeight; shared with snapshots
    std::vector<uint8_t> latent;    // opaque, module-defined; may be empty
    uint32_t readCount = 0;         // how often retrieval picked it
    uint64_t lastReadStep = 0;

    std::array<float, 3> position() const { return {camera.c2w[12], camera.c2w[13], camera.c2w[14]}; }
    std::array<float, 3> forward() const { return {camera.c2w[8], camera.c2w[9], camera.c2w[10]}; }
    size_t bytes() const { return sizeof(MemoryEntry) + (thumbnail ? thumbnail->size() : 0) + latent.size(); }
};

enum class EvictionPolicy {
    KeepAll,          // never evict; the budget is reported, not enforced
    FifoWindow,       // evict the oldest entries
    CoverageThinning, // evict the entry whose view is most redundant with its neighbours (keeps places, drops repeats)
};
const char *evictionPolicyName(EvictionPolicy policy);
std::optional<EvictionPolicy> evictionPolicyFromName(const std::string &name);

struct MemoryBankConfig {
    EvictionPolicy policy = EvictionPolicy::KeepAll;
    size_t byteBudget = size_t(256) << 20;
    uint32_t thumbnailWidth = 64; // height follows the frame's aspect ratio
};

// What the spatial index keeps per entry: enough to cull and score without touching the entry itself.
struct IndexRecord {
    uint64_t id = 0;
    uint64_t frameIndex = 0;
    std::array<float, 3> position{};
    std::array<float, 3> forward{};
};

// Entries with near-identical views ("twins": the same 2-unit ground square and a forward vector in the same
// ~15-degree bin) share a group whose representative is the most recent member. A place revisited a thousand times
// costs retrieval one candidate, not a thousand: an older twin sees the same points with a larger recency penalty,
// so greedy selection would not prefer it anyway.
struct TwinGroup {
    uint64_t key = 0;
    IndexRecord latest;            // the representative
    std::vector<uint64_t> members; // entry ids, oldest first
};

enum class MemoryEventKind { Write, Retrieve, Evict };
const char *memoryEventKindName(MemoryEventKind kind);

struct MemoryEvent {
    MemoryEventKind kind = MemoryEventKind::Write;
    uint64_t step = 0;
    uint64_t entryId = 0;
    uint64_t frameIndex = 0;
    float score = 0;   // retrieve: the pick's confidence
    float covered = 0; // retrieve: fraction of the query's visible points this pick covered
};

class MemoryBank {
public:
    explicit MemoryBank(MemoryBankConfig config = {});

    // Adds a frame; downsamples `frame` into the thumbnail (if given). May evict to stay within the budget.
    uint64_t add(uint64_t frameIndex, int64_t timeUs, uint64_t step, const camera::CameraFrame &camera,
                 const Frame *frame, std::vector<uint8_t> latent = {});
    // Records that retrieval picked entries (for the timeline, read counts and the recorder).
    void recordRetrieval(uint64_t step, uint64_t entryId, float score, float covered);

    size_t size() const { return m_entries.size(); }
    size_t bytes() const { return m_bytes; }
    const MemoryBankConfig &config() const { return m_config; }
    void setConfig(const MemoryBankConfig &config); // applies the new budget/policy at once
    const std::deque<MemoryEntry> &entries() const { return m_entries; }
    const MemoryEntry *find(uint64_t id) const;
    // Twin groups whose representative camera lies within `radius` of (x, z) on the ground plane.
    void groupsNear(float x, float z, float radius, std::vector<const TwinGroup *> &out) const;
    size_t groupCount() const { return m_groupCount; }
    static IndexRecord recordOf(const MemoryEntry &e);

    const std::vector<MemoryEvent> &events() const { return m_events; }
    uint64_t evictedCount() const { return m_evicted; }
    void clear();

    // A self-contained SQLite file (entries with thumbnails and latents, and the event log).
    Status save(const std::string &path) const;
    static Result<MemoryBank> load(const std::string &path);

private:
    void enforceBudget(uint64_t step);
    void evict(size_t index, uint64_t step);
    size_t pickCoverageVictim() const;
    int64_t cellKey(float x, float z) const;
    static uint64_t twinKey(const IndexRecord &r);
    void indexInsert(const MemoryEntry &e);
    void indexErase(const MemoryEntry &e);

    MemoryBankConfig m_config;
    std::deque<MemoryEntry> m_entries; // ordered by id (oldest first), so find() is a binary search
    std::unordered_map<int64_t, std::vector<TwinGroup>> m_grid; // ground-plane cell -> twin groups in it
    size_t m_groupCount = 0;
    std::vector<MemoryEvent> m_events;
    uint64_t m_nextId = 1;
    size_t m_bytes = 0;
    uint64_t m_evicted = 0;
    float m_cellSize = 8.0f;
};

// Box-filtered RGBA8 downscale to `width` wide (height keeps the aspect ratio, at least 1).
std::vector<uint8_t> makeThumbnail(const Frame &frame, uint32_t width, uint32_t &outHeight);

} // namespace mnemo::memory
