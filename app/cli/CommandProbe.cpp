#include "Commands.hpp"

#include "mnemo/media/FrameSource.hpp"
#include "mnemo/media/VideoDecoder.hpp"

#include <nlohmann/json.hpp>
#include "mnemo/core/JsonText.hpp"

#include <iostream>

namespace mnemo::cli {
namespace {

nlohmann::json describe(const std::string &file, const media::VideoInfo &info, media::SourceKind kind) {
    // An array of pairs, not an object: a file may repeat a tag (container and stream both have "encoder").
    nlohmann::json metadata = nlohmann::json::array();
    for (const auto &[key, value] : info.metadata) metadata.push_back(nlohmann::json::array({key, value}));
    return {{"file", file},
            {"kind", media::sourceKindName(kind)},
            {"container", info.container},
            {"codec", info.codec},
            {"width", info.width},
            {"height", info.height},
            {"pixel_format", info.pixelFormat},
            {"rotation", info.rotationDeg},
            {"duration", info.durationSeconds},
            {"fps", info.fps},
            {"frames", info.frameCountHint},
            {"metadata", std::move(metadata)}};
}

// Stills and image folders: what the frame sources would play. --decode reads every image.
int probeImages(const std::string &file, media::SourceKind kind, bool decode) {
    auto source = media::openSource(file);
    if (!source.ok()) return failWith("probe", source.message());
    nlohmann::json out = describe(file, source.value()->info(), kind);
    if (decode) {
        int64_t frames = 0;
        for (;;) {
            auto frame = source.value()->next();
            if (!frame.ok()) return failWith("probe", frame.message());
            if (!frame.value()) break;
            ++frames;
        }
        out["frames_decoded"] = frames;
        out["decode_errors"] = 0;
    }
    std::cout << mnemo::toJson(out, 2) << "\n";
    return 0;
}

} // namespace

// mnemo-cli probe FILE [--decode]
int commandProbe(const CliArgs &args) {
    if (args.positional().size() < 2) return failWith("probe", "which file? (mnemo-cli probe FILE [--decode])", 2);
    if (args.positional().size() > 2) {
        return failWith("probe", "one file at a time; unexpected '" + args.positional()[2] + "'", 2);
    }
    if (const auto unused = args.unusedOptions(); !unused.empty()) {
        return failWith("probe", "unknown option " + unused.front(), 2);
    }
    const std::string &file = args.positional()[1];
    const auto kind = media::sourceKind(file);
    if (!kind.ok()) return failWith("probe", kind.message());
    if (kind.value() == media::SourceKind::Image || kind.value() == media::SourceKind::ImageSequence) {
        return probeImages(file, kind.value(), args.flag("decode"));
    }
    if (!args.flag("decode")) {
        const auto info = media::probe(file);
        if (!info.ok()) return failWith("probe", info.message());
        std::cout << mnemo::toJson(describe(file, info.value(), kind.value()), 2) << "\n";
        return 0;
    }
    // Decoding every frame is the real test of a file: the header can look fine while the data is damaged.
    auto decoder = media::VideoDecoder::open(file);
    if (!decoder.ok()) return failWith("probe", decoder.message());
    for (;;) {
        auto frame = decoder.value()->next();
        if (!frame.ok()) return failWith("probe", frame.message());
        if (!frame.value()) break;
    }
    nlohmann::json out = describe(file, decoder.value()->info(), kind.value());
    out["frames_decoded"] = decoder.value()->framesDecoded();
    out["decode_errors"] = decoder.value()->decodeErrors();
    std::cout << mnemo::toJson(out, 2) << "\n";
    return 0;
}

} // namespace mnemo::cli
