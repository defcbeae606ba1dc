#include "OutputStage.hpp"

#include <algorithm>

namespace mnemo::world {

Result<std::unique_ptr<OutputStage>> OutputStage::create(modules::ModuleRegistry &registry,
                                                         const std::vector<edit::ChainLink> &links, uint32_t width,
                                                         uint32_t height, uint64_t seed) {
    auto chain = edit::EditChain::create(registry, links, width, height, seed);
    if (!chain.ok()) return chain.status().withContext("the World's output chain");
    if (chain.value()->outputWidth() != width || chain.value()->outputHeight() != height) {
        return Status(StatusCode::Unsupported,
                      "the World's output chain writes " + std::to_string(chain.value()->outputWidth()) + "x" +
                          std::to_string(chain.value()->outputHeight()) + " frames; it must keep the world's " +
                          std::to_string(width) + "x" + std::to_string(height) +
                          " (upscale the World stream in Edit instead)");
    }
    // Only frame interpolators: their last result is the world's frame itself, which the recording keeps as the
    // module made it (replay compares with it); another edit would change the recorded frames, and a chunked link
    // would hold the last ones back.
    for (size_t i = 0; i < chain.value()->linkCount(); ++i) {
        const std::string &id = links[i].moduleId;
        if (links[i].bypass) continue;
        if (chain.value()->linkIsChunked(i) || chain.value()->linkFramesPerInput(i) < 2) {
            return Status(StatusCode::Unsupported, "the World's output chain takes frame interpolators only, not '" +
                                                       id + "' (edit the World stream in Edit instead)");
        }
    }
    std::unique_ptr<OutputStage> stage(new OutputStage());
    stage->m_chain = std::move(chain.value());
    return stage;
}

Result<std::vector<WorldFramePtr>> OutputStage::process(const WorldFramePtr &frame) {
    m_waiting.push_back(frame);
    auto results = m_chain->push(frame->frame);
    if (!results.ok()) return results.status();
    return describe(results.value());
}

// Each result as a WorldFrame: the world frame it belongs to, with a camera between that frame's and the one before
// for the results made in between.
Result<std::vector<WorldFramePtr>> OutputStage::describe(const std::vector<edit::FramePtr> &results) {
    std::vector<WorldFramePtr> out;
    for (const edit::FramePtr &result : results) {
        if (m_waiting.empty()) return Status(StatusCode::Internal, "the output chain returned more frames than it got");
        const WorldFramePtr &world = m_waiting.front();
        auto wf = std::make_shared<WorldFrame>(*world);
        wf->frame = result;
        if (result->interpolated() && m_previous) {
            const float t = float(result->part + 1) / float(result->parts);
            wf->camera = camera::interpolateCamera(m_previous->camera, world->camera, t);
            if (m_previous->pose && world->pose) wf->pose = camera::interpolatePose(*m_previous->pose, *world->pose, t);
        }
        out.push_back(std::move(wf));
        if (!result->interpolated()) {
            m_previous = world;
            m_waiting.pop_front();
        }
    }
    return out;
}

Presenter::Presenter(BoundedQueue<WorldFramePtr> &display, std::chrono::microseconds step)
    : m_display(display), m_step(step) {
    m_thread = std::thread([this] { run(); });
}

Presenter::~Presenter() {
    m_stop = true;
    m_queue.close();
    if (m_thread.joinable()) m_thread.join();
}

void Presenter::present(const std::vector<WorldFramePtr> &frames) {
    if (frames.empty()) return; // a chunked link still filling: no group, and no time to measure
    const auto now = Clock::now();
    const Clock::duration since = now - m_lastGroup;
    const Clock::duration period = since > std::chrono::seconds(1) ? Clock::duration(m_step) : since;
    m_lastGroup = now;
    const auto spacing = frames.empty() ? Clock::duration(0) : period / long(frames.size());
    for (size_t i = 0; i < frames.size(); ++i)
        m_queue.push({frames[i], now + spacing * long(i)});
}

// Waits for each frame's time in short naps, so a stop is never held up by a long one.
void Presenter::run() {
    while (!m_stop) {
        auto due = m_queue.pop(std::chrono::milliseconds(50));
        if (!due) continue;
        while (!m_stop && Clock::now() < due->at)
            std::this_thread::sleep_for(
                std::min<Clock::duration>(due->at - Clock::now(), std::chrono::milliseconds(20)));
        m_display.push(due->frame);
    }
}

} // namespace mnemo::world
