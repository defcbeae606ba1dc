#include "mnemo/media/ParallelDecoder.hpp"
#include "mnemo/core/Guard.hpp"

#include "mnemo/core/BoundedQueue.hpp"
#include "media/FfmpegError.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace mnemo::media {

using namespace detail;

namespace {

constexpr AVRational kMicroseconds{1, 1000000};
constexpr int64_t kNoEnd = std::numeric_limits<int64_t>::max();
constexpr size_t kUnknownInterval = std::numeric_limits<size_t>::max();
// BoundedQueue::pop() always takes a timeout: next() waits in slices of this until its frame has been decoded.
constexpr std::chrono::seconds kPopSlice{1};
// One interval and one thread: the queue only smooths the hand-over, so it needs few frames.
constexpr size_t kStraightQueueFrames = 8;

std::string inQuotes(const std::string &path) {
    return "'" + path + "'";
}

int64_t steadyMicroseconds() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

VideoDecoderOptions singleThreaded() {
    VideoDecoderOptions options;
    options.decoderThreads = 1; // the parallelism is ours: FFmpeg's own threads would only compete for the cores
    return options;
}

// ---- Finding the keyframes -------------------------------------------------------------------------------------

struct KeyframeGroup {
    int64_t keyTs = 0;    // the keyframe's timestamp (stream time base); unused for the first group
    uint64_t packets = 0; // the keyframe and the packets after it, up to the next keyframe
};

struct KeyframeScan {
    std::vector<KeyframeGroup> groups; // groups[0] starts at the first packet, keyframe or not
    AVRational timeBase{1, 1};
    int64_t firstTs = AV_NOPTS_VALUE; // the first frame's timestamp, from which VideoDecoder counts ptsUs
    std::vector<int64_t> shownTs;     // every shown packet's timestamp: where each interval's last frame lies
    std::string uncuttable;           // why the stream must be decoded straight; empty when it can be cut
};

Result<FormatInputPtr> openForScan(const std::string &path) {
    routeFfmpegLog();
    lastFfmpegError().clear();
    AVFormatContext *raw = nullptr;
    AVDictionary *options = nullptr;
    av_dict_set(&options, "protocol_whitelist", "file", 0); // as VideoDecoder: a local file and nothing else
    const int r = avformat_open_input(&raw, ("file:" + path).c_str(), nullptr, &options);
    av_dict_free(&options);
    if (r < 0) return Status(StatusCode::InvalidArgument, "cannot open " + inQuotes(path) + ": " + describeFailure(r));
    FormatInputPtr format(raw);
    if (const int s = avformat_find_stream_info(raw, nullptr); s < 0) {
        return Status(StatusCode::InvalidArgument,
                      "cannot read the streams of " + inQuotes(path) + ": " + describeFailure(s));
    }
    return format;
}

// Adds one packet of the video stream to the scan. Returns false once the stream is known to be uncuttable.
bool addPacket(KeyframeScan &scan, const AVPacket &packet) {
    if (packet.pts == AV_NOPTS_VALUE) {
        scan.uncuttable = "packets without timestamps";
        return false;
    }
    const bool discarded = packet.flags & AV_PKT_FLAG_DISCARD; // decoded for reference, never shown
    const bool key = (packet.flags & AV_PKT_FLAG_KEY) && !discarded;
    if (key && !scan.groups.empty()) {
        // Leading pictures of an open GOP come after their keyframe in decoding order but before it on screen: they
        // belong to the interval before, whose decoder has their references. Only the keyframes must be in order.
        const int64_t previous = scan.groups.size() > 1 ? scan.groups.back().keyTs : scan.firstTs;
        if (packet.pts <= previous) {
            scan.uncuttable = "keyframes out of timestamp order";
            return false;
        }
        scan.groups.push_back({packet.pts, 0});
    }
    if (scan.groups.empty()) scan.groups.push_back({packet.pts, 0});
    // The first frame on screen is the earliest shown picture before the second keyframe (B-frames reorder).
    if (scan.groups.size() == 1 && !discarded && (scan.firstTs == AV_NOPTS_VALUE || packet.pts < scan.firstTs)) {
        scan.firstTs = packet.pts;
    }
    ++scan.groups.back().packets;
    if (!discarded) scan.shownTs.push_back(packet.pts);
    return true;
}

// Reads every packet of the video stream without decoding it: cheap next to decoding, and it works for containers
// whose index is incomplete until read (fragmented MP4, a Matroska file without cues).
Result<KeyframeScan> scanKeyframes(const std::string &path) {
    auto opened = openForScan(path);
    if (!opened.ok()) return opened.status();
    AVFormatContext *format = opened.value().get();
    // The same choice as VideoDecoder's, so the keyframes are those of the stream it decodes.
    const AVCodec *decoder = nullptr;
    const int index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    if (index < 0) return Status(StatusCode::InvalidArgument, inQuotes(path) + " has no video stream");
    for (unsigned i = 0; i < format->nb_streams; ++i) {
        if (int(i) != index) format->streams[i]->discard = AVDISCARD_ALL; // the demuxer may then skip them unread
    }
    KeyframeScan scan;
    scan.timeBase = format->streams[index]->time_base;
    PacketPtr packet(av_packet_alloc());
    if (!packet) return Status(StatusCode::OutOfMemory, "cannot scan " + inQuotes(path) + ": out of memory");
    for (;;) {
        const int r = av_read_frame(format, packet.get());
        if (r == AVERROR_EOF) break;
        if (r < 0) {
            // Damage: VideoDecoder resyncs past it, but where its keyframes lie is not known, so decode it straight.
            scan.uncuttable = "a read error at a packet (" + avErrorText(r) + ")";
            break;
        }
        const bool kept = packet->stream_index != index || addPacket(scan, *packet);
        av_packet_unref(packet.get());
        if (!kept) break;
    }
    if (scan.uncuttable.empty() && scan.groups.size() < 2) scan.uncuttable = "a single keyframe";
    if (scan.uncuttable.empty() && scan.firstTs == AV_NOPTS_VALUE) scan.uncuttable = "no frame shown before the cut";
    return scan;
}

// ---- Cutting the stream into intervals -------------------------------------------------------------------------

struct Interval {
    int64_t startUs = 0;    // the ptsUs VideoDecoder gives its first keyframe: where a thread seeks to
    int64_t endUs = kNoEnd; // the next interval's startUs: frames from there on belong to the next interval
    uint64_t packets = 0;   // about its frame count
    // Its last frame's ptsUs and its frame count, from the packets. A thread that has handed out that many frames,
    // the last at lastUs, stops there; otherwise (a damaged packet, timestamps the decoder changed) it decodes on
    // to the first frame at endUs, which costs one frame more.
    int64_t lastUs = kNoEnd;
    uint64_t frames = 0;
};

std::vector<Interval> straightInterval() {
    return {Interval{}};
}

// Keyframe groups merged until each interval holds at least `minFrames` packets. Interval starts are in ptsUs as
// VideoDecoder counts them; should firstTs differ from its start, the cut stays exact (both sides of a boundary
// compare with the same number through the same decoder arithmetic), only the seek may start a keyframe earlier.
std::vector<Interval> cutAtKeyframes(KeyframeScan &scan, uint32_t minFrames) {
    std::vector<Interval> intervals{Interval{0, kNoEnd, scan.groups.front().packets}};
    std::vector<int64_t> startTs{std::numeric_limits<int64_t>::min()};
    for (size_t g = 1; g < scan.groups.size(); ++g) {
        const KeyframeGroup &group = scan.groups[g];
        const int64_t startUs = av_rescale_q(group.keyTs - scan.firstTs, scan.timeBase, kMicroseconds);
        if (intervals.back().packets >= minFrames && startUs > intervals.back().startUs) {
            intervals.back().endUs = startUs;
            intervals.push_back({startUs, kNoEnd, 0});
            startTs.push_back(group.keyTs);
        }
        intervals.back().packets += group.packets;
    }
    // In presentation order an interval holds the shown frames from its keyframe to the next one's, wherever their
    // packets lie (an open GOP's leading pictures follow the next keyframe in the file).
    std::sort(scan.shownTs.begin(), scan.shownTs.end());
    for (size_t i = 0; i < intervals.size(); ++i) {
        const auto begin = std::lower_bound(scan.shownTs.begin(), scan.shownTs.end(), startTs[i]);
        const auto end = i + 1 < intervals.size()
                             ? std::lower_bound(begin, scan.shownTs.end(), startTs[i + 1])
                             : scan.shownTs.end();
        intervals[i].frames = uint64_t(end - begin);
        if (end != begin) intervals[i].lastUs = av_rescale_q(*(end - 1) - scan.firstTs, scan.timeBase, kMicroseconds);
    }
    return intervals;
}

std::vector<Interval> planIntervals(const std::string &path, uint32_t minFrames) {
    auto scan = scanKeyframes(path);
    if (!scan.ok()) {
        log::warning("media", "decoding " + inQuotes(path) + " on one thread: " + scan.message());
        return straightInterval();
    }
    if (!scan.value().uncuttable.empty()) {
        log::debug("media", "decoding " + inQuotes(path) + " on one thread: " + scan.value().uncuttable);
        return straightInterval();
    }
    return cutAtKeyframes(scan.value(), std::max<uint32_t>(1, minFrames));
}

unsigned resolveThreads(unsigned requested) {
    if (requested > 0) return requested;
    return std::max(1u, std::thread::hardware_concurrency());
}

// Frames each interval's queue holds. A thread ahead of next() keeps decoding only while its queue has room, so the
// queue should hold a whole interval; the memory budget, shared by the intervals in flight, has the last word.
size_t queueCapacity(const std::vector<Interval> &intervals, const VideoInfo &info, size_t window,
                     size_t maxBufferedBytes) {
    if (intervals.size() == 1) return kStraightQueueFrames;
    const size_t frameBytes = std::max<size_t>(1, size_t(info.width) * size_t(info.height) * 4);
    const size_t budgetFrames = maxBufferedBytes / frameBytes / std::max<size_t>(1, window);
    uint64_t longest = 0;
    for (const Interval &interval : intervals) longest = std::max(longest, interval.packets);
    // +2: packet counts are estimates of frame counts (a damaged packet, a frame the decoder holds back).
    return std::clamp<size_t>(size_t(longest) + 2, 2, std::max<size_t>(2, budgetFrames));
}

// ---- What the threads hand to next() ---------------------------------------------------------------------------

struct Item {
    enum class Kind { Frame, End, Error };
    Kind kind = Kind::End;
    DecodedFrame frame;
    Status status;
};

Item frameItem(DecodedFrame frame) {
    return {Item::Kind::Frame, std::move(frame), {}};
}

Item errorItem(Status status) {
    return {Item::Kind::Error, {}, std::move(status)};
}

// One decoding thread's state between the intervals it takes.
struct Worker {
    std::unique_ptr<VideoDecoder> decoder;
    // The frame that ended the previous interval: the first frame of `positionedAt`, kept so that a thread taking
    // the interval right after its last one decodes on without a seek.
    std::optional<DecodedFrame> carried;
    size_t positionedAt = kUnknownInterval; // the interval whose first frame the decoder (or `carried`) gives next
    uint64_t errorsReported = 0;            // of decoder->decodeErrors(), already added to the total
};

} // namespace

struct ParallelDecoder::Impl {
    std::string path;
    VideoInfo info;
    std::vector<Interval> intervals;
    std::vector<std::unique_ptr<BoundedQueue<Item>>> queues; // one per interval, filled by the thread decoding it
    size_t window = 1; // how many intervals, from the one next() drains, may be decoding or buffered at once
    std::vector<std::thread> threads;

    std::mutex mutex; // guards the three below
    std::condition_variable claimable;
    size_t nextUnclaimed = 0;
    size_t draining = 0; // the interval next() reads from
    bool stopping = false;

    // next()'s own state: only the calling thread touches it.
    size_t current = 0;
    uint64_t framesDecoded = 0;
    std::optional<Status> failure;

    std::atomic<uint64_t> decodeErrors{0};

    ~Impl() {
        stop();
        for (std::thread &thread : threads) thread.join();
    }

    Status start(std::unique_ptr<VideoDecoder> first, unsigned count);
    void work(std::unique_ptr<VideoDecoder> decoder);
    std::optional<size_t> claim();
    bool decodeInterval(Worker &worker, size_t interval);
    Status positionAt(Worker &worker, size_t interval);
    Result<std::optional<DecodedFrame>> take(Worker &worker);
    void reportErrors(Worker &worker);
    void advance();
    void stop();
};

Status ParallelDecoder::Impl::start(std::unique_ptr<VideoDecoder> first, unsigned count) {
    try {
        threads.reserve(count);
        threads.emplace_back([this, decoder = std::move(first)]() mutable { work(std::move(decoder)); });
        // The others open their own decoders on their own threads, so the opening cost is paid in parallel too.
        for (unsigned i = 1; i < count; ++i) threads.emplace_back([this] { work(nullptr); });
    } catch (const std::system_error &e) {
        return {StatusCode::Internal, "cannot start the threads decoding " + inQuotes(path) + ": " + e.what()};
    }
    return {};
}

void ParallelDecoder::Impl::work(std::unique_ptr<VideoDecoder> decoder) {
    Worker worker;
    if (decoder) {
        worker.decoder = std::move(decoder);
        worker.positionedAt = 0; // freshly opened: its first frame is the stream's
    }
    // An exception in one interval is that interval's error: next() reports it in order instead of waiting forever
    // on a queue no thread fills.
    while (const auto interval = claim()) {
        bool more = false;
        Status s = guarded("decoding " + inQuotes(path), [&] {
            faultPoint("engine.decode-thread");
            more = decodeInterval(worker, *interval);
        });
        if (!s.ok()) queues[*interval]->push(errorItem(std::move(s)));
        if (!more) return;
    }
}

// The next interval in order, once it is within the window of the one next() drains; nothing when all are taken or
// the decoder is closing.
std::optional<size_t> ParallelDecoder::Impl::claim() {
    std::unique_lock lock(mutex);
    claimable.wait(lock, [&] {
        return stopping || nextUnclaimed >= intervals.size() || nextUnclaimed < draining + window;
    });
    if (stopping || nextUnclaimed >= intervals.size()) return std::nullopt;
    return nextUnclaimed++;
}

// Decodes one interval into its queue, ending it with End (or Error). False when this thread should stop.
bool ParallelDecoder::Impl::decodeInterval(Worker &worker, size_t interval) {
    BoundedQueue<Item> &queue = *queues[interval];
    if (Status s = positionAt(worker, interval); !s.ok()) {
        queue.push(errorItem(std::move(s)));
        return false;
    }
    const Interval &bounds = intervals[interval];
    uint64_t handedOut = 0;
    for (;;) {
        auto frame = take(worker);
        if (!frame.ok()) {
            queue.push(errorItem(frame.status()));
            return false;
        }
        if (!frame.value()) {
            worker.positionedAt = kUnknownInterval; // the end of the stream
            break;
        }
        if (frame.value()->ptsUs >= bounds.endUs) {
            worker.carried = std::move(frame.value());
            worker.positionedAt = interval + 1;
            break;
        }
        const bool last = ++handedOut >= bounds.frames && frame.value()->ptsUs == bounds.lastUs;
        if (!queue.push(frameItem(std::move(*frame.value())))) return false; // closed: the decoder is going away
        if (last) {
            worker.positionedAt = interval + 1; // the decoder's next frame is the next interval's keyframe
            break;
        }
    }
    reportErrors(worker);
    return queue.push(Item{});
}

Status ParallelDecoder::Impl::positionAt(Worker &worker, size_t interval) {
    if (!worker.decoder) {
        auto opened = VideoDecoder::open(path, singleThreaded());
        if (!opened.ok()) return opened.status();
        worker.decoder = std::move(opened.value());
        worker.positionedAt = 0;
    }
    if (worker.positionedAt == interval) return {};
    worker.carried.reset();
    worker.positionedAt = interval;
    // Accurate: the first frame returned is the interval's keyframe, and the frames before it were the previous
    // interval's. Its Frame::index is set by next(), which counts, so the seek's own index guess never shows.
    return worker.decoder->seek(intervals[interval].startUs);
}

Result<std::optional<DecodedFrame>> ParallelDecoder::Impl::take(Worker &worker) {
    if (worker.carried) {
        std::optional<DecodedFrame> frame = std::move(worker.carried);
        worker.carried.reset();
        return frame;
    }
    return worker.decoder->next();
}

void ParallelDecoder::Impl::reportErrors(Worker &worker) {
    const uint64_t errors = worker.decoder->decodeErrors();
    decodeErrors += errors - worker.errorsReported;
    worker.errorsReported = errors;
}

// next() finished an interval: the window moves on and a thread may take the next one.
void ParallelDecoder::Impl::advance() {
    ++current;
    {
        std::lock_guard lock(mutex);
        draining = current;
    }
    claimable.notify_all();
}

void ParallelDecoder::Impl::stop() {
    {
        std::lock_guard lock(mutex);
        stopping = true;
    }
    claimable.notify_all();
    for (auto &queue : queues) queue->close(); // wakes threads waiting for room; their pushes then fail
}

ParallelDecoder::ParallelDecoder(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

ParallelDecoder::~ParallelDecoder() = default;

Result<std::unique_ptr<ParallelDecoder>> ParallelDecoder::open(const std::string &path, unsigned threads) {
    ParallelDecoderOptions options;
    options.threads = threads;
    return open(path, options);
}

Result<std::unique_ptr<ParallelDecoder>> ParallelDecoder::open(const std::string &path,
                                                               const ParallelDecoderOptions &options) {
    // Opening one decoder first gives a missing or damaged file VideoDecoder's plain-language error.
    auto first = VideoDecoder::open(path, singleThreaded());
    if (!first.ok()) return first.status();
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->info = first.value()->info();
    impl->intervals = planIntervals(path, options.minIntervalFrames);
    const auto threads = unsigned(std::min<size_t>(resolveThreads(options.threads), impl->intervals.size()));
    // One interval more than threads: a thread that finishes can start the next while next() drains the current.
    impl->window = size_t(threads) + 1;
    const size_t capacity = queueCapacity(impl->intervals, impl->info, impl->window, options.maxBufferedBytes);
    impl->queues.reserve(impl->intervals.size());
    for (size_t i = 0; i < impl->intervals.size(); ++i) {
        impl->queues.push_back(std::make_unique<BoundedQueue<Item>>(capacity, QueueFullPolicy::Block));
    }
    if (Status s = impl->start(std::move(first.value()), threads); !s.ok()) return s;
    return std::unique_ptr<ParallelDecoder>(new ParallelDecoder(std::move(impl)));
}

const VideoInfo &ParallelDecoder::info() const {
    return m_impl->info;
}

const std::string &ParallelDecoder::path() const {
    return m_impl->path;
}

Result<std::optional<DecodedFrame>> ParallelDecoder::next() {
    Impl &d = *m_impl;
    if (d.failure) return *d.failure;
    while (d.current < d.intervals.size()) {
        std::optional<Item> item = d.queues[d.current]->pop(kPopSlice);
        if (!item) continue; // still being decoded
        switch (item->kind) {
        case Item::Kind::Frame: {
            DecodedFrame out = std::move(item->frame);
            out.frame.index = d.framesDecoded++; // counted here: a straight decode's index, whatever the seeks said
            out.frame.producedUs = steadyMicroseconds();
            return std::optional<DecodedFrame>(std::move(out));
        }
        case Item::Kind::End: d.advance(); break;
        case Item::Kind::Error:
            d.failure = std::move(item->status);
            d.stop();
            return *d.failure;
        }
    }
    return std::optional<DecodedFrame>();
}

uint64_t ParallelDecoder::framesDecoded() const {
    return m_impl->framesDecoded;
}

uint64_t ParallelDecoder::decodeErrors() const {
    return m_impl->decodeErrors.load();
}

size_t ParallelDecoder::intervalCount() const {
    return m_impl->intervals.size();
}

unsigned ParallelDecoder::threadCount() const {
    return unsigned(m_impl->threads.size());
}

} // namespace mnemo::media
