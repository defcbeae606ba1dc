#pragma once
// The per-frame records of an edit player (warp error, time per link), kept so that a reader's snapshot is cheap:
// records sit in chunks of kChunk consecutive frame indices, a copy of the store shares the chunks (it copies
// pointers, not records), and the writer clones a chunk only when a copy has been taken since it last wrote there.
// So the UI's 10 Hz snapshot of a long live run copies about size() / 1024 pointers, and the player's lock is held
// that briefly. Copies are taken under the writer's lock (EditPlayer's mutex); a copy is then read-only and may be
// read on any thread.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace mnemo::edit {

struct FrameRecord {
    uint64_t index = 0;
    double warpError = -1;      // against the previous frame; -1: none (first frame after a start, seek or drop)
    std::vector<float> linkMs;  // time per link for this frame (0 for a bypassed link)
};

class FrameRecords {
public:
    static constexpr uint64_t kChunk = 1024;

    FrameRecords() = default;
    FrameRecords(const FrameRecords &other);            // a snapshot: shares the chunks
    FrameRecords &operator=(const FrameRecords &other);
    FrameRecords(FrameRecords &&) noexcept = default;
    FrameRecords &operator=(FrameRecords &&) noexcept = default;

    void put(FrameRecord record);         // adds, or replaces the record of the same frame index
    void keepNewest(size_t maxRecords);   // drops whole chunks, oldest first, while maxRecords would still remain
    void clear();

    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    std::optional<uint64_t> lastIndex() const;
    // The records with from <= index < to, in index order; the pointers live as long as this store is not written.
    std::vector<const FrameRecord *> range(uint64_t from, uint64_t to) const;

private:
    struct Chunk {
        uint64_t epoch = 0;               // the store's epoch when the writer last made it its own
        std::vector<FrameRecord> records; // sorted by index
    };
    Chunk &writable(uint64_t chunk);

    std::map<uint64_t, std::shared_ptr<Chunk>> m_chunks; // index / kChunk -> chunk
    size_t m_size = 0;
    mutable uint64_t m_epoch = 0; // bumped by every copy taken: chunks from an older epoch may be shared
};

} // namespace mnemo::edit
