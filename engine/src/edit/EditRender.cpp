#include "mnemo/edit/EditRender.hpp"

#include "mnemo/media/FrameSource.hpp"

#include <chrono>
#include <cmath>
#include <deque>

namespace mnemo::edit {
namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// Everything one render holds: the source, the chain, the encoder, the meter, and the source frames whose edited
// frames have not come out of the chain yet (a chunked link holds some back).
struct Render {
    const EditRenderConfig &config;
    std::unique_ptr<media::FrameSource> source;
    std::unique_ptr<EditChain> chain;
    std::unique_ptr<media::VideoEncoder> encoder;
    metrics::WarpErrorMeter meter;
    std::deque<FramePtr> awaiting;
    EditRenderResult result;
    double warpSum = 0;

    explicit Render(const EditRenderConfig &c) : config(c) {}

    Status start(modules::ModuleEnvironment &env, const Frame &first) {
        result.width = first.width;
        result.height = first.height;
        result.sourceFps = source->info().fps > 0 ? source->info().fps : 30.0;
        auto made = EditChain::create(env, config.chain, first.width, first.height, config.seed, config.gpu);
        if (!made.ok()) return made.status();
        chain = std::move(made.value());
        if (config.output.empty()) return {};
        auto opened = media::VideoEncoder::open(
            {config.output, first.width, first.height, result.sourceFps, config.codec, 18});
        if (!opened.ok()) return opened.status().withContext(config.output);
        encoder = std::move(opened.value());
        return {};
    }

    // An edited frame out of the chain: encoded, and measured against the source frame it came from.
    Status deliver(const FramePtr &edited) {
        const FramePtr sourceFrame = awaiting.front();
        awaiting.pop_front();
        if (encoder) {
            const auto t = Clock::now();
            if (Status s = encoder->write(*edited); !s.ok()) return s.withContext(config.output);
            result.encodeMs += msSince(t);
        }
        if (config.measureConsistency) {
            const auto t = Clock::now();
            auto pair = meter.push(*sourceFrame, *edited);
            if (!pair.ok()) return pair.status();
            if (pair.value()) warpSum += pair.value()->error, ++result.warpPairs;
            result.meterMs += msSince(t);
        }
        ++result.frames;
        return {};
    }

    Status deliverAll(const Result<std::vector<FramePtr>> &out) {
        if (!out.ok()) return out.status();
        for (const FramePtr &edited : out.value()) {
            if (Status s = deliver(edited); !s.ok()) return s;
        }
        return {};
    }
};

// The next source frame, or null at the end (or at the frame budget).
Result<FramePtr> nextSourceFrame(Render &r, uint64_t read) {
    if (r.config.maxFrames && read >= r.config.maxFrames) return FramePtr();
    const auto t = Clock::now();
    auto next = r.source->next();
    r.result.decodeMs += msSince(t);
    if (!next.ok()) return next.status().withContext(r.config.input);
    if (!next.value()) return FramePtr();
    auto frame = std::make_shared<Frame>(std::move(next.value()->frame));
    frame->index = r.config.startFrame + read;
    return FramePtr(std::move(frame));
}

Status runLoop(modules::ModuleEnvironment &env, Render &r, const std::function<bool(uint64_t, uint64_t)> &progress) {
    const int64_t hinted = r.source->info().frameCountHint - int64_t(r.config.startFrame);
    const uint64_t expected = r.config.maxFrames ? r.config.maxFrames : uint64_t(std::max<int64_t>(0, hinted));
    for (uint64_t read = 0;; ++read) {
        auto frame = nextSourceFrame(r, read);
        if (!frame.ok()) return frame.status();
        if (!frame.value()) break;
        if (!r.chain) {
            if (Status s = r.start(env, *frame.value()); !s.ok()) return s;
        }
        r.awaiting.push_back(frame.value());
        const auto t = Clock::now();
        auto out = r.chain->push(frame.value());
        r.result.chainMs += msSince(t);
        if (Status s = r.deliverAll(out); !s.ok()) return s;
        if (progress && !progress(r.result.frames, expected)) {
            return {StatusCode::Timeout, "cancelled after " + std::to_string(r.result.frames) + " frames"};
        }
    }
    if (!r.chain) return {StatusCode::InvalidArgument, r.config.input + ": no frames to edit"};
    const auto t = Clock::now();
    auto rest = r.chain->flush();
    r.result.chainMs += msSince(t);
    return r.deliverAll(rest);
}

} // namespace

Result<EditRenderResult> renderEdit(modules::ModuleEnvironment &env, const EditRenderConfig &config,
                                    const std::function<bool(uint64_t, uint64_t)> &progress) {
    const auto start = Clock::now();
    Render r(config);
    auto source = media::openSource(config.input);
    if (!source.ok()) return source.status(); // it names the input
    r.source = std::move(source.value());
    if (config.startFrame > 0) {
        const double fps = r.source->info().fps > 0 ? r.source->info().fps : 30.0;
        if (Status s = r.source->seek(int64_t(std::llround(double(config.startFrame) * 1e6 / fps))); !s.ok()) {
            return s.withContext(config.input);
        }
    }
    const Status looped = runLoop(env, r, progress);
    // What was encoded stays playable whatever stopped the loop.
    if (r.encoder) {
        if (Status s = r.encoder->finish(); !s.ok() && looped.ok()) return s.withContext(config.output);
    }
    if (!looped.ok()) return looped;
    r.result.links = r.chain->stats();
    r.result.gpu = r.chain->usesGpu();
    r.result.gpuCopiesPerFrame = r.chain->gpuCopiesPerFrame();
    r.result.flowUploadsPerFrame = r.chain->flowUploadsPerFrame();
    r.result.warpError = r.result.warpPairs ? r.warpSum / double(r.result.warpPairs) : 0.0;
    r.result.wallMs = msSince(start);
    return r.result;
}

} // namespace mnemo::edit
