#pragma once
// Live editing: a source plays through an EditChain on the player's own engine thread, and the newest
// (source, result) pair is handed to whoever previews it. The counterpart of WorldPipeline for Edit.
//
// Streaming discipline (issue 11): a file, an image sequence or a still is paced at its frame rate and never drops a
// frame (when the chain is slower than the source, playback slows down); a live source (a V4L2 camera, or frames
// pushed in with pushLive(), such as the World stream) goes through a two-frame queue that drops the oldest frame when
// the chain falls behind, and the drops are counted. The preview is one slot: the newest pair wins.
//
// Requests (play, seek, step, a new chain, parameter changes) are state, not a queue of commands: the engine thread
// takes them all at its next frame, the newest value per parameter wins, so nothing grows however fast a slider moves.
// A new chain or a seek restarts temporal state (the chain's modules, the consistency meter).
// Thread: the public calls are thread-safe; modules run only on the player's thread.

#include "mnemo/edit/FrameRecords.hpp"
#include "mnemo/edit/EditChain.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mnemo::media {
class FrameSource;
}

namespace mnemo::edit {

enum class PlayerState { Paused, Playing, Ended, Failed };
const char *playerStateName(PlayerState state); // "paused", "playing", "ended", "failed"

struct EditPlayerConfig {
    std::string source;          // anything media::openSource takes; empty: a live source fed with pushLive()
    std::vector<ChainLink> chain;
    uint64_t seed = 1;
    bool loop = true;            // files start over at the end
    bool measureConsistency = true;
    bool makeDifference = false; // also produce |source - result| for a difference view
    GpuUse gpu = GpuUse::Auto;   // where modules with a GPU path run
    // A chain that fails on a frame (an isolated module's crash or hang, or any module error) is made again from its
    // current links and given the frame again; three failures in a row stop the player.
    bool restartFailedChain = false;
};

// One edited frame with the source frame it came from.
struct PreviewPair {
    FramePtr source;
    FramePtr result;      // result->interpolated(): made between the source frame before `source` and it
    FramePtr difference;  // null unless makeDifference
    uint64_t index = 0;   // the frame's position in the source
    int64_t sourceUs = 0; // its presentation time
};


struct EditPlayerStats {
    PlayerState state = PlayerState::Paused;
    std::string problem;           // why the player failed (names the input or the module)
    bool live = false;
    double sourceFps = 0;
    int64_t frameCountHint = 0;    // 0 when unknown (live)
    uint32_t width = 0, height = 0;              // the source's frames
    uint32_t resultWidth = 0, resultHeight = 0;  // the chain's (larger after an upscaler)
    uint32_t framesPerInput = 1;                 // the chain's results per source frame (an interpolator's N)
    uint64_t position = 0;         // index of the newest edited frame
    uint64_t framesEdited = 0;
    uint64_t framesDropped = 0;    // live frames dropped because the chain fell behind
    double editFps = 0;            // frames shown per second over the last second (an interpolator's included)
    double latencyMs = 0;          // newest frame: from the source handing it out to its result being ready
    double meterMsPerFrame = 0;    // mean cost of the consistency meter
    double warpErrorMean = 0;      // over the frames measured since the last restart
    double gpuCopiesPerFrame = 0; // frames moved between host and device per edited frame
    bool gpu = false;             // some link runs on the GPU
    std::vector<LinkStats> links;
    uint64_t recordsVersion = 0;   // bumps when records() changed
    uint32_t chainRestarts = 0;    // chains made again after a failure (restartFailedChain)
    std::string lastRestartReason;
};

class EditPlayer {
public:
    // Opens the source (errors name it); the chain is made at the first frame, when the size is known.
    static Result<std::unique_ptr<EditPlayer>> open(modules::ModuleEnvironment &env, EditPlayerConfig config);
    ~EditPlayer();
    EditPlayer(const EditPlayer &) = delete;
    EditPlayer &operator=(const EditPlayer &) = delete;

    void setPlaying(bool playing);
    void step(int frames);           // pauses, then moves by `frames` (negative: back, by seeking)
    void seekFrame(uint64_t index);  // pauses on that frame
    void setLoop(bool loop);
    void setRestartFailedChain(bool on); // EditPlayerConfig::restartFailedChain, from the next failure
    void setChain(std::vector<ChainLink> chain);
    void setParam(size_t link, const std::string &name, double value); // run-time: applies from the next frame
    // Swaps a link's automation (its camera path) without restarting the chain; a paused frame is edited again.
    void setAutomation(size_t link, std::shared_ptr<const ParamAutomation> automation);
    void setMakeDifference(bool on);
    void setGpuUse(GpuUse use); // the chain is made again (its modules' temporal state restarts)
    // A frame of a live source (World's stream). Never blocks: when the player is behind, the oldest waiting frame
    // is dropped. Frames of another size restart the chain.
    void pushLive(FramePtr frame);

    // The newest pair not taken yet, or null.
    std::shared_ptr<const PreviewPair> takePreview();
    EditPlayerStats stats() const;
    FrameRecords records() const; // a snapshot (cheap: see FrameRecords); what the curve and module lane draw
    std::vector<ChainLink> chain() const;

private:
    struct Requests;
    struct Engine;
    EditPlayer(modules::ModuleEnvironment &env, EditPlayerConfig config);
    // The engine thread (EditPlayerRun.cpp).
    void run();
    Requests takeRequests();
    void applyRequests(Requests &requests);
    void changePlaying(bool playing);
    Status editFromFile();
    Status editLive();
    Status endOfSource();
    Status editFrame(FramePtr frame, int64_t ptsUs);
    Status restartChainAfter(const Status &failure, const FramePtr &frame);
    Status deliverAll(const std::vector<FramePtr> &edited, const std::vector<LinkStats> &before);
    Status deliver(const FramePtr &source, const FramePtr &result, int64_t ptsUs, const std::vector<float> &linkMs,
                   std::chrono::steady_clock::time_point due);
    std::chrono::microseconds presentationSpacing(const Frame &first);
    // State changes on the engine thread (EditPlayer.cpp).
    void seekTo(uint64_t index);
    void restartTemporal();
    void reeditLast();
    void fail(const Status &status);
    void setState(PlayerState state, const std::string &problem);
    void publish(std::shared_ptr<const PreviewPair> preview, std::optional<FrameRecord> record, double latencyMs);
    // Publishes the presentations that are due (all of them with `all`); the time the next one is due, if any.
    std::optional<std::chrono::steady_clock::time_point> present(bool all = false);
    // The capture thread of a live camera.
    void captureLive();

    modules::ModuleEnvironment &m_env;
    std::unique_ptr<Engine> m_engine; // the engine thread's own state
    std::unique_ptr<Requests> m_requests;
    mutable std::mutex m_mutex;       // guards m_requests, m_preview, m_stats, m_records
    std::condition_variable m_wake;
    std::shared_ptr<const PreviewPair> m_preview;
    EditPlayerStats m_stats;
    FrameRecords m_records;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    std::thread m_capture; // live cameras only: reads the device into the live queue
};

} // namespace mnemo::edit
