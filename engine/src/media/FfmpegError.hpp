#pragma once
// Private to the media layer: FFmpeg error text, FFmpeg's own log routed into mnemo::log, and owning handles for
// FFmpeg objects so every early return frees what it allocated. Header-only so it needs no entry in the source list.

#include "mnemo/core/Log.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>
}

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace mnemo::media::detail {

inline std::string avErrorText(int error) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    if (av_strerror(error, text, sizeof text) < 0) return "FFmpeg error " + std::to_string(error);
    return text;
}

// The last FFmpeg error line logged on this thread. Opening a file clears it first, so a failure can say what the
// demuxer complained about ("moov atom not found") next to the bare av_strerror text ("Invalid data found ...").
inline std::string &lastFfmpegError() {
    thread_local std::string text;
    return text;
}

// FFmpeg logs one message per decoding error; a damaged file can produce thousands. The first kBurst lines after a
// file is opened (or in any 10 s) are warnings, the rest go to debug: stderr stays readable, MNEMO_LOG_LEVEL=debug
// still shows everything.
struct FfmpegLogBurst {
    static constexpr int kBurst = 20;
    static constexpr std::chrono::seconds kWindow{10};
    std::mutex mutex;
    std::chrono::steady_clock::time_point windowStart = std::chrono::steady_clock::now();
    int inWindow = 0;

    static FfmpegLogBurst &instance() {
        static FfmpegLogBurst burst;
        return burst;
    }
};

inline void resetFfmpegLogBurst() {
    auto &b = FfmpegLogBurst::instance();
    std::lock_guard lock(b.mutex);
    b.windowStart = std::chrono::steady_clock::now();
    b.inWindow = 0;
}

inline log::Level ffmpegLineLevel() {
    int count = 0;
    {
        auto &b = FfmpegLogBurst::instance();
        std::lock_guard lock(b.mutex);
        const auto now = std::chrono::steady_clock::now();
        if (now - b.windowStart > FfmpegLogBurst::kWindow) {
            b.windowStart = now;
            b.inWindow = 0;
        }
        count = ++b.inWindow;
    }
    // Logged outside the burst lock: the log takes its own lock, and two locks are never held together here.
    if (count == FfmpegLogBurst::kBurst + 1) {
        log::warning("ffmpeg", "further FFmpeg errors are logged at debug level for a while (MNEMO_LOG_LEVEL=debug)");
    }
    return count <= FfmpegLogBurst::kBurst ? log::Level::Warning : log::Level::Debug;
}

// "h264", "mov,mp4,m4a,3gp,3g2,mj2": who is speaking, without the object address FFmpeg's own prefix carries.
inline std::string ffmpegSpeaker(void *avClassObject) {
    if (!avClassObject) return {};
    const AVClass *cls = *static_cast<const AVClass **>(avClassObject);
    if (!cls) return {};
    const char *name = cls->item_name ? cls->item_name(avClassObject) : cls->class_name;
    if (!name || std::strcmp(name, "NULL") == 0) return {}; // a codec context without a codec (a parser's)
    return name;
}

// Decoders report most damage only in their log (an FFV1 slice CRC mismatch, concealed H.264 macroblocks) and still
// hand out the frame. A decoder registers a tally as its AVCodecContext's opaque pointer, and the log callback counts
// that context's error lines, so damage is counted and not just printed. Frame-thread copies share the pointer.
struct DecoderErrorTally {
    std::atomic<uint64_t> lines{0};
};

class DecoderErrorRegistry {
public:
    static DecoderErrorRegistry &instance() {
        static DecoderErrorRegistry registry;
        return registry;
    }
    void add(DecoderErrorTally *tally) {
        std::lock_guard lock(m_mutex);
        m_live.insert(tally);
    }
    void remove(DecoderErrorTally *tally) {
        std::lock_guard lock(m_mutex);
        m_live.erase(tally);
    }
    // Only pointers this registry handed out are touched: other code may use opaque for its own purposes.
    void count(const void *tag) {
        std::lock_guard lock(m_mutex);
        if (auto it = m_live.find(static_cast<DecoderErrorTally *>(const_cast<void *>(tag))); it != m_live.end()) {
            ++(*it)->lines;
        }
    }

private:
    std::mutex m_mutex;
    std::set<DecoderErrorTally *> m_live;
};

inline void countDecoderError(void *avClassObject) {
    if (!avClassObject) return;
    const AVClass *cls = *static_cast<const AVClass **>(avClassObject);
    if (!cls || !cls->class_name || std::strcmp(cls->class_name, "AVCodecContext") != 0) return;
    if (const void *tag = static_cast<const AVCodecContext *>(avClassObject)->opaque) {
        DecoderErrorRegistry::instance().count(tag);
    }
}

inline void ffmpegLogCallback(void *avClassObject, int level, const char *format, va_list args) {
    if (level > AV_LOG_ERROR) return; // warnings and chatter from FFmpeg stay quiet by default
    countDecoderError(avClassObject);
    // FFmpeg may emit a line in pieces; keep the pieces per thread until the newline.
    thread_local std::string pending;
    char piece[1024];
    va_list copy;
    va_copy(copy, args);
    std::vsnprintf(piece, sizeof piece, format, copy);
    va_end(copy);
    pending += piece;
    if (pending.empty() || pending.back() != '\n') return;
    while (!pending.empty() && (pending.back() == '\n' || pending.back() == '\r'))
        pending.pop_back();
    if (!pending.empty()) {
        const std::string speaker = ffmpegSpeaker(avClassObject);
        lastFfmpegError() = speaker.empty() ? pending : speaker + ": " + pending;
        log::write(ffmpegLineLevel(), "ffmpeg", lastFfmpegError());
    }
    pending.clear();
}

// Every media entry point calls it when it opens a file, so FFmpeg never prints to stderr on its own and each file
// gets its own burst of warnings.
inline void routeFfmpegLog() {
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_callback(ffmpegLogCallback); });
    resetFfmpegLogBurst();
}

// "Invalid data found when processing input (moov atom not found)" when FFmpeg said more than the error code.
inline std::string describeFailure(int error) {
    std::string text = avErrorText(error);
    const std::string &detail = lastFfmpegError();
    if (!detail.empty()) text += " (" + detail + ")";
    return text;
}

struct FormatInputDeleter {
    void operator()(AVFormatContext *ctx) const { avformat_close_input(&ctx); }
};
struct CodecContextDeleter {
    void operator()(AVCodecContext *ctx) const { avcodec_free_context(&ctx); }
};
struct FrameDeleter {
    void operator()(AVFrame *frame) const { av_frame_free(&frame); }
};
struct PacketDeleter {
    void operator()(AVPacket *packet) const { av_packet_free(&packet); }
};
struct SwsDeleter {
    void operator()(SwsContext *ctx) const { sws_freeContext(ctx); }
};

using FormatInputPtr = std::unique_ptr<AVFormatContext, FormatInputDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

} // namespace mnemo::media::detail
