// mnemo-cli bench decode: how fast Mnemo turns a video file into RGBA frames, on one thread (VideoDecoder with one
// FFmpeg thread), over keyframe intervals on several threads (ParallelDecoder), and next to the ffmpeg binary on the
// same file in the same run.
#include "BenchVideo.hpp"
#include "Commands.hpp"

#include "mnemo/core/Status.hpp"
#include "mnemo/media/ParallelDecoder.hpp"
#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/media/VideoEncoder.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace mnemo::cli {
namespace {

constexpr int kGeneratedSeconds = 20;

struct Timing {
    uint64_t frames = 0;
    double seconds = 0;
    double cpuSeconds = 0; // this process's CPU time, all threads: what the speed cost, whatever else ran
    double fps() const { return seconds > 0 ? double(frames) / seconds : 0.0; }
};

double processCpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Clock {
    std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
    double cpu = processCpuSeconds();
};

// Open to last frame, the RGBA conversion included: what a caller of next() waits for.
template <typename Decoder>
Result<Timing> drainTimed(const Clock &start, Decoder &decoder) {
    for (;;) {
        auto frame = decoder.next();
        if (!frame.ok()) return frame.status();
        if (!frame.value()) break;
    }
    Timing timing;
    timing.frames = decoder.framesDecoded();
    timing.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start.wall).count();
    timing.cpuSeconds = processCpuSeconds() - start.cpu;
    return timing;
}

Result<Timing> timeSingleThreaded(const std::string &file) {
    const Clock start;
    media::VideoDecoderOptions options;
    options.decoderThreads = 1;
    auto decoder = media::VideoDecoder::open(file, options);
    if (!decoder.ok()) return decoder.status();
    return drainTimed(start, *decoder.value());
}

struct ParallelTiming {
    Timing timing;
    unsigned threads = 0;
    size_t intervals = 0;
};

Result<ParallelTiming> timeParallel(const std::string &file, unsigned threads) {
    const Clock start;
    auto decoder = media::ParallelDecoder::open(file, threads);
    if (!decoder.ok()) return decoder.status();
    auto timing = drainTimed(start, *decoder.value());
    if (!timing.ok()) return timing.status();
    return ParallelTiming{timing.value(), decoder.value()->threadCount(), decoder.value()->intervalCount()};
}

// ---- ffmpeg, for comparison ------------------------------------------------------------------------------------

struct FfmpegTiming {
    std::optional<double> fps; // nothing when ffmpeg is missing or failed; `problem` says why
    uint64_t frames = 0;
    double rtime = 0, cpuSeconds = 0; // cpuSeconds: utime + stime
    std::string problem;
};

std::string shellQuoted(const std::string &text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The number after the last `key` in ffmpeg's stderr ("frame=  600", "rtime=4.123s"); nothing if absent.
std::optional<double> lastNumberAfter(const std::string &text, const std::string &key) {
    const size_t at = text.rfind(key);
    if (at == std::string::npos) return std::nullopt;
    const char *begin = text.c_str() + at + key.size();
    char *end = nullptr;
    const double value = std::strtod(begin, &end);
    if (end == begin) return std::nullopt;
    return value;
}

bool ffmpegInstalled() {
    return std::system("command -v ffmpeg >/dev/null 2>&1") == 0;
}

// `-threads 1` before the input: one decoding thread, as Mnemo's single-threaded path. Video only (-an -sn -dn), so
// an audio track costs ffmpeg nothing Mnemo does not pay either. `rgba` adds Mnemo's conversion (same swscale flags)
// on one filter thread; without it ffmpeg only decodes.
FfmpegTiming timeFfmpeg(const std::string &file, bool toRgba) {
    FfmpegTiming out;
    std::string command = "ffmpeg -hide_banner -nostdin -benchmark -threads 1 -i " + shellQuoted("file:" + file) +
                          " -an -sn -dn";
    if (toRgba) command += " -filter_threads 1 -sws_flags bilinear+accurate_rnd+full_chroma_int -pix_fmt rgba";
    command += " -f null - 2>&1 >/dev/null";
    FILE *pipe = popen(command.c_str(), "r");
    if (!pipe) {
        out.problem = "cannot start ffmpeg";
        return out;
    }
    std::string text;
    char buffer[4096];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
    const int status = pclose(pipe);
    if (status != 0) {
        const size_t lastLine = text.find_last_of('\n', text.size() > 1 ? text.size() - 2 : 0);
        out.problem = "ffmpeg failed: " + (lastLine == std::string::npos ? text : text.substr(lastLine + 1));
        return out;
    }
    const auto frames = lastNumberAfter(text, "frame=");
    const auto rtime = lastNumberAfter(text, "rtime=");
    const auto utime = lastNumberAfter(text, "utime=");
    const auto stime = lastNumberAfter(text, "stime=");
    if (!frames || !rtime || *rtime <= 0) {
        out.problem = "no frame count or rtime in ffmpeg's output";
        return out;
    }
    out.frames = uint64_t(*frames);
    out.rtime = *rtime;
    out.cpuSeconds = utime.value_or(0) + stime.value_or(0);
    out.fps = *frames / *rtime;
    return out;
}

// ---- The command -----------------------------------------------------------------------------------------------

std::optional<double> ratio(std::optional<double> numerator, std::optional<double> denominator) {
    if (!numerator || !denominator || *denominator <= 0) return std::nullopt;
    return *numerator / *denominator;
}

nlohmann::json orNull(std::optional<double> value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

double bitrateMbps(const std::string &file, double seconds) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(file, ec);
    return ec || seconds <= 0 ? 0.0 : double(bytes) * 8.0 / seconds / 1e6;
}

struct Best {
    Timing single;
    ParallelTiming parallel;
    FfmpegTiming ffmpegRgba, ffmpegDecode;
};

// A failed run is kept only while there is nothing better, so its reason can be reported.
void keepBest(FfmpegTiming &best, FfmpegTiming run) {
    if (run.fps ? !best.fps || *run.fps > *best.fps : !best.fps && best.problem.empty()) best = std::move(run);
}

// Best of each over the rounds, the paths interleaved in every round: on a shared machine the fastest run of each is
// the one least disturbed by other work, and interleaving spreads any disturbance over all of them.
Result<Best> runRounds(const std::string &file, unsigned threads, long rounds, bool withFfmpeg) {
    Best best;
    for (long round = 0; round < rounds; ++round) {
        auto single = timeSingleThreaded(file);
        if (!single.ok()) return single.status();
        auto parallel = timeParallel(file, threads);
        if (!parallel.ok()) return parallel.status();
        // The parallel path must give every frame the single one does, or its speed means nothing.
        if (parallel.value().timing.frames != single.value().frames) {
            return Status(StatusCode::Internal, "the parallel decode gave " +
                                                    std::to_string(parallel.value().timing.frames) +
                                                    " frames, the single-threaded one " +
                                                    std::to_string(single.value().frames));
        }
        if (single.value().fps() > best.single.fps()) best.single = single.value();
        if (parallel.value().timing.fps() > best.parallel.timing.fps()) best.parallel = parallel.value();
        if (withFfmpeg) {
            keepBest(best.ffmpegRgba, timeFfmpeg(file, true));
            keepBest(best.ffmpegDecode, timeFfmpeg(file, false));
        }
    }
    return best;
}

std::string noteFor(const Best &best, long rounds, bool haveFfmpeg) {
    std::string note =
        "best of " + std::to_string(rounds) + " runs each. single: VideoDecoder with one FFmpeg thread, open to last "
        "RGBA frame. parallel: ParallelDecoder, keyframe intervals on " + std::to_string(best.parallel.threads) +
        " threads, each decoder with one FFmpeg thread, keyframe scan included. ffmpeg: `ffmpeg -benchmark -threads 1 "
        "-i FILE -an -filter_threads 1 -sws_flags bilinear+accurate_rnd+full_chroma_int -pix_fmt rgba -f null -`, one "
        "decoding thread and the same RGBA conversion as Mnemo, frames / rtime (rtime leaves out ffmpeg's own open "
        "and probe, which Mnemo's times include); vs_ffmpeg = single_fps / ffmpeg_fps. ffmpeg_decode_only_fps drops "
        "the conversion (ffmpeg then hands out YUV frames). *_cpu_s: CPU time of that run, all threads: when other "
        "work shares the cores, the wall-clock speed-up falls and the CPU times still tell what each path costs.";
    if (!haveFfmpeg) {
        note += " ffmpeg is not installed (Debian package ffmpeg): no comparison.";
    } else if (!best.ffmpegRgba.fps || !best.ffmpegDecode.fps) {
        note += " " + (best.ffmpegRgba.fps ? best.ffmpegDecode.problem : best.ffmpegRgba.problem);
    }
    return note;
}

void addResults(nlohmann::json &out, const Best &best) {
    const std::optional<double> singleFps = best.single.fps(), parallelFps = best.parallel.timing.fps();
    out["frames"] = best.single.frames;
    out["single_fps"] = *singleFps;
    out["parallel_fps"] = *parallelFps;
    out["parallel_speedup"] = orNull(ratio(parallelFps, singleFps));
    out["single_cpu_s"] = best.single.cpuSeconds;
    out["parallel_cpu_s"] = best.parallel.timing.cpuSeconds;
    out["threads"] = best.parallel.threads;
    out["intervals"] = best.parallel.intervals;
    out["ffmpeg_fps"] = orNull(best.ffmpegRgba.fps);
    out["vs_ffmpeg"] = orNull(ratio(singleFps, best.ffmpegRgba.fps));
    out["ffmpeg_decode_only_fps"] = orNull(best.ffmpegDecode.fps);
    out["vs_ffmpeg_decode_only"] = orNull(ratio(singleFps, best.ffmpegDecode.fps));
    if (best.ffmpegRgba.fps) {
        out["ffmpeg_frames"] = best.ffmpegRgba.frames;
        out["ffmpeg_cpu_s"] = best.ffmpegRgba.cpuSeconds;
    }
}

struct DecodeOptions {
    std::optional<std::string> file;
    long threads = 0;
    long repeat = 3;
};

struct DecodeResult {
    std::string file;
    std::optional<std::string> generated; // the test video made because no file was given
    std::string codec, size;
    double bitrateMbps = 0;
    std::optional<std::array<double, 3>> loadAverage;
    Best best;
    bool haveFfmpeg = false;
};

Result<DecodeResult> runDecode(const DecodeOptions &o) {
    DecodeResult r;
    if (o.file) {
        r.file = *o.file;
    } else {
        std::cerr << "mnemo-cli bench: no file given; generating a 1280x720 H.264 test video (20 s at 30 fps)\n";
        auto generated = generateBenchVideo(kBenchVideoWidth, kBenchVideoHeight, kGeneratedSeconds);
        if (!generated.ok()) return generated.status();
        r.file = generated.value();
        r.generated = r.file;
    }
    const auto info = media::probe(r.file);
    if (!info.ok()) return info.status();
    r.codec = info.value().codec;
    r.size = std::to_string(info.value().width) + "x" + std::to_string(info.value().height);
    r.bitrateMbps = bitrateMbps(r.file, info.value().durationSeconds);
    // The machine may be shared: a busy one slows the parallel path most, and this says how busy it was.
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) == 3) r.loadAverage = std::array<double, 3>{load[0], load[1], load[2]};
    r.haveFfmpeg = ffmpegInstalled();
    auto best = runRounds(r.file, unsigned(o.threads), o.repeat, r.haveFfmpeg);
    if (!best.ok()) return best.status();
    r.best = best.value();
    return r;
}

void printDecode(const DecodeOptions &o, const DecodeResult &r) {
    nlohmann::json out{{"bench", "decode"}};
    if (r.generated) out["generated"] = *r.generated;
    out["file"] = r.file;
    out["codec"] = r.codec;
    out["size"] = r.size;
    out["bitrate_mbps"] = r.bitrateMbps;
    if (r.loadAverage) out["load_average"] = {(*r.loadAverage)[0], (*r.loadAverage)[1], (*r.loadAverage)[2]};
    addResults(out, r.best);
    out["repeat"] = o.repeat;
    out["note"] = noteFor(r.best, o.repeat, r.haveFfmpeg);
    printJson(out);
}

} // namespace

// mnemo-cli bench decode [FILE] [--threads N] [--repeat R]
void addBenchDecodeCommand(CLI::App &bench, CommandLine &line) {
    auto o = std::make_shared<DecodeOptions>();
    CLI::App *decode = bench.add_subcommand(
        "decode", "decode speed: one thread, keyframe intervals in parallel, vs ffmpeg (JSON)");
    decode->add_option("FILE", o->file, "the video to decode (default: a generated 1280x720 H.264 test video)");
    decode->add_option("--threads", o->threads, "threads of the parallel decode (0: all cores)")
        ->check(wholeNumberIn(0, 256, "0 (all cores)"))
        ->type_name("N");
    decode->add_option("--repeat", o->repeat, "rounds; the best of each path counts")
        ->check(wholeNumberIn(1, 100))
        ->type_name("N");
    onParsed(*decode, line,
             [o] { return finish("bench", runDecode(*o), [&](const DecodeResult &r) { printDecode(*o, r); }); });
}

} // namespace mnemo::cli
