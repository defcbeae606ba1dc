#pragma once
// A recorded session's database: one SQLite file per session, WAL mode, schema documented in docs/session-format.md.
// The writer side is used by the recorder's thread only; readers (replay, export, the Sessions panel) open their
// own read-only connections and never block it.

#include "mnemo/core/Status.hpp"
#include "mnemo/camera/Camera.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace mnemo::session {

// The schema this build writes. History (each step is a migration in SessionDatabase.cpp):
//   1: meta, frames (camera, controller, timestamps), memory_events
//   2: + timings(frame_index, stage, ms), + metrics(frame_index, name, value), + frames.latency_ms
//   3: + between_frames: frames an output interpolator showed between two world frames (camera, place, video frame)
inline constexpr int kSchemaVersion = 3;

struct FrameRow {
    uint64_t frameIndex = 0;
    uint64_t step = 0;
    int64_t inputUs = 0;     // steady clock of the input sample that drove the frame
    int64_t producedUs = 0;  // when the module finished it
    int64_t recordedUs = 0;  // when the recorder wrote it
    int64_t videoFrame = -1; // index in the session video, -1 if not in it
    camera::CameraFrame camera;
    camera::ControllerTick controller;
    double stepMs = 0;
    double latencyMs = 0;    // input sample -> recorder
};

// A frame made between world frames frame_index - 1 and frame_index (the World's output chain: an interpolator), shown
// at the moment frame_index - 1 + (part + 1) / parts. Not a world frame: replays and exports skip it; its pixels are
// in the session's between-frames video (meta "between_video_path") at video_frame, -1 when not recorded.
struct BetweenFrameRow {
    uint64_t frameIndex = 0;
    uint32_t part = 0, parts = 1;
    int64_t videoFrame = -1;
    camera::CameraFrame camera; // interpolated between the two world frames'
};

struct MemoryEventRow {
    uint64_t frameIndex = 0;
    std::string kind; // "retrieve", "write", "evict"
    uint64_t step = 0;
    uint64_t entryId = 0;
    uint64_t entryFrame = 0;
    double score = 0;
    double covered = 0;
};

class SessionDatabase {
public:
    // Creates the file (or upgrades an older one) for writing. Refuses a file from a newer schema.
    static Result<std::unique_ptr<SessionDatabase>> openForWriting(const std::string &path);
    // Read-only; older schemas are read as they are (missing tables read as empty), newer ones are refused.
    static Result<std::unique_ptr<SessionDatabase>> openReadOnly(const std::string &path);
    ~SessionDatabase();

    int schemaVersion() const { return m_version; }
    const std::string &path() const { return m_path; }

    Status setMeta(const std::map<std::string, std::string> &values);
    std::map<std::string, std::string> meta() const;

    // Writes rows in one transaction (the recorder batches ~100 ms of frames per call).
    Status append(const std::vector<FrameRow> &frames, const std::vector<MemoryEventRow> &events,
                  const std::vector<std::tuple<uint64_t, std::string, double>> &timings = {});

    // Between-frame rows in one transaction (schema 3; the recorder's batches).
    Status appendBetween(const std::vector<BetweenFrameRow> &rows);

    Result<std::vector<FrameRow>> frames() const;
    // By frame_index, then part; empty for sessions from before schema 3.
    Result<std::vector<BetweenFrameRow>> betweenFrames() const;
    Result<std::vector<MemoryEventRow>> memoryEvents() const;
    uint64_t frameCount() const;

    // For tests and tools: create a file at an older schema version (the first `version` migrations only).
    static Status createAtVersion(const std::string &path, int version);

private:
    SessionDatabase(sqlite3 *db, std::string path, int version) : m_db(db), m_path(std::move(path)), m_version(version) {}
    sqlite3 *m_db;
    std::string m_path;
    int m_version;
};

} // namespace mnemo::session
