#pragma once
// A read-only picture of the memory bank after one step, for the UI: every entry's pose, thumbnail and read
// statistics, the last retrieval (with its query points and picks), recent events, and the budget. The engine
// thread publishes a new snapshot each step; the UI keeps the newest. Thumbnails are shared, not copied.

#include "mnemo/memory/Retrieval.hpp"

#include <memory>
#include <vector>

namespace mnemo::memory {

struct MemorySnapshot {
    struct Entry {
        uint64_t id = 0;
        uint64_t frameIndex = 0;
        uint64_t step = 0;       // written in
        float x = 0, y = 0, z = 0;
        float yawDeg = 0;        // heading on the ground plane: 0 = +z, positive turns right (towards -x)
        float pitchDeg = 0;
        uint32_t readCount = 0;
        uint64_t lastReadStep = 0;
        uint32_t thumbWidth = 0, thumbHeight = 0;
        std::shared_ptr<const std::vector<uint8_t>> thumbnail; // RGBA8, may be null
    };

    uint64_t step = 0;                  // the step this snapshot describes
    std::vector<Entry> entries;         // oldest first
    RetrievalResult lastRetrieval;      // for the current frame (picks refer to entry ids)
    RetrievalParams retrievalParams;    // what produced it (FOV for drawing cones)
    bool hasCamera = false;
    camera::CameraFrame currentCamera;   // the camera of the newest frame
    std::vector<MemoryEvent> recentEvents; // newest last, at most a few thousand
    size_t bytes = 0;
    size_t byteBudget = 0;
    EvictionPolicy policy = EvictionPolicy::KeepAll;
    uint64_t evicted = 0;

    const Entry *find(uint64_t id) const; // binary search (entries are ordered by id)
};

// Builds a snapshot of `bank` with the last retrieval. `maxEvents` bounds recentEvents.
std::shared_ptr<const MemorySnapshot> makeSnapshot(const MemoryBank &bank, uint64_t step,
                                                   const RetrievalResult &retrieval, const RetrievalParams &params,
                                                   const camera::CameraFrame *currentCamera, size_t maxEvents = 4000);

// Heading and pitch of a camera-to-world matrix, in the integrator's conventions.
void cameraAngles(const camera::CameraFrame &camera, float &yawDeg, float &pitchDeg);

} // namespace mnemo::memory
