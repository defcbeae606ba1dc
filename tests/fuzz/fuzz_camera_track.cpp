// Camera-track JSON (mnemo-cli run --camera-track, eval revisit): hand-edited or written by other tools.
#include "mnemo/camera/CameraTrack.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    (void)mnemo::camera::cameraTrackFromJson(std::string(reinterpret_cast<const char *>(data), size), "fuzz.json");
    return 0;
}
