#pragma once
// Records a world session to a folder: session.sqlite (cameras, controller state, timings, memory events; see
// SessionDatabase) and video.mkv (the frames, H.264 or lossless FFV1). One writer thread owns both; the caller
// only hands frames over. Crash-safe: the database commits a batch about every 100 ms (WAL, synchronous=FULL) and
// the video is flushed at every keyframe (one per second), so a killed recorder loses at most about a second.

#include "mnemo/core/BoundedQueue.hpp"
#include "mnemo/media/VideoEncoder.hpp"
#include "mnemo/session/SessionDatabase.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <atomic>
#include <thread>

namespace mnemo::session {

struct SessionInfo {
    std::string name;
    std::string engineId;
    std::string engineVersion;
    std::string paramsJson = "{}";
    uint64_t seed = 1;
    uint32_t width = 0, height = 0;
    double fps = 30.0;
};

struct RecorderConfig {
    std::string folder;                         // created if missing
    bool video = true;
    media::VideoCodec codec = media::VideoCodec::H264;
    // Block: nothing is lost (CLI). DropOldest: a slow disk never stalls the caller; drops are counted and shown.
    QueueFullPolicy policy = QueueFullPolicy::Block;
    size_t queueCapacity = 32;
};

class SessionRecorder {
public:
    struct Stats {
        uint64_t framesWritten = 0;
        uint64_t framesDropped = 0;
        std::string error; // the first write error; recording stops at it, what was written stays valid
    };

    static Result<std::unique_ptr<SessionRecorder>> start(const RecorderConfig &config, const SessionInfo &info);
    ~SessionRecorder();

    // Thread: the frame consumer. False once the recorder stopped (finish() or a write error).
    bool push(world::WorldFramePtr frame);
    // Writes what is queued, finishes the video and commits. Idempotent.
    Status finish();
    Stats stats() const;
    const std::string &databasePath() const { return m_dbPath; }
    const std::string &videoPath() const { return m_videoPath; }

private:
    SessionRecorder(const RecorderConfig &config) : m_config(config), m_queue(config.queueCapacity, config.policy) {}
    void run();
    Status writeWorldFrame(const world::WorldFrame &wf);
    Status writeBetweenFrame(const world::WorldFrame &wf);
    Status flushBatch();
    void setError(const std::string &message);

    RecorderConfig m_config;
    BoundedQueue<world::WorldFramePtr> m_queue;
    std::unique_ptr<SessionDatabase> m_db;
    std::unique_ptr<media::VideoEncoder> m_video;
    // Frames an output interpolator made between world frames go to their own video (between.mkv, opened at the first
    // one) and table, so the session video and its rows stay the world model's, for replay and export.
    std::unique_ptr<media::VideoEncoder> m_betweenVideo;
    SessionInfo m_info;
    std::vector<BetweenFrameRow> m_pendingBetween;
    std::string m_dbPath, m_videoPath;
    std::thread m_thread;
    std::vector<FrameRow> m_pendingFrames;
    std::vector<MemoryEventRow> m_pendingEvents;
    std::atomic<uint64_t> m_written{0};
    mutable std::mutex m_errorMutex;
    std::string m_error;
    bool m_finished = false;
};

// The files of a session folder.
std::string sessionDatabasePath(const std::string &folder);
std::string sessionVideoPath(const std::string &folder);
std::string sessionBetweenVideoPath(const std::string &folder); // frames an output interpolator made (schema 3)

} // namespace mnemo::session
