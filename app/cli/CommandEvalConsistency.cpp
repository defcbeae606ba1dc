// mnemo-cli eval consistency: the warp error of an edited video against its source (docs/consistency.md), for any
// pair of videos or image folders, another tool's output included: a JSON summary, and on request a CSV with one row
// per frame pair and a PNG plot.
#include "Commands.hpp"

#include "mnemo/media/FrameSource.hpp"
#include "mnemo/media/ImageFile.hpp"
#include "mnemo/metrics/ImageMetrics.hpp"
#include "mnemo/metrics/Plot.hpp"
#include "mnemo/metrics/WarpError.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>

namespace mnemo::cli {
namespace {

const std::map<std::string, metrics::FlowQuality> kQualities = {
    {"ultrafast", metrics::FlowQuality::UltraFast},
    {"fast", metrics::FlowQuality::Fast},
    {"medium", metrics::FlowQuality::Medium}};

struct ConsistencyOptions {
    std::string edited;
    std::string source;
    std::string quality = "fast";
    long maxFrames = 0; // 0: every frame
    std::optional<std::string> reference; // per-frame PSNR/SSIM against this output instead of the source
    std::optional<std::string> csv;
    std::optional<std::string> plot;
};

struct ConsistencyResult {
    size_t frames = 0; // frames read from each input (the shorter one bounds both)
    uint32_t width = 0, height = 0;
    std::vector<metrics::WarpErrorPair> pairs;   // frame pairs (1, 0), (2, 1), ...
    std::vector<metrics::Comparison> fidelity;     // per frame: edited vs the reference (or the source)
};

CLI::App *defineConsistency(CLI::App &eval, ConsistencyOptions &o) {
    CLI::App *c = eval.add_subcommand(
        "consistency", "temporal consistency of an edited video: warp error against its source (JSON, CSV, plot)");
    c->add_option("EDITED", o.edited, "the edited video (or image folder)")->required();
    c->add_option("--source", o.source, "the video it was made from; its optical flow is the reference")
        ->required()
        ->type_name("FILE");
    c->add_option("--flow", o.quality, "DIS optical flow preset: ultrafast, fast or medium")
        ->check(CLI::IsMember({"ultrafast", "fast", "medium"}))
        ->type_name("PRESET");
    addFramesOption(*c, o.maxFrames, "frames to compare at most (0: all)", true);
    c->add_option("--reference", o.reference,
                  "per-frame PSNR/SSIM against this output (another tool's, a previous render) instead of the source")
        ->type_name("FILE");
    c->add_option("--csv", o.csv, "write one row per frame here (warp error from the second frame on)")->type_name("FILE");
    c->add_option("--plot", o.plot, "write the warp error per frame as a PNG chart here")->type_name("FILE.png");
    return c;
}

// The next frame of `source`, or nothing at its end; errors name the file.
Result<std::optional<Frame>> nextFrame(media::FrameSource &source, const std::string &path) {
    auto next = source.next();
    if (!next.ok()) return next.status().withContext(path);
    if (!next.value()) return std::optional<Frame>();
    return std::optional<Frame>(std::move(next.value()->frame));
}

// The frame of `reference` that goes with the next edited frame, or the source frame when there is no reference.
Result<std::optional<Frame>> fidelityFrame(media::FrameSource *reference, const ConsistencyOptions &o,
                                           const std::optional<Frame> &sourceFrame) {
    if (!reference) return sourceFrame;
    return nextFrame(*reference, *o.reference);
}

Status measureFidelity(ConsistencyResult &result, const Frame &edited, const Frame &against,
                       const ConsistencyOptions &o) {
    auto comparison = metrics::compareFrames(edited, against);
    if (!comparison.ok()) {
        return comparison.status().withContext(o.edited + " against " + (o.reference ? *o.reference : o.source));
    }
    result.fidelity.push_back(comparison.value());
    return {};
}

Result<ConsistencyResult> runConsistency(const ConsistencyOptions &o) {
    auto source = media::openSource(o.source); // errors name the file
    if (!source.ok()) return source.status();
    auto edited = media::openSource(o.edited);
    if (!edited.ok()) return edited.status();
    std::unique_ptr<media::FrameSource> reference;
    if (o.reference) {
        auto opened = media::openSource(*o.reference);
        if (!opened.ok()) return opened.status();
        reference = std::move(opened.value());
    }
    metrics::WarpErrorMeter meter(kQualities.at(o.quality));
    ConsistencyResult result;
    while (o.maxFrames == 0 || long(result.frames) < o.maxFrames) {
        auto sourceFrame = nextFrame(*source.value(), o.source);
        if (!sourceFrame.ok()) return sourceFrame.status();
        auto editedFrame = nextFrame(*edited.value(), o.edited);
        if (!editedFrame.ok()) return editedFrame.status();
        const std::optional<Frame> &s = sourceFrame.value(), &e = editedFrame.value();
        auto against = fidelityFrame(reference.get(), o, s);
        if (!against.ok()) return against.status();
        if (!s || !e || !against.value()) break;
        if (Status f = measureFidelity(result, *e, *against.value(), o); !f.ok()) return f;
        auto pair = meter.push(*s, *e);
        if (!pair.ok()) return pair.status().withContext(o.edited + " against " + o.source);
        if (pair.value()) result.pairs.push_back(*pair.value());
        result.width = s->width;
        result.height = s->height;
        ++result.frames;
    }
    if (result.pairs.empty()) {
        return Status(StatusCode::InvalidArgument, "fewer than two frames to compare in " + o.edited + " and " + o.source);
    }
    return result;
}

Status writeCsv(const std::string &path, const ConsistencyResult &r) {
    std::ofstream csv(path);
    if (!csv) return {StatusCode::Internal, "cannot write '" + path + "'"};
    csv << "frame,warp_error,occluded_fraction,ms,psnr,ssim\n";
    for (size_t i = 0; i < r.fidelity.size(); ++i) {
        csv << i << ',';
        if (i > 0) csv << r.pairs[i - 1].error << ',' << r.pairs[i - 1].occludedFraction << ',' << r.pairs[i - 1].ms;
        else csv << ",,";
        const double psnr = r.fidelity[i].psnr;
        csv << ',' << (std::isfinite(psnr) ? std::to_string(psnr) : std::string("inf")) << ',' << r.fidelity[i].ssim
            << '\n';
    }
    return csv ? Status() : Status(StatusCode::Internal, "cannot write '" + path + "'");
}

Status writePlot(const std::string &path, const ConsistencyOptions &o, const ConsistencyResult &r) {
    metrics::PlotSeries series{"warp error (frame t+1 vs edited t warped by the source's flow)", {255, 170, 60}, {}};
    double top = 1.0;
    for (size_t i = 0; i < r.pairs.size(); ++i) {
        series.points.push_back({double(i + 1), r.pairs[i].error});
        top = std::max(top, r.pairs[i].error);
    }
    const metrics::PlotSpec spec{"Temporal consistency: " + o.edited, "frame", "warp error (0-255)", 0, top * 1.1,
                                 900, 420};
    return media::writePng(path, metrics::renderPlot(spec, {series}));
}

// Mean PSNR over the frames that differ (identical ones are counted apart: their PSNR is infinite), mean SSIM.
nlohmann::json summarizeFidelity(const ConsistencyOptions &o, const ConsistencyResult &r) {
    double psnr = 0, ssim = 0;
    size_t finite = 0;
    for (const auto &c : r.fidelity) {
        if (std::isfinite(c.psnr)) psnr += c.psnr, ++finite;
        ssim += c.ssim;
    }
    return {{"against", o.reference ? *o.reference : o.source},
            {"psnr_mean", finite ? nlohmann::json(psnr / double(finite)) : nlohmann::json(nullptr)},
            {"identical_frames", r.fidelity.size() - finite},
            {"ssim_mean", r.fidelity.empty() ? 0.0 : ssim / double(r.fidelity.size())}};
}

nlohmann::json summarize(const ConsistencyOptions &o, const ConsistencyResult &r) {
    std::vector<double> errors;
    double sum = 0, occluded = 0, ms = 0;
    for (const auto &p : r.pairs) {
        errors.push_back(p.error);
        sum += p.error, occluded += p.occludedFraction, ms += p.ms;
    }
    std::sort(errors.begin(), errors.end());
    const double n = double(r.pairs.size());
    return {{"edited", o.edited},
            {"source", o.source},
            {"frames", r.frames},
            {"pairs", r.pairs.size()},
            {"size", std::to_string(r.width) + "x" + std::to_string(r.height)},
            {"flow", "DIS " + o.quality},
            {"warp_error", sum / n},
            {"warp_error_p95", errors[std::min(errors.size() - 1, size_t(0.95 * n))]},
            {"occluded_fraction", occluded / n},
            {"ms_per_pair", ms / n},
            {"fidelity", summarizeFidelity(o, r)},
            {"csv", o.csv ? nlohmann::json(*o.csv) : nlohmann::json(nullptr)},
            {"plot", o.plot ? nlohmann::json(*o.plot) : nlohmann::json(nullptr)}};
}

int runAndPrint(const ConsistencyOptions &o) {
    auto result = runConsistency(o);
    if (!result.ok()) return failWith("eval consistency", result.message());
    if (o.csv) {
        if (Status s = writeCsv(*o.csv, result.value()); !s.ok()) return failWith("eval consistency", s.message());
    }
    if (o.plot) {
        if (Status s = writePlot(*o.plot, o, result.value()); !s.ok()) return failWith("eval consistency", s.message());
    }
    printJson(summarize(o, result.value()));
    return 0;
}

} // namespace

void addEvalConsistencyCommand(CLI::App &eval, CommandLine &line) {
    auto o = std::make_shared<ConsistencyOptions>();
    onParsed(*defineConsistency(eval, *o), line, [o] { return runAndPrint(*o); });
}

} // namespace mnemo::cli
