#include "mnemo/edit/EditSessionFile.hpp"

#include "mnemo/core/Guard.hpp"
#include "mnemo/edit/CameraPath.hpp"
#include "mnemo/edit/ParamKeys.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mnemo::edit {
namespace {

using nlohmann::json;
constexpr const char *kFormat = "mnemo-edit-session";
constexpr int kVersion = 1;

json linkJson(const ChainLink &link, const modules::ModuleRegistry &registry) {
    const auto *module = registry.find(link.moduleId);
    json out{{"module", link.moduleId},
             {"version", module ? json(module->version) : json(nullptr)},
             {"bypass", link.bypass},
             {"params", link.params},
             {"text_params", link.textParams}};
    const auto *keys = dynamic_cast<const ParamKeys *>(link.automation.get());
    const ParamAutomation *camera = keys ? keys->under().get() : link.automation.get();
    if (const auto *path = dynamic_cast<const CameraPath *>(camera)) out["camera_path"] = json::parse(toJson(*path));
    if (keys && keys->keyCount() > 0) {
        json tracks = json::object();
        for (const auto &[name, track] : keys->tracks()) {
            json frames = json::array();
            for (const auto &[frame, value] : track.keys) frames.push_back({frame, value});
            tracks[name] = {{"base", track.base}, {"keys", frames}};
        }
        out["param_keys"] = tracks;
    }
    return out;
}

// "param_keys": {"NAME": {"base": V, "keys": [[FRAME, V], ...]}, ...}, checked value by value.
Result<ParamKeys::Tracks> tracksFrom(const json &j, const std::string &where) {
    if (!j.is_object()) return Status(StatusCode::InvalidArgument, where + ": param_keys must be an object");
    ParamKeys::Tracks tracks;
    for (const auto &[name, track] : j.items()) {
        const std::string what = where + ": param_keys." + name;
        const auto finite = [](const json &v) { return v.is_number() && std::isfinite(v.get<double>()); };
        if (!track.is_object() || !finite(track.value("base", json())) || !track.value("keys", json()).is_array()) {
            return Status(StatusCode::InvalidArgument, what + " needs a number \"base\" and a \"keys\" array");
        }
        ParamTrack &out = tracks[name];
        out.base = track["base"].get<double>();
        for (const json &key : track["keys"]) {
            if (!key.is_array() || key.size() != 2 || !key[0].is_number_unsigned() || !finite(key[1])) {
                return Status(StatusCode::InvalidArgument, what + ": a key is [FRAME, VALUE], not " + key.dump());
            }
            out.keys[key[0].get<uint64_t>()] = key[1].get<double>();
        }
    }
    return tracks;
}

Result<ChainLink> linkFrom(const json &j, const std::string &file, size_t index) {
    ChainLink link;
    link.moduleId = j.at("module").get<std::string>();
    link.bypass = j.value("bypass", false);
    if (j.contains("params")) link.params = j.at("params").get<modules::ParamValues>();
    if (j.contains("text_params")) link.textParams = j.at("text_params").get<std::map<std::string, std::string>>();
    const std::string where = file + ": chain[" + std::to_string(index) + "]";
    if (j.contains("camera_path")) {
        auto path = parseCameraPath(j.at("camera_path").dump(2), where);
        if (!path.ok()) return path.status();
        link.automation = std::make_shared<const CameraPath>(std::move(path.value()));
    }
    if (j.contains("param_keys")) {
        auto tracks = tracksFrom(j.at("param_keys"), where);
        if (!tracks.ok()) return tracks.status();
        link.automation = std::make_shared<const ParamKeys>(std::move(tracks.value()), link.automation);
    }
    return link;
}

Result<EditSessionDocument> documentFrom(const json &j, const std::string &file) {
    if (j.value("format", "") != kFormat) return Status(StatusCode::InvalidArgument, file + ": not a " + kFormat);
    if (j.value("version", 0) != kVersion) {
        return Status(StatusCode::Unsupported, file + ": version " + j.value("version", json()).dump() +
                                                   " (this Mnemo reads version " + std::to_string(kVersion) + ")");
    }
    EditSessionDocument doc;
    EditRenderConfig &c = doc.config;
    c.input = j.at("source").get<std::string>();
    c.seed = j.value("seed", uint64_t(1));
    c.startFrame = j.value("start_frame", uint64_t(0));
    c.maxFrames = j.value("max_frames", uint64_t(0));
    const std::string gpu = j.value("gpu", "auto");
    const auto use = gpuUseFromName(gpu);
    if (!use) return Status(StatusCode::InvalidArgument, file + ": gpu must be auto, on or off, not '" + gpu + "'");
    c.gpu = *use;
    // A replay runs where the edit ran, so it stays bit-exact even if what `auto` picks has changed since (the GPU and
    // C paths agree within 1 LSB, not to the bit).
    if (const auto result = j.find("result"); result != j.end() && result->is_object()) {
        if (const auto ran = result->find("ran_on_gpu"); ran != result->end() && ran->is_boolean()) {
            c.gpu = ran->get<bool>() ? GpuUse::Always : GpuUse::Never;
        }
    }
    const std::string codec = j.value("codec", "h264");
    if (codec != "h264" && codec != "ffv1") return Status(StatusCode::InvalidArgument, file + ": unknown codec '" + codec + "'");
    c.codec = codec == "ffv1" ? media::VideoCodec::FFV1 : media::VideoCodec::H264;
    const json crf = j.value("crf", json(18));
    if (!crf.is_number_integer() || crf.get<int64_t>() < 0 || crf.get<int64_t>() > 51) {
        return Status(StatusCode::InvalidArgument, file + ": crf must be an integer from 0 to 51, not " + crf.dump());
    }
    c.crf = int(crf.get<int64_t>());
    const json &chain = j.at("chain");
    for (size_t i = 0; i < chain.size(); ++i) {
        auto link = linkFrom(chain[i], file, i);
        if (!link.ok()) return link.status();
        if (chain[i].contains("version") && chain[i]["version"].is_string()) {
            doc.moduleVersions[link->moduleId] = chain[i]["version"].get<std::string>();
        }
        c.chain.push_back(std::move(link.value()));
    }
    if (c.chain.empty()) return Status(StatusCode::InvalidArgument, file + ": the chain names no module");
    if (j.contains("result")) {
        const json &r = j.at("result");
        if (r.contains("frames")) doc.frames = r.at("frames").get<uint64_t>();
        if (r.contains("warp_error") && r.at("warp_error").is_number()) doc.warpError = r.at("warp_error").get<double>();
    }
    return doc;
}

} // namespace

std::string editSessionJson(const EditRenderConfig &config, const EditRenderResult *result,
                            const modules::ModuleRegistry &registry) {
    json chain = json::array();
    for (const ChainLink &link : config.chain) chain.push_back(linkJson(link, registry));
    json doc{{"format", kFormat},
             {"version", kVersion},
             {"source", std::filesystem::absolute(config.input).lexically_normal().string()},
             {"seed", config.seed},
             {"start_frame", config.startFrame},
             {"max_frames", config.maxFrames},
             {"codec", config.codec == media::VideoCodec::FFV1 ? "ffv1" : "h264"},
             {"crf", config.crf},
             {"gpu", gpuUseName(config.gpu)},
             {"chain", chain}};
    if (result) {
        doc["result"] = {{"output", config.output},
                         {"frames", result->frames},
                         {"warp_error", config.measureConsistency ? json(result->warpError) : json(nullptr)},
                         {"fps", result->fps()},
                         {"ran_on_gpu", result->gpu}};
    }
    return doc.dump(2) + "\n";
}

Status saveEditSession(const std::string &file, const EditRenderConfig &config, const EditRenderResult *result,
                       const modules::ModuleRegistry &registry) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) return {StatusCode::Internal, file + ": cannot write the edit session"};
    out << editSessionJson(config, result, registry);
    out.close();
    if (!out) return {StatusCode::Internal, file + ": writing the edit session failed"};
    return {};
}

Result<EditSessionDocument> loadEditSession(const std::string &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status(StatusCode::NotFound, file + ": cannot open the edit session");
    std::stringstream text;
    text << in.rdbuf();
    return parseEditSession(text.str(), file);
}

Result<EditSessionDocument> parseEditSession(const std::string &jsonText, const std::string &file) {
    Result<EditSessionDocument> doc = Status(StatusCode::Internal, file + ": not read");
    const Status status = guarded("reading " + file, [&] {
        json j;
        try {
            j = json::parse(jsonText);
        } catch (const json::parse_error &e) {
            doc = Status(StatusCode::InvalidArgument, file + ": not valid JSON at byte " + std::to_string(e.byte));
            return;
        }
        try {
            doc = documentFrom(j, file);
        } catch (const json::exception &e) { // a missing field or a wrong type
            doc = Status(StatusCode::InvalidArgument, file + ": " + e.what());
        }
    });
    if (!status.ok()) return status;
    return doc;
}

std::vector<std::string> versionChanges(const EditSessionDocument &doc, const modules::ModuleRegistry &registry) {
    std::vector<std::string> changes;
    for (const auto &[id, version] : doc.moduleVersions) {
        const auto *module = registry.find(id);
        if (!module) changes.push_back(id + " " + version + " -> missing");
        else if (module->version != version) changes.push_back(id + " " + version + " -> " + module->version);
    }
    return changes;
}

} // namespace mnemo::edit
