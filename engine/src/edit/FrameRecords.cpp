#include "mnemo/edit/FrameRecords.hpp"

#include <algorithm>

namespace mnemo::edit {

// Both sides move past every epoch their chunks carry, so each clones a shared chunk before its first write to it.
FrameRecords::FrameRecords(const FrameRecords &other) : m_chunks(other.m_chunks), m_size(other.m_size) {
    m_epoch = ++other.m_epoch;
}

FrameRecords &FrameRecords::operator=(const FrameRecords &other) {
    if (this != &other) {
        m_chunks = other.m_chunks;
        m_size = other.m_size;
        ++other.m_epoch;
        m_epoch = std::max(m_epoch + 1, other.m_epoch);
    }
    return *this;
}

FrameRecords::Chunk &FrameRecords::writable(uint64_t chunk) {
    std::shared_ptr<Chunk> &slot = m_chunks[chunk];
    if (!slot) {
        slot = std::make_shared<Chunk>();
    } else if (slot->epoch != m_epoch) {
        slot = std::make_shared<Chunk>(*slot); // a copy may hold the old one: leave it as it was
    }
    slot->epoch = m_epoch;
    return *slot;
}

void FrameRecords::put(FrameRecord record) {
    auto &records = writable(record.index / kChunk).records;
    const auto at = std::lower_bound(records.begin(), records.end(), record.index,
                                     [](const FrameRecord &r, uint64_t index) { return r.index < index; });
    if (at != records.end() && at->index == record.index) {
        *at = std::move(record);
    } else {
        records.insert(at, std::move(record));
        ++m_size;
    }
}

void FrameRecords::keepNewest(size_t maxRecords) {
    while (!m_chunks.empty() && m_size - m_chunks.begin()->second->records.size() >= maxRecords) {
        m_size -= m_chunks.begin()->second->records.size();
        m_chunks.erase(m_chunks.begin());
    }
}

void FrameRecords::clear() {
    m_chunks.clear();
    m_size = 0;
}

std::optional<uint64_t> FrameRecords::lastIndex() const {
    for (auto it = m_chunks.rbegin(); it != m_chunks.rend(); ++it) {
        if (!it->second->records.empty()) return it->second->records.back().index;
    }
    return std::nullopt;
}

std::vector<const FrameRecord *> FrameRecords::range(uint64_t from, uint64_t to) const {
    std::vector<const FrameRecord *> out;
    if (from >= to) return out;
    for (auto it = m_chunks.lower_bound(from / kChunk); it != m_chunks.end() && it->first * kChunk < to; ++it) {
        for (const FrameRecord &r : it->second->records) {
            if (r.index >= from && r.index < to) out.push_back(&r);
        }
    }
    return out;
}

} // namespace mnemo::edit
