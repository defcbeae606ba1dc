#pragma once
// Exports a recorded session as a training dataset: frames as PNGs plus frames.jsonl with each frame's camera,
// controller action (MIND-style ws/ad axes) and prompt, and meta.json. Format: docs/dataset-format.md.

#include "mnemo/core/Status.hpp"

#include <functional>
#include <string>

namespace mnemo::session {

struct ExportReport {
    uint64_t frames = 0;          // exported
    uint64_t rows = 0;            // frame rows in the database
    uint64_t videoFrames = 0;     // frames in the video
    uint64_t videoFramesWithoutRow = 0; // skipped: the crash came between the video and its row
};

// Thread: any (blocks). `progress(done, total)` is called now and then, on the calling thread; may be empty.
Result<ExportReport> exportDataset(const std::string &sessionFolder, const std::string &outFolder,
                                   const std::function<void(uint64_t, uint64_t)> &progress = {});

} // namespace mnemo::session
