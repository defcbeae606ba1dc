#include "mnemo/session/SessionRecorder.hpp"
#include "mnemo/core/Clock.hpp"
#include "mnemo/core/Guard.hpp"

#include "mnemo/core/Log.hpp"
#include "mnemo/core/Version.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace mnemo::session {

std::string sessionDatabasePath(const std::string &folder) { return folder + "/session.sqlite"; }
std::string sessionVideoPath(const std::string &folder) { return folder + "/video.mkv"; }
std::string sessionBetweenVideoPath(const std::string &folder) { return folder + "/between.mkv"; }

Result<std::unique_ptr<SessionRecorder>> SessionRecorder::start(const RecorderConfig &config, const SessionInfo &info) {
    std::error_code ec;
    std::filesystem::create_directories(config.folder, ec);
    if (ec) return Status(StatusCode::NotFound, "cannot create session folder '" + config.folder + "': " + ec.message());
    std::unique_ptr<SessionRecorder> r(new SessionRecorder(config));
    r->m_info = info;
    r->m_dbPath = sessionDatabasePath(config.folder);
    r->m_videoPath = sessionVideoPath(config.folder);
    auto db = SessionDatabase::openForWriting(r->m_dbPath);
    if (!db.ok()) return db.status();
    r->m_db = std::move(db.value());
    if (r->m_db->frameCount() > 0) {
        return Status(StatusCode::InvalidArgument, "'" + config.folder + "' already holds a recorded session");
    }
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    Status s = r->m_db->setMeta({{"name", info.name.empty() ? std::filesystem::path(config.folder).filename().string() : info.name},
                                 {"app_version", kVersion},
                                 {"created_unix_ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count())},
                                 {"engine_id", info.engineId},
                                 {"engine_version", info.engineVersion},
                                 {"params_json", info.paramsJson},
                                 {"seed", std::to_string(info.seed)},
                                 {"width", std::to_string(info.width)},
                                 {"height", std::to_string(info.height)},
                                 {"fps", std::to_string(info.fps)},
                                 {"video_path", config.video ? "video.mkv" : ""},
                                 {"video_codec", config.video ? (config.codec == media::VideoCodec::FFV1 ? "ffv1" : "h264") : ""}});
    if (!s.ok()) return s;
    if (config.video) {
        media::VideoEncoderConfig vc;
        vc.path = r->m_videoPath;
        vc.width = info.width;
        vc.height = info.height;
        vc.fps = info.fps;
        vc.codec = config.codec;
        auto video = media::VideoEncoder::open(vc);
        if (!video.ok()) return video.status();
        r->m_video = std::move(video.value());
    }
    r->m_thread = std::thread([raw = r.get()] {
        // An exception ends recording like a disk error does: the error is kept, pushes are refused, and what was
        // committed so far stays readable.
        Status s = guarded("the session recorder thread", [raw] {
            faultPoint("engine.recorder-thread");
            raw->run();
        });
        if (!s.ok()) {
            raw->setError(s.message());
            raw->m_queue.close();
        }
    });
    return r;
}

SessionRecorder::~SessionRecorder() { (void)finish(); }

bool SessionRecorder::push(world::WorldFramePtr frame) { return m_queue.push(std::move(frame)); }

void SessionRecorder::setError(const std::string &message) {
    std::lock_guard lock(m_errorMutex);
    if (m_error.empty()) {
        m_error = message;
        log::error("session", message);
    }
}

SessionRecorder::Stats SessionRecorder::stats() const {
    std::lock_guard lock(m_errorMutex);
    return {m_written.load(), m_queue.droppedCount(), m_error};
}

Status SessionRecorder::flushBatch() {
    Status s = m_pendingFrames.empty() && m_pendingEvents.empty() ? Status{}
                                                                  : m_db->append(m_pendingFrames, m_pendingEvents);
    if (s.ok()) s = m_db->appendBetween(m_pendingBetween);
    m_pendingFrames.clear();
    m_pendingEvents.clear();
    m_pendingBetween.clear();
    return s;
}

Status SessionRecorder::writeWorldFrame(const world::WorldFrame &wf) {
    FrameRow row;
    row.frameIndex = wf.frame->index;
    row.step = wf.step;
    row.inputUs = wf.frame->inputUs;
    row.producedUs = wf.frame->producedUs;
    row.recordedUs = mnemo::steadyNowUs();
    row.camera = wf.camera;
    row.controller = wf.tick;
    row.stepMs = wf.stepMs;
    row.latencyMs = double(row.recordedUs - row.inputUs) / 1000.0;
    if (m_video) {
        row.videoFrame = int64_t(m_video->framesWritten());
        if (Status s = m_video->write(*wf.frame); !s.ok()) return s;
    }
    for (const auto &pick : wf.memory) {
        m_pendingEvents.push_back(
            {row.frameIndex, "retrieve", wf.step, pick.entryId, pick.frameIndex, pick.score, pick.covered});
    }
    m_pendingFrames.push_back(std::move(row));
    return {};
}

// The between-frames video holds N - 1 frames per world frame: at the world's rate times that, it lasts as the session.
Status SessionRecorder::writeBetweenFrame(const world::WorldFrame &wf) {
    BetweenFrameRow row{wf.frame->index, wf.frame->part, wf.frame->parts, -1, wf.camera};
    if (m_config.video && !m_betweenVideo) {
        media::VideoEncoderConfig vc;
        vc.path = sessionBetweenVideoPath(m_config.folder);
        vc.width = wf.frame->width;
        vc.height = wf.frame->height;
        vc.fps = m_info.fps * std::max(1u, wf.frame->parts - 1);
        vc.codec = m_config.codec;
        auto video = media::VideoEncoder::open(vc);
        if (!video.ok()) return video.status();
        m_betweenVideo = std::move(video.value());
        if (Status s = m_db->setMeta({{"between_video_path", "between.mkv"}}); !s.ok()) return s;
    }
    if (m_betweenVideo) {
        row.videoFrame = int64_t(m_betweenVideo->framesWritten());
        if (Status s = m_betweenVideo->write(*wf.frame); !s.ok()) return s;
    }
    m_pendingBetween.push_back(row);
    return {};
}

void SessionRecorder::run() {
    using Clock = std::chrono::steady_clock;
    auto lastCommit = Clock::now();
    while (true) {
        auto item = m_queue.pop(std::chrono::milliseconds(50));
        if (!item) {
            if (m_queue.closed() && m_queue.size() == 0) break;
            if (Clock::now() - lastCommit >= std::chrono::milliseconds(100)) {
                if (Status s = flushBatch(); !s.ok()) {
                    setError(s.message());
                    break;
                }
                lastCommit = Clock::now();
            }
            continue;
        }
        const world::WorldFrame &wf = **item;
        if (Status s = wf.frame->interpolated() ? writeBetweenFrame(wf) : writeWorldFrame(wf); !s.ok()) {
            setError(s.message());
            break;
        }
        ++m_written;
        // Commit about every 100 ms: a crash loses at most that much of the database.
        if (Clock::now() - lastCommit >= std::chrono::milliseconds(100)) {
            if (Status s = flushBatch(); !s.ok()) {
                setError(s.message());
                break;
            }
            lastCommit = Clock::now();
        }
    }
    if (Status s = flushBatch(); !s.ok()) setError(s.message());
    m_queue.close(); // a write error stops the recording: later pushes fail instead of queueing forever
}

Status SessionRecorder::finish() {
    if (m_finished) return {};
    m_finished = true;
    m_queue.close();
    if (m_thread.joinable()) m_thread.join();
    for (auto *video : {m_video.get(), m_betweenVideo.get()}) {
        if (!video) continue;
        if (Status s = video->finish(); !s.ok()) setError(s.message());
    }
    std::lock_guard lock(m_errorMutex);
    return m_error.empty() ? Status{} : Status(StatusCode::Internal, m_error);
}

} // namespace mnemo::session
