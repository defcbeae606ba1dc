#pragma once
// Renders an edit offline: a source (video, image folder, still) through an EditChain into an encoded file, measuring
// the temporal consistency of the result against its source as it goes (metrics::WarpErrorMeter). Files never drop a
// frame: every source frame is edited and encoded, in order. Decoding and encoding run on their own threads beside the
// chain, joined by small queues that block when full, so the three overlap.

#include "mnemo/edit/EditChain.hpp"
#include "mnemo/media/VideoEncoder.hpp"
#include "mnemo/metrics/WarpError.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mnemo::edit {

struct EditRenderConfig {
    std::string input;
    std::vector<ChainLink> chain;
    std::string output; // .mkv or .mp4; empty: edit and measure without writing
    media::VideoCodec codec = media::VideoCodec::H264;
    int crf = 18; // H.264 quality, 0 (lossless) .. 51: 18 looks like the source; 23 (x264's default) costs less to encode
    uint64_t startFrame = 0; // the first source frame to edit (an in point); frames keep their source index
    uint64_t maxFrames = 0;  // 0: the whole source (from startFrame)
    uint64_t seed = 1;
    bool measureConsistency = true;
    GpuUse gpu = GpuUse::Auto; // where modules with a GPU path run
};

struct EditRenderResult {
    uint64_t frames = 0;         // source frames edited
    uint64_t framesWritten = 0;  // frames out of the chain: frames x framesPerInput
    uint32_t framesPerInput = 1; // a frame interpolator's N: the file's rate is sourceFps x N
    uint32_t width = 0, height = 0; // what was written: the chain's output (an upscaler's is larger than the source)
    double sourceFps = 0;
    double wallMs = 0;
    double decodeMs = 0, encodeMs = 0; // on their own threads: they overlap the chain
    double chainMs = 0, meterMs = 0;   // on the calling thread
    double waitMs = 0; // the calling thread blocked on the decoder or the encoder, or setting the stages up and down
    std::vector<LinkStats> links;
    double warpError = 0; // mean over frame pairs; 0 when not measured
    uint64_t warpPairs = 0;
    double gpuCopiesPerFrame = 0;   // frames moved between host and device per frame (0 on the CPU)
    double flowUploadsPerFrame = 0; // the source's flow, uploaded for GPU modules that follow it
    bool gpu = false;               // some link ran on the GPU

    double fps() const { return wallMs > 0 ? 1000.0 * double(frames) / wallMs : 0; }
    // Wall time per frame of the calling thread not spent in modules, measuring, or waiting for the decoder or the
    // encoder (whose threads run beside it): the host's own cost.
    double hostOverheadMsPerFrame() const {
        return frames ? (wallMs - chainMs - meterMs - waitMs) / double(frames) : 0;
    }
};

// `progress(framesDone, framesExpected)`, in source frames, is called after each source frame (expected is 0 when
// unknown); returning false cancels the render (the file written so far stays playable). Thread: any (blocks).
Result<EditRenderResult> renderEdit(modules::ModuleEnvironment &env, const EditRenderConfig &config,
                                    const std::function<bool(uint64_t, uint64_t)> &progress = {});

} // namespace mnemo::edit
