// Video files as users hand them to Mnemo: probe, then decode up to a few dozen frames (enough to reach the codec's
// error paths without letting one input run for seconds).
#include "FuzzCommon.hpp"

#include "mnemo/media/VideoDecoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string path = mnemo::fuzz::writeInput(data, size, "input.video");
    (void)mnemo::media::probe(path);
    mnemo::media::VideoDecoderOptions options;
    options.decoderThreads = 1; // deterministic, and libFuzzer runs one input at a time
    auto decoder = mnemo::media::VideoDecoder::open(path, options);
    if (!decoder.ok()) return 0;
    for (int i = 0; i < 40; ++i) {
        auto frame = decoder.value()->next();
        if (!frame.ok() || !frame.value()) break;
    }
    (void)decoder.value()->seek(0);
    (void)decoder.value()->next();
    return 0;
}
