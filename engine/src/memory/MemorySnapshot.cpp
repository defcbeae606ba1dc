#include "mnemo/memory/MemorySnapshot.hpp"

#include <algorithm>
#include <cmath>

namespace mnemo::memory {

void cameraAngles(const camera::CameraFrame &camera, float &yawDeg, float &pitchDeg) {
    constexpr float kRad = 180.0f / 3.14159265358979f;
    const float fx = camera.c2w[8], fy = camera.c2w[9], fz = camera.c2w[10];
    yawDeg = std::atan2(-fx, fz) * kRad;
    pitchDeg = std::asin(std::clamp(fy, -1.0f, 1.0f)) * kRad;
}

const MemorySnapshot::Entry *MemorySnapshot::find(uint64_t id) const {
    auto it = std::lower_bound(entries.begin(), entries.end(), id, [](const Entry &e, uint64_t v) { return e.id < v; });
    return it != entries.end() && it->id == id ? &*it : nullptr;
}

std::shared_ptr<const MemorySnapshot> makeSnapshot(const MemoryBank &bank, uint64_t step,
                                                   const RetrievalResult &retrieval, const RetrievalParams &params,
                                                   const camera::CameraFrame *currentCamera, size_t maxEvents) {
    auto snap = std::make_shared<MemorySnapshot>();
    snap->step = step;
    snap->entries.reserve(bank.size());
    for (const MemoryEntry &e : bank.entries()) {
        MemorySnapshot::Entry s;
        s.id = e.id;
        s.frameIndex = e.frameIndex;
        s.step = e.step;
        const auto p = e.position();
        s.x = p[0];
        s.y = p[1];
        s.z = p[2];
        cameraAngles(e.camera, s.yawDeg, s.pitchDeg);
        s.readCount = e.readCount;
        s.lastReadStep = e.lastReadStep;
        s.thumbWidth = e.thumbWidth;
        s.thumbHeight = e.thumbHeight;
        s.thumbnail = e.thumbnail;
        snap->entries.push_back(std::move(s));
    }
    snap->lastRetrieval = retrieval;
    snap->retrievalParams = params;
    if (currentCamera) {
        snap->hasCamera = true;
        snap->currentCamera = *currentCamera;
    }
    const auto &events = bank.events();
    const size_t first = events.size() > maxEvents ? events.size() - maxEvents : 0;
    snap->recentEvents.assign(events.begin() + long(first), events.end());
    snap->bytes = bank.bytes();
    snap->byteBudget = bank.config().byteBudget;
    snap->policy = bank.config().policy;
    snap->evicted = bank.evictedCount();
    return snap;
}

} // namespace mnemo::memory
