// The Edit workspace's hand-editable documents: camera paths (--camera-path, Load… in the workspace) and edit
// sessions (--replay). Both are JSON written by people and other tools; the first byte picks the reader so one
// target covers both.
#include "mnemo/edit/CameraPath.hpp"
#include "mnemo/edit/EditSessionFile.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const std::string text(reinterpret_cast<const char *>(data) + 1, size - 1);
    if (data[0] & 1) {
        auto path = mnemo::edit::parseCameraPath(text, "fuzz.json");
        if (path.ok()) (void)path->at(uint64_t(data[0]) * 7); // a parsed path evaluates anywhere
    } else {
        (void)mnemo::edit::parseEditSession(text, "fuzz.edit.json");
    }
    return 0;
}
