#include "mnemo/edit/EditRender.hpp"

#include "mnemo/core/BoundedQueue.hpp"
#include "mnemo/core/Guard.hpp"
#include "mnemo/media/FrameSource.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <deque>
#include <mutex>
#include <thread>

namespace mnemo::edit {
namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

constexpr size_t kQueueFrames = 3; // enough to smooth the stages' jitter; files never drop, so the queues block
constexpr auto kWait = std::chrono::milliseconds(200);

// Everything one render holds. The decoder thread fills `decoded` (a null frame ends the stream), the calling thread
// edits and measures, the writer thread encodes what arrives in `toEncode`. A stage that fails records why and
// closes its queue; the others see the closed queue and stop.
struct Render {
    const EditRenderConfig &config;
    std::unique_ptr<media::FrameSource> source;
    std::unique_ptr<EditChain> chain;
    std::unique_ptr<media::VideoEncoder> encoder;
    metrics::WarpErrorMeter meter;
    std::deque<FramePtr> awaiting; // source frames whose edits have not left the chain (a chunk holds some back)
    EditRenderResult result;
    double warpSum = 0;
    BoundedQueue<FramePtr> decoded{kQueueFrames, QueueFullPolicy::Block};
    BoundedQueue<FramePtr> toEncode{kQueueFrames, QueueFullPolicy::Block};
    std::mutex failureMutex;
    Status decodeFailure, encodeFailure;
    std::atomic<double> decodeMs{0}, encodeMs{0};
    std::thread decoder, writer;

    explicit Render(const EditRenderConfig &c) : config(c) {}
    ~Render() { stopThreads(); }

    void stopThreads() {
        decoded.close();
        toEncode.close();
        if (decoder.joinable()) decoder.join();
        if (writer.joinable()) writer.join();
    }

    Status start(modules::ModuleEnvironment &env, const Frame &first) {
        result.sourceFps = source->info().fps > 0 ? source->info().fps : 30.0;
        auto made = EditChain::create(env, config.chain, first.width, first.height, config.seed, config.gpu);
        if (!made.ok()) return made.status();
        chain = std::move(made.value());
        result.width = chain->outputWidth(); // an upscaler in the chain writes larger frames than the source's
        result.height = chain->outputHeight();
        result.framesPerInput = chain->framesPerInput(); // an interpolator: N times the rate, the same duration
        if (config.output.empty()) return {};
        auto opened = media::VideoEncoder::open({config.output, result.width, result.height,
                                                 result.sourceFps * result.framesPerInput, config.codec, config.crf});
        if (!opened.ok()) return opened.status().withContext(config.output);
        encoder = std::move(opened.value());
        return {};
    }

    Status failure() {
        std::lock_guard lock(failureMutex);
        return !decodeFailure.ok() ? decodeFailure : encodeFailure;
    }
};

// The next source frame, or null at the end (or at the frame budget). Decoder thread (and the first frame).
Result<FramePtr> nextSourceFrame(Render &r, uint64_t read) {
    if (r.config.maxFrames && read >= r.config.maxFrames) return FramePtr();
    const auto t = Clock::now();
    auto next = r.source->next();
    r.decodeMs = r.decodeMs + msSince(t);
    if (!next.ok()) return next.status().withContext(r.config.input);
    if (!next.value()) return FramePtr();
    auto frame = std::make_shared<Frame>(std::move(next.value()->frame));
    frame->index = r.config.startFrame + read;
    return FramePtr(std::move(frame));
}

void decodeRest(Render &r) {
    const Status guard = guarded("decoding " + r.config.input, [&] {
        for (uint64_t read = 1;; ++read) {
            auto frame = nextSourceFrame(r, read);
            if (!frame.ok()) {
                std::lock_guard lock(r.failureMutex);
                r.decodeFailure = frame.status();
                return;
            }
            if (!frame.value() || !r.decoded.push(frame.value())) return; // the end, or the render stopped
        }
    });
    if (!guard.ok()) {
        std::lock_guard lock(r.failureMutex);
        r.decodeFailure = guard;
    }
    r.decoded.push(FramePtr()); // the one end marker, whatever ended the stream (ignored once closed)
}

// Encodes until the queue is closed and drained. A failure closes the queue, which stops the calling thread's pushes.
void encodeAll(Render &r) {
    const Status guard = guarded("encoding " + r.config.output, [&] {
        while (true) {
            auto frame = r.toEncode.pop(kWait);
            if (!frame) {
                if (r.toEncode.closed()) return;
                continue;
            }
            const auto t = Clock::now();
            const Status s = r.encoder->write(**frame);
            r.encodeMs = r.encodeMs + msSince(t);
            if (!s.ok()) {
                std::lock_guard lock(r.failureMutex);
                r.encodeFailure = s.withContext(r.config.output);
                r.toEncode.close();
                return;
            }
        }
    });
    if (!guard.ok()) {
        std::lock_guard lock(r.failureMutex);
        r.encodeFailure = guard;
        r.toEncode.close();
    }
}

// An edited frame out of the chain: measured against the source frame it came from, and handed to the encoder. A
// frame made between two source frames (an interpolator's) has no source frame to measure against: it is encoded
// only, and its source frame waits for the last part.
Status deliver(Render &r, const FramePtr &edited) {
    const FramePtr sourceFrame = r.awaiting.front();
    if (!edited->interpolated()) r.awaiting.pop_front(), ++r.result.frames;
    if (r.config.measureConsistency && !edited->interpolated()) {
        const auto t = Clock::now();
        auto pair = r.meter.push(*sourceFrame, *edited);
        if (!pair.ok()) return pair.status();
        if (pair.value()) r.warpSum += pair.value()->error, ++r.result.warpPairs;
        r.result.meterMs += msSince(t);
    }
    if (r.encoder) {
        const auto t = Clock::now();
        const bool queued = r.toEncode.push(edited);
        r.result.waitMs += msSince(t);
        if (!queued) return r.failure().ok() ? Status(StatusCode::Internal, "the encoder stopped") : r.failure();
    }
    ++r.result.framesWritten;
    return {};
}

Status deliverAll(Render &r, const Result<std::vector<FramePtr>> &out) {
    if (!out.ok()) return out.status();
    for (const FramePtr &edited : out.value()) {
        if (Status s = deliver(r, edited); !s.ok()) return s;
    }
    return {};
}

// The first frame is decoded here: the chain and the encoder need its size. Then the other stages start.
Result<FramePtr> startStages(modules::ModuleEnvironment &env, Render &r) {
    auto first = nextSourceFrame(r, 0);
    if (!first.ok()) return first.status();
    if (!first.value()) return Status(StatusCode::InvalidArgument, r.config.input + ": no frames to edit");
    if (Status s = r.start(env, *first.value()); !s.ok()) return s;
    r.decoder = std::thread([&r] { decodeRest(r); });
    if (r.encoder) r.writer = std::thread([&r] { encodeAll(r); });
    return first;
}

Status runLoop(modules::ModuleEnvironment &env, Render &r, const std::function<bool(uint64_t, uint64_t)> &progress) {
    const auto setup = Clock::now();
    auto first = startStages(env, r);
    r.result.waitMs += msSince(setup); // the first decode, the modules' creation, the encoder's opening
    if (!first.ok()) return first.status();
    const uint64_t expected = r.config.maxFrames ? r.config.maxFrames
                                                 : uint64_t(std::max<int64_t>(0, r.source->info().frameCountHint -
                                                                                     int64_t(r.config.startFrame)));
    for (FramePtr frame = first.value(); frame;) {
        r.awaiting.push_back(frame);
        const auto t = Clock::now();
        auto out = r.chain->push(frame);
        r.result.chainMs += msSince(t);
        if (Status s = deliverAll(r, out); !s.ok()) return s;
        if (progress && !progress(r.result.frames, expected)) {
            return {StatusCode::Timeout, "cancelled after " + std::to_string(r.result.frames) + " frames"};
        }
        const auto waited = Clock::now();
        std::optional<FramePtr> next;
        while (!(next = r.decoded.pop(kWait)) && !r.decoded.closed()) {}
        r.result.waitMs += msSince(waited);
        frame = next ? *next : FramePtr();
    }
    if (Status s = r.failure(); !s.ok()) return s;
    const auto t = Clock::now();
    auto rest = r.chain->flush();
    r.result.chainMs += msSince(t);
    return deliverAll(r, rest);
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
    Status looped = runLoop(env, r, progress);
    // What was edited is encoded and the file closed, whatever stopped the loop: it stays playable. The calling
    // thread waits for the encoder's last frames here, counted with its other waits.
    const auto tail = Clock::now();
    r.decoded.close();
    r.toEncode.close();
    if (r.writer.joinable()) r.writer.join();
    if (r.decoder.joinable()) r.decoder.join();
    if (looped.ok()) looped = r.failure();
    if (r.encoder) {
        if (Status s = r.encoder->finish(); !s.ok() && looped.ok()) return s.withContext(config.output);
    }
    r.result.waitMs += msSince(tail);
    if (!looped.ok()) return looped;
    r.result.decodeMs = r.decodeMs;
    r.result.encodeMs = r.encodeMs;
    r.result.links = r.chain->stats();
    r.result.gpu = r.chain->usesGpu();
    r.result.gpuCopiesPerFrame = r.chain->gpuCopiesPerFrame();
    r.result.flowUploadsPerFrame = r.chain->flowUploadsPerFrame();
    r.result.warpError = r.result.warpPairs ? r.warpSum / double(r.result.warpPairs) : 0.0;
    r.result.wallMs = msSince(start);
    return r.result;
}

} // namespace mnemo::edit
