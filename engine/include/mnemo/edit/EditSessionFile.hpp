#pragma once
// An edit as a document: everything renderEdit needs to make the same output again (the source, the chain with each
// module's version, numeric and text parameters, bypass flags and camera path, the seed, the in point and length, the
// codec, GPU or CPU) and what the render measured (frames, warp error, speed). Written next to every rendered output
// as OUT.edit.json; `mnemo-cli edit --replay OUT.edit.json --out AGAIN.mkv` renders it again, bit-exact for
// deterministic modules and a lossless codec. Format: docs/edit-session.md.

#include "mnemo/edit/EditRender.hpp"
#include "mnemo/modules/ModuleRegistry.hpp"

#include <string>
#include <vector>

namespace mnemo::edit {

struct EditSessionDocument {
    EditRenderConfig config;
    std::map<std::string, std::string> moduleVersions; // module id -> its version when the edit was made
    // What the recorded render measured (absent in a document written before rendering).
    std::optional<uint64_t> frames;
    std::optional<double> warpError;
};

std::string editSessionJson(const EditRenderConfig &config, const EditRenderResult *result,
                            const modules::ModuleRegistry &registry);
Status saveEditSession(const std::string &file, const EditRenderConfig &config, const EditRenderResult *result,
                       const modules::ModuleRegistry &registry);
// Errors name the file and what was wrong (a missing field, a malformed camera path, an unknown codec).
Result<EditSessionDocument> loadEditSession(const std::string &file);
Result<EditSessionDocument> parseEditSession(const std::string &jsonText, const std::string &nameForErrors);
// Modules whose version differs from the document's (or that are missing): "stylize 1.0.0 -> 1.1.0".
std::vector<std::string> versionChanges(const EditSessionDocument &doc, const modules::ModuleRegistry &registry);

} // namespace mnemo::edit
