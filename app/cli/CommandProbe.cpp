#include "Commands.hpp"

#include "mnemo/media/VideoDecoder.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace mnemo::cli {
namespace {

nlohmann::json describe(const std::string &file, const media::VideoInfo &info) {
    return {{"file", file},
            {"container", info.container},
            {"codec", info.codec},
            {"width", info.width},
            {"height", info.height},
            {"pixel_format", info.pixelFormat},
            {"rotation", info.rotationDeg},
            {"duration", info.durationSeconds},
            {"fps", info.fps}};
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
    if (!args.flag("decode")) {
        const auto info = media::probe(file);
        if (!info.ok()) return failWith("probe", info.message());
        std::cout << describe(file, info.value()).dump(2) << "\n";
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
    nlohmann::json out = describe(file, decoder.value()->info());
    out["frames_decoded"] = decoder.value()->framesDecoded();
    out["decode_errors"] = decoder.value()->decodeErrors();
    std::cout << out.dump(2) << "\n";
    return 0;
}

} // namespace mnemo::cli
