#include "RemoteWire.hpp"

#include <cmath>
#include <cstring>

namespace mnemo::modules::remote {
namespace {

const char *kindName(ModuleKind kind) { return kind == ModuleKind::Edit ? "edit" : "world"; }

json paramJson(const ModuleParam &p) {
    return {{"name", p.name},         {"label", p.label},       {"description", p.description},
            {"type", paramTypeName(p.type)}, {"min", p.minValue}, {"max", p.maxValue},
            {"default", p.defaultValue}, {"enum_values", p.enumValues}, {"default_text", p.defaultText},
            {"load_time", p.loadTime}, {"file_path", p.isFilePath}};
}

bool paramFromJson(const json &j, ModuleParam &p) {
    if (!j.is_object() || !j.value("name", json()).is_string()) return false;
    p.name = j["name"].get<std::string>();
    p.label = j.value("label", p.name);
    p.description = j.value("description", "");
    const std::string type = j.value("type", "float");
    bool known = false;
    for (ParamType t : {ParamType::Float, ParamType::Int, ParamType::Bool, ParamType::Enum, ParamType::Text}) {
        if (type == paramTypeName(t)) {
            p.type = t;
            known = true;
        }
    }
    if (!known) return false;
    p.minValue = j.value("min", 0.0);
    p.maxValue = j.value("max", 1.0);
    p.defaultValue = j.value("default", 0.0);
    if (j.contains("enum_values") && j["enum_values"].is_array()) {
        for (const json &v : j["enum_values"]) {
            if (!v.is_string()) return false;
            p.enumValues.push_back(v.get<std::string>());
        }
    }
    p.defaultText = j.value("default_text", "");
    p.loadTime = j.value("load_time", false);
    p.isFilePath = j.value("file_path", false);
    return std::isfinite(p.minValue) && std::isfinite(p.maxValue) && std::isfinite(p.defaultValue);
}

} // namespace

std::string targetFor(int version) { return "/mnemo/v" + std::to_string(version); }

int versionOfTarget(const std::string &target) {
    const std::string path = target.substr(0, target.find('?'));
    if (path.rfind("/mnemo/v", 0) != 0 || path.size() == 8 || path.size() > 12) return 0;
    int version = 0;
    for (size_t i = 8; i < path.size(); ++i) {
        if (path[i] < '0' || path[i] > '9') return 0;
        version = version * 10 + (path[i] - '0');
    }
    return version;
}

json moduleJson(const LoadedModule &m) {
    json params = json::array();
    for (const ModuleParam &p : m.params) params.push_back(paramJson(p));
    return {{"id", m.id},           {"name", m.name},         {"version", m.version},
            {"description", m.description}, {"kind", kindName(m.kind)}, {"chunk_frames", m.chunkFrames},
            {"follows_source_flow", m.wantsSourceFlow}, {"params", params}};
}

Result<LoadedModule> moduleFromJson(const json &j, const std::string &where) {
    auto bad = [&](const std::string &what) { return Status(StatusCode::InvalidArgument, where + ": " + what); };
    if (!j.is_object() || !j.value("id", json()).is_string() || j["id"].get<std::string>().empty()) {
        return bad("the module description has no id");
    }
    LoadedModule m;
    m.id = j["id"].get<std::string>();
    m.name = j.value("name", m.id);
    m.version = j.value("version", "");
    m.description = j.value("description", "");
    const std::string kind = j.value("kind", "");
    if (kind != "world" && kind != "edit") return bad("module kind '" + kind + "' (world or edit)");
    m.kind = kind == "edit" ? ModuleKind::Edit : ModuleKind::World;
    const json chunk = j.value("chunk_frames", json(1));
    if (!chunk.is_number_unsigned() || chunk.get<uint64_t>() == 0 || chunk.get<uint64_t>() > 256) {
        return bad("chunk_frames must be 1..256");
    }
    m.chunkFrames = uint32_t(chunk.get<uint64_t>());
    m.wantsSourceFlow = j.value("follows_source_flow", false);
    if (j.contains("params")) {
        if (!j["params"].is_array()) return bad("params must be an array");
        for (const json &p : j["params"]) {
            ModuleParam param;
            if (!paramFromJson(p, param)) return bad("a malformed parameter: " + p.dump().substr(0, 200));
            m.params.push_back(std::move(param));
        }
    }
    return m;
}

json cameraJson(const mnemo_camera &c) {
    return {{"c2w", std::vector<float>(c.c2w, c.c2w + 16)}, {"fx", c.fx}, {"fy", c.fy}, {"cx", c.cx}, {"cy", c.cy}};
}

bool cameraFromJson(const json &j, mnemo_camera &c) {
    if (!j.is_object() || !j.value("c2w", json()).is_array() || j["c2w"].size() != 16) return false;
    for (size_t i = 0; i < 16; ++i) {
        if (!j["c2w"][i].is_number()) return false;
        c.c2w[i] = j["c2w"][i].get<float>();
    }
    for (auto [key, field] : {std::pair<const char *, float *>{"fx", &c.fx}, {"fy", &c.fy}, {"cx", &c.cx}, {"cy", &c.cy}}) {
        if (!j.value(key, json()).is_number()) return false;
        *field = j[key].get<float>();
    }
    return true;
}

std::string packBinary(const json &header, const uint8_t *const *frames, size_t count, size_t frameBytes) {
    const std::string text = header.dump();
    std::string out(4 + text.size() + count * frameBytes, '\0');
    const uint32_t n = uint32_t(text.size());
    const uint8_t le[4] = {uint8_t(n), uint8_t(n >> 8), uint8_t(n >> 16), uint8_t(n >> 24)};
    std::memcpy(out.data(), le, 4);
    std::memcpy(out.data() + 4, text.data(), text.size());
    for (size_t i = 0; i < count; ++i) std::memcpy(out.data() + 4 + text.size() + i * frameBytes, frames[i], frameBytes);
    return out;
}

bool unpackBinary(std::string_view message, json &header, std::string_view &payload) {
    if (message.size() < 4) return false;
    const auto *b = reinterpret_cast<const uint8_t *>(message.data());
    const size_t n = size_t(b[0]) | size_t(b[1]) << 8 | size_t(b[2]) << 16 | size_t(b[3]) << 24;
    if (n > message.size() - 4) return false;
    std::string why;
    if (!parseJson(message.substr(4, n), header, why) || !header.is_object()) return false;
    payload = message.substr(4 + n);
    return true;
}

bool parseJson(std::string_view text, json &out, std::string &why) {
    out = json::parse(text.begin(), text.end(), nullptr, false);
    if (out.is_discarded()) {
        why = "not JSON";
        return false;
    }
    return true;
}

} // namespace mnemo::modules::remote
