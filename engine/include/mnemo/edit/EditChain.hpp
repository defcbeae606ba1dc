#pragma once
// A chain of edit modules applied in order to a stream of frames (CPU frames, the ABI's edit_process). Each link
// is one module instance with its parameters; a bypassed link passes frames through untouched.
//
// Chunked modules (chunk_frames > 1, as streaming video-to-video models are) get their frames in chunks: a link holds
// frames until it has a chunk, so the chain's output lags its input by the sum of (chunk - 1) over its links, and
// flush() drains what is held at the end of the stream (the last chunk padded with its final frame, the padding's
// outputs dropped). Frames keep their index through the chain.
//
// Modules that follow the source's motion (a temporal stabilizer: wantsSourceFlow) get the chain's source frames and
// the source's backward optical flow with their input; the chain measures that flow once per frame, and only when
// such a module is in it.
// Thread: one owner at a time (module instances have one owner).

#include "mnemo/edit/ParamAutomation.hpp"
#include "mnemo/metrics/WarpError.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/modules/ModuleInstance.hpp"

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace mnemo::edit {

struct ChainLink {
    std::string moduleId;
    modules::ParamValues params;
    bool bypass = false;
    // Values as written, for text parameters (color's `lut`, a file path). EditChain::create, which knows each
    // parameter's declared type, decides: a text parameter takes its entry here as is (a number in `params` is an
    // error); a numeric one takes `params`, or else its entry here read as a number ("'abc' is not a number").
    // parseChain does not know the types, so it records here the spelling of every value, numbers included (a LUT
    // named "2024" stays "2024", not 2024.0), and puts the numbers in `params` too. Text values are set right after
    // the instance is created and before its reset: reset starts the stream, and the whole stream has that look.
    std::map<std::string, std::string> textParams;
    // Values that change over the stream (a camera path on the virtual-camera link): evaluated at the first frame of
    // each chunk; those that differ from the link's current values are set before the module runs. Null: none.
    std::shared_ptr<const ParamAutomation> automation;
};

// "color,stylize" with "color.exposure=0.5"-style parameters: the CLI's and the tests' way to write a chain. A value
// that is not a number is kept as text (see ChainLink::textParams); EditChain::create checks it against the module.
Result<std::vector<ChainLink>> parseChain(const std::string &modules, const std::vector<std::string> &params);

// Where modules with a GPU path run. Auto and Always: on the GPU wherever the host has a Vulkan device, a CPU
// implementation (lavapipe) included: the driver spreads a dispatch over every core, and the built-in shaders read their
// tables the way it vectorizes, so they beat the single-threaded C paths there too (bench edit, 2026-12-03). Auto stays
// a separate choice so saved sessions keep meaning "whatever is fastest here" if a device ever measures otherwise.
enum class GpuUse { Auto, Always, Never };
const char *gpuUseName(GpuUse use); // "auto", "on", "off"
std::optional<GpuUse> gpuUseFromName(const std::string &name);

struct LinkStats {
    std::string moduleId;
    uint64_t frames = 0;
    double totalMs = 0; // time inside edit_process
};

using FramePtr = std::shared_ptr<const Frame>;

class GpuStage;

class EditChain {
public:
    // Every module must be a loaded edit module; the first is created for width x height, each next one for what the
    // one before it writes, and each is reset with `seed`. A module that follows the source's motion must come before
    // any link that resizes (it compares frames with the source, pixel for pixel).
    // With a Vulkan device (and `gpu` allowing it), links whose module has a GPU path run on the device and frames
    // stay there between them (see usesGpu()); chunked, resizing or interpolating links keep the whole chain on the
    // CPU. A module that follows the source's motion must also come before any link that interpolates.
    static Result<std::unique_ptr<EditChain>> create(modules::ModuleEnvironment &env,
                                                     const std::vector<ChainLink> &links, uint32_t width,
                                                     uint32_t height, uint64_t seed = 1, GpuUse gpu = GpuUse::Auto);
    // The same from a registry alone (its host's device is the chain's): what the World pipeline has.
    static Result<std::unique_ptr<EditChain>> create(modules::ModuleRegistry &registry,
                                                     const std::vector<ChainLink> &links, uint32_t width,
                                                     uint32_t height, uint64_t seed = 1, GpuUse gpu = GpuUse::Auto);
    ~EditChain();

    // One frame in; the frames the chain finished, in order (none while a chunked link fills its chunk).
    Result<std::vector<FramePtr>> push(FramePtr frame);
    // The end of the stream: everything still held, in order.
    Result<std::vector<FramePtr>> flush();

    // A run-time parameter of link `link`, from the next frame it processes. Load-time parameters need a new chain.
    Status setParam(size_t link, const std::string &name, double value);
    // Replaces link `link`'s automation (a camera path) from the next frame it processes; null removes it.
    Status setAutomation(size_t link, std::shared_ptr<const ParamAutomation> automation);

    std::vector<LinkStats> stats() const;
    // The links as they stand now (run-time parameter changes included): what a new chain starts from.
    std::vector<ChainLink> specs() const;
    size_t linkCount() const { return m_links.size(); }
    // True when some link runs on the GPU. Frames moved between host memory and the device (uploads + readbacks) per
    // frame pushed: 2 for a chain of GPU modules, more where a CPU module sits between them, 0 on the CPU.
    bool usesGpu() const { return m_gpu != nullptr; }
    double gpuCopiesPerFrame() const;
    double flowUploadsPerFrame() const;
    // The size of the frames pushed in, and of those that come out (larger after an upscaler: a link whose module
    // resizes, ModuleInstance::outputWidth; a bypassed link keeps the size).
    uint32_t width() const { return m_width; }
    uint32_t height() const { return m_height; }
    uint32_t outputWidth() const { return m_outWidth; }
    uint32_t outputHeight() const { return m_outHeight; }
    // Frames out per frame in: the product of the links' ModuleInstance::framesPerInput (a frame interpolator's N).
    // The outputs of source frame t keep its index and come in order, the last part being t itself (Frame::part).
    uint32_t framesPerInput() const { return m_framesPerInput; }
    static constexpr uint32_t kMaxFramesPerInput = 64; // nested interpolators multiply: a bound on the product
    // Link `link`'s own (1 for a bypassed link) and whether it holds frames for a chunk.
    uint32_t linkFramesPerInput(size_t link) const;
    bool linkIsChunked(size_t link) const;

private:
    struct Link;
    EditChain(uint32_t width, uint32_t height);
    Result<std::vector<FramePtr>> feed(size_t link, std::vector<FramePtr> frames, bool flushing);
    Result<std::vector<FramePtr>> process(Link &link, size_t realFrames);
    Status rememberSource(const FramePtr &frame);
    Status automate(Link &link, uint64_t frame);
    void chooseGpu(gpu::VulkanContext *vulkan, GpuUse gpu);
    Result<FramePtr> runMixed(const FramePtr &frame); // the GPU path, one frame (all links have chunk 1)
    struct GpuCursor;
    Status runOnGpu(Link &link, const FramePtr &source, GpuCursor &cursor);
    Status runOnCpu(Link &link, GpuCursor &cursor);
    void forgetSourcesUpTo(const std::vector<FramePtr> &done);

    // The source frame and its backward flow (empty for the first), by frame index, while a link still needs them.
    struct SourceRecord {
        FramePtr frame;
        std::vector<float> flow;
    };

    uint32_t m_width, m_height;
    uint32_t m_outWidth, m_outHeight;
    uint32_t m_framesPerInput = 1;
    std::vector<std::unique_ptr<Link>> m_links;
    bool m_needsFlow = false;
    std::unique_ptr<metrics::FlowEstimator> m_flow;
    std::map<uint64_t, SourceRecord> m_sources;
    FramePtr m_previousSource;
    std::unique_ptr<GpuStage> m_gpu;
    uint64_t m_framesPushed = 0;
};

} // namespace mnemo::edit
