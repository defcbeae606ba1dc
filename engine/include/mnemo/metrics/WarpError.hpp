#pragma once
// Temporal consistency of an edited video: the warp error of the StreamV2V / StreamDiffusionV2 evaluation tools, with
// OpenCV's DIS optical flow in place of RAFT (no hub weights here). Lower is steadier; 0 means the edit moves exactly
// as the source does.
//
// For each pair of consecutive frames t, t+1 (docs/consistency.md has the derivation):
//   1. Flow is measured on the SOURCE frames (luma): forward F = flow(t -> t+1) and backward B = flow(t+1 -> t).
//   2. A pixel p of frame t+1 is occluded when forward and backward flow disagree there (UnFlow's test):
//      |B(p) + F(p + B(p))|^2 > 0.01 (|B(p)|^2 + |F(p + B(p))|^2) + 0.5
//   3. The EDITED frame t is warped into t+1 with the backward flow: W(p) = edited_t(p + B(p)) (bilinear).
//   4. The error is the mean absolute difference |edited_t+1(p) - W(p)| over the RGB channels (0-255), over the
//      pixels of t+1 that are not occluded. Warp and mask live in the same (t+1) coordinates.
// Frames must have the same size across the pair and between source and edit.

#include "mnemo/core/Status.hpp"
#include "mnemo/render/Frame.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace mnemo::metrics {

enum class FlowQuality { UltraFast, Fast, Medium }; // DIS presets: ~2, ~5, ~20 ms per 640x360 flow on 2 CPU cores

struct WarpErrorPair {
    double error = 0;             // mean absolute error, 0-255, over non-occluded pixels
    double occludedFraction = 0;  // pixels left out by the occlusion test
    double ms = 0;                // time to measure this pair (both flows, mask, warp, error)
};

// Feeds frame pairs in order; keeps the previous source and edited frame and the flow engine between calls.
// Thread: one owner at a time.
class WarpErrorMeter {
public:
    explicit WarpErrorMeter(FlowQuality quality = FlowQuality::Fast);
    ~WarpErrorMeter();
    WarpErrorMeter(const WarpErrorMeter &) = delete;
    WarpErrorMeter &operator=(const WarpErrorMeter &) = delete;

    // The pair (previous, this) once there is a previous frame; nothing for the first frame. Errors on size
    // mismatches between source frames (naming both sizes) and on empty frames. An edited frame of another size than
    // its source (an upscaler's) is measured area-averaged to the source's size.
    Result<std::optional<WarpErrorPair>> push(const Frame &source, const Frame &edited);
    void reset();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The backward dense flow of a stream, frame by frame (DIS on luma): for each pixel p of `current`, where it came
// from in `previous` is p + (xy[2i], xy[2i+1]), i = y * width + x. What edit modules that follow the source's motion
// get through the ABI (mnemo_flow). Thread: one owner at a time.
class FlowEstimator {
public:
    explicit FlowEstimator(FlowQuality quality = FlowQuality::Fast);
    ~FlowEstimator();
    FlowEstimator(const FlowEstimator &) = delete;
    FlowEstimator &operator=(const FlowEstimator &) = delete;
    Result<std::vector<float>> backward(const Frame &previous, const Frame &current);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// One pair on its own (tests, tools).
Result<WarpErrorPair> warpError(const Frame &sourceT, const Frame &sourceT1, const Frame &editedT,
                                const Frame &editedT1, FlowQuality quality = FlowQuality::Fast);

} // namespace mnemo::metrics
