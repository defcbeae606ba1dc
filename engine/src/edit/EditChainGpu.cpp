// The chain's GPU path: links whose module has a GPU path edit frames in device buffers, so a run of them costs one
// upload before the first and one readback after the last; a CPU link between GPU links costs a readback and an
// upload. Every frame is submitted and waited for before the next (modules rely on it: see mnemo_gpu_edit_input).
#include "EditChainLink.hpp"
#include "GpuStage.hpp"

#include "mnemo/modules/ModuleEnvironment.hpp"

#include <chrono>

namespace mnemo::edit {

// Where the frame being edited is: on the host (frame) or on the device (slot).
struct EditChain::GpuCursor {
    FramePtr frame;
    std::optional<GpuStage::Slot> slot;
    std::optional<GpuStage::Slot> source; // the source frame on the device, once uploaded
    std::vector<LinkStats *> pending;     // GPU links recorded since the last submission (for their time)
};

namespace {

// The submission's wall time, shared by the GPU links in it: in proportion to each link's own device time where the
// queue timed them (`spans`, one per link), evenly otherwise. The links' times then add up to what the chain waited,
// copies and submission included, and still rank the modules by what they cost.
void chargeSubmission(std::vector<LinkStats *> &links, double ms, const std::vector<double> &spans) {
    double timed = 0;
    for (double span : spans) timed += span;
    const bool proportional = spans.size() == links.size() && timed > 0;
    for (size_t i = 0; i < links.size(); ++i) {
        links[i]->totalMs += proportional ? ms * spans[i] / timed : ms / double(links.size());
    }
    links.clear();
}

} // namespace

const char *gpuUseName(GpuUse use) {
    switch (use) {
    case GpuUse::Auto: return "auto";
    case GpuUse::Always: return "on";
    case GpuUse::Never: return "off";
    }
    return "auto";
}

std::optional<GpuUse> gpuUseFromName(const std::string &name) {
    for (GpuUse use : {GpuUse::Auto, GpuUse::Always, GpuUse::Never}) {
        if (name == gpuUseName(use)) return use;
    }
    return std::nullopt;
}

void EditChain::chooseGpu(gpu::VulkanContext *vulkan, GpuUse gpu) {
    if (gpu == GpuUse::Never || !vulkan) return;
    bool anyGpu = false;
    for (const auto &link : m_links) {
        if (link->chunk != 1) return; // chunks are held across pushes: the CPU path does that
        if (!link->spec.bypass && link->instance->resizes()) return; // the stage's slots are one size
        if (!link->spec.bypass && link->instance->framesPerInput() > 1) return; // and one frame per push
        anyGpu = anyGpu || (!link->spec.bypass && link->instance->hasGpuPath());
    }
    if (!anyGpu) return;
    auto stage = GpuStage::create(*vulkan, m_width, m_height);
    if (stage.ok()) m_gpu = std::move(stage.value());
}

double EditChain::gpuCopiesPerFrame() const {
    return m_gpu && m_framesPushed ? double(m_gpu->framesMoved()) / double(m_framesPushed) : 0.0;
}

double EditChain::flowUploadsPerFrame() const {
    return m_gpu && m_framesPushed ? double(m_gpu->flowUploads()) / double(m_framesPushed) : 0.0;
}

Result<FramePtr> EditChain::runMixed(const FramePtr &frame) {
    m_gpu->beginFrame();
    GpuCursor cursor{frame, std::nullopt, std::nullopt, {}};
    for (const auto &owned : m_links) {
        Link &link = *owned;
        if (link.spec.bypass) continue;
        if (Status s = automate(link, frame->index); !s.ok()) return s;
        const Status s = link.instance->hasGpuPath() ? runOnGpu(link, frame, cursor) : runOnCpu(link, cursor);
        if (!s.ok()) return s;
    }
    if (!cursor.slot) return cursor.frame;
    auto back = m_gpu->readback(*cursor.slot, *frame);
    chargeSubmission(cursor.pending, m_gpu->lastSubmitMs(), m_gpu->lastSpansMs());
    if (!back.ok()) return back.status();
    return FramePtr(back.value());
}

Status EditChain::runOnGpu(Link &link, const FramePtr &source, GpuCursor &cursor) {
    if (!cursor.slot) {
        auto up = m_gpu->upload(*cursor.frame);
        if (!up.ok()) return up.status();
        if (cursor.frame == source) cursor.source = up.value(); // the source itself: the upload serves both
        cursor.slot = up.value();
    }
    modules::ModuleInstance::GpuSource gpuSource;
    if (link.instance->module().wantsSourceFlow) {
        if (!cursor.source) {
            auto up = m_gpu->upload(*source);
            if (!up.ok()) return up.status();
            cursor.source = up.value();
        }
        auto flow = m_gpu->flow(m_sources.at(source->index).flow);
        if (!flow.ok()) return flow.status();
        gpuSource = {{*cursor.source}, {flow.value()}};
    }
    auto out = m_gpu->newSlot(source->index);
    if (!out.ok()) return out.status();
    const GpuStage::Slot in = *cursor.slot, to = out.value();
    modules::ModuleInstance *instance = link.instance.get();
    m_gpu->recordTimed([instance, in, to, gpuSource](VkCommandBuffer cmd) {
        return instance->editProcessGpu(cmd, {in}, {to}, &gpuSource);
    });
    cursor.slot = to;
    cursor.pending.push_back(&link.stats);
    link.stats.frames += 1;
    return {};
}

Status EditChain::runOnCpu(Link &link, GpuCursor &cursor) {
    if (cursor.slot) { // the frame comes back for this module
        auto back = m_gpu->readback(*cursor.slot, *cursor.frame);
        chargeSubmission(cursor.pending, m_gpu->lastSubmitMs(), m_gpu->lastSpansMs());
        if (!back.ok()) return back.status();
        cursor.frame = back.value();
        cursor.slot.reset();
    }
    link.held = {cursor.frame};
    auto out = process(link, 1);
    if (!out.ok()) return out.status();
    cursor.frame = out->front();
    return {};
}

} // namespace mnemo::edit
