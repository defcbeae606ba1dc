#include "mnemo/modules/ModuleRegistry.hpp"

#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/modules/ModuleInstance.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace mnemo::modules {
namespace fs = std::filesystem;

namespace {

std::string executableDir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : exe.parent_path().string();
}

Status refuse(const std::string &path, const std::string &reason) {
    return {StatusCode::InvalidArgument, "module '" + path + "' refused: " + reason};
}

std::string str(const char *s) { return s ? s : ""; }

} // namespace

const char *paramTypeName(ParamType type) {
    switch (type) {
    case ParamType::Float: return "float";
    case ParamType::Int: return "int";
    case ParamType::Bool: return "bool";
    case ParamType::Enum: return "enum";
    case ParamType::Text: return "text";
    }
    return "?";
}

const char *moduleKindName(ModuleKind kind) { return kind == ModuleKind::World ? "world" : "edit"; }

std::vector<std::string> ModuleRegistry::defaultSearchPaths() {
    std::vector<std::string> paths;
    if (const char *env = std::getenv("MNEMO_PLUGIN_PATH")) {
        std::stringstream ss(env);
        for (std::string item; std::getline(ss, item, ':');) {
            if (!item.empty()) paths.push_back(item);
        }
    }
    const fs::path exe = executableDir();
    paths.push_back((exe.parent_path() / "plugins").string());
    paths.push_back((exe.parent_path() / "lib" / "mnemo" / "plugins").string());
    return paths;
}

void ModuleRegistry::scan(const std::vector<std::string> &folders) {
    for (const auto &folder : folders) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) continue;
        std::vector<fs::path> libraries;
        for (const auto &entry : fs::directory_iterator(folder, ec)) {
            if (entry.is_regular_file(ec) && entry.path().extension() == ".so") libraries.push_back(entry.path());
        }
        std::sort(libraries.begin(), libraries.end());
        for (const auto &lib : libraries) {
            // Each refusal is logged and recorded inside loadFile; keep going with the next library.
            (void)loadFile(lib.string());
        }
    }
}

const LoadedModule *ModuleRegistry::find(const std::string &id) const {
    std::lock_guard lock(m_mutex);
    for (const auto &m : m_loaded) {
        if (m.id == id) return &m;
    }
    return nullptr;
}

Status ModuleRegistry::addRemote(const RemoteEndpoint &endpoint) {
    auto described = describeRemote(endpoint);
    if (!described.ok()) return described.status();
    return addDescribed(std::move(described.value())).status();
}

Result<std::string> ModuleRegistry::addDescribed(LoadedModule module) {
    // A server often serves a module the studio also has (mnemo-cli serve reference-world): the remote one is then
    // told apart by where it is served.
    if (const LoadedModule *same = find(module.id); same && module.remote) {
        if (same->remote && same->remote->host == module.remote->host && same->remote->port == module.remote->port) {
            return Status(StatusCode::InvalidArgument, module.file + " is already connected (module '" + same->id + "')");
        }
        module.id += "@" + module.remote->host + ":" + module.remote->port;
    }
    if (find(module.id)) {
        return Status(StatusCode::InvalidArgument, module.file + ": module id '" + module.id + "' is already loaded");
    }
    log::info("modules", "added " + module.id + " " + module.version + " served at " + module.file);
    std::string id = module.id;
    std::lock_guard lock(m_mutex);
    m_loaded.push_back(std::move(module));
    return id;
}

bool ModuleRegistry::setIsolation(const std::string &id, const Isolation &isolation) {
    if (id.empty()) {
        m_host.setIsolation("", isolation);
        for (const auto &m : m_loaded) m_host.setIsolation(m.id, isolation);
        return true;
    }
    if (!find(id)) return false;
    m_host.setIsolation(id, isolation);
    return true;
}

Status ModuleRegistry::loadFile(const std::string &path) {
    for (const auto &m : m_loaded) {
        std::error_code ec;
        if (fs::equivalent(m.file, path, ec)) return {}; // the same file found through two search paths
    }
    LoadedModule module;
    // vet() calls the module's entry and describe(): a C++ module that throws there is refused like any other.
    Status status = guarded("an exception crossed the module ABI while loading it", [&] { return vet(path, module); });
    if (!status.ok()) {
        m_refused.push_back({path, status.message()});
        log::warning("modules", "refused " + path + ": " + status.message());
        return refuse(path, status.message());
    }
    log::info("modules", "loaded " + module.id + " " + module.version + " from " + path);
    std::lock_guard lock(m_mutex);
    m_loaded.push_back(std::move(module));
    return {};
}

namespace {

// One declared parameter, checked and with the range its type implies.
Result<ModuleParam> readParam(const mnemo_param_desc &d, uint32_t index) {
    if (!d.name || !*d.name) return Status(StatusCode::InvalidArgument, "parameter " + std::to_string(index) + " has no name");
    ModuleParam p;
    p.name = d.name;
    p.label = d.label ? d.label : d.name;
    p.description = str(d.description);
    switch (d.type) {
    case MNEMO_PARAM_FLOAT: p.type = ParamType::Float; break;
    case MNEMO_PARAM_INT: p.type = ParamType::Int; break;
    case MNEMO_PARAM_BOOL: p.type = ParamType::Bool; break;
    case MNEMO_PARAM_ENUM: p.type = ParamType::Enum; break;
    case MNEMO_PARAM_TEXT: p.type = ParamType::Text; break;
    default: return Status(StatusCode::InvalidArgument, "parameter '" + p.name + "' has an unknown type");
    }
    p.minValue = d.min_value;
    p.maxValue = d.max_value;
    p.defaultValue = d.default_value;
    p.loadTime = d.flags & MNEMO_PARAM_FLAG_LOAD_TIME;
    if (p.type == ParamType::Text) {
        // A descriptor written before default_text existed ends earlier: its default is "".
        p.defaultText = MNEMO_HAS_FIELD(&d, mnemo_param_desc, default_text) ? str(d.default_text) : "";
        p.isFilePath = d.flags & MNEMO_PARAM_FLAG_FILE_PATH;
    }
    for (uint32_t e = 0; e < d.enum_count; ++e) p.enumValues.push_back(str(d.enum_values[e]));
    if (p.type == ParamType::Enum) {
        p.minValue = 0;
        p.maxValue = p.enumValues.empty() ? 0 : double(p.enumValues.size() - 1);
    }
    if (p.type == ParamType::Bool) {
        p.minValue = 0;
        p.maxValue = 1;
    }
    return p;
}

// The declared parameters. The array is laid out with the module's own sizeof(mnemo_param_desc), which grows at
// the end over time: step by the size its first element reports, so a module built before a field was added still
// reads right (indexing with this host's sizeof would land mid-descriptor from the second one on).
Status readParams(const mnemo_module_info &info, std::vector<ModuleParam> &out) {
    if (info.param_count == 0) return {};
    if (!info.params) return {StatusCode::InvalidArgument, "it declares parameters but gives none"};
    const uint32_t stride = info.params[0].struct_size;
    if (stride < offsetof(mnemo_param_desc, flags) + sizeof(uint32_t)) {
        return {StatusCode::InvalidArgument, "its parameter descriptors are truncated (struct_size " +
                                                 std::to_string(stride) + ")"};
    }
    const auto *bytes = reinterpret_cast<const unsigned char *>(info.params);
    for (uint32_t i = 0; i < info.param_count; ++i) {
        const auto &desc = *reinterpret_cast<const mnemo_param_desc *>(bytes + size_t(i) * stride);
        if (desc.struct_size != stride) {
            return {StatusCode::InvalidArgument, "parameter " + std::to_string(i) + " reports struct_size " +
                                                     std::to_string(desc.struct_size) + ", the first " +
                                                     std::to_string(stride) + " (one array, one size)"};
        }
        auto param = readParam(desc, i);
        if (!param.ok()) return param.status();
        out.push_back(std::move(param.value()));
    }
    return {};
}

} // namespace

Status ModuleRegistry::vet(const std::string &path, LoadedModule &out) {
    // RTLD_LOCAL: modules must not see each other's symbols. Never dlclose'd (see the header).
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return {StatusCode::InvalidArgument, std::string("cannot be loaded: ") + dlerror()};
    auto entry = reinterpret_cast<mnemo_module_entry_fn>(dlsym(handle, MNEMO_MODULE_ENTRY_SYMBOL));
    if (!entry) {
        return {StatusCode::InvalidArgument, std::string("no entry symbol '") + MNEMO_MODULE_ENTRY_SYMBOL +
                                                 "' (is it an Mnemo module built with MNEMO_MODULE_EXPORT?)"};
    }
    const mnemo_module_api *api = entry(MNEMO_MODULE_ABI_VERSION);
    if (!api) {
        return {StatusCode::Unsupported, "the module cannot serve ABI version " +
                                             std::to_string(MNEMO_MODULE_ABI_VERSION) + " (its entry returned NULL)"};
    }
    if (api->abi_version != MNEMO_MODULE_ABI_VERSION) {
        return {StatusCode::Unsupported, "built for ABI version " + std::to_string(api->abi_version) +
                                             ", this Mnemo speaks version " +
                                             std::to_string(MNEMO_MODULE_ABI_VERSION)};
    }
    if (api->struct_size < offsetof(mnemo_module_api, edit_process) + sizeof(api->edit_process)) {
        return {StatusCode::InvalidArgument, "its function table is truncated (struct_size " +
                                                 std::to_string(api->struct_size) + ")"};
    }
    if (!api->describe || !api->create || !api->destroy) {
        return {StatusCode::InvalidArgument, "its function table lacks describe, create or destroy"};
    }
    const mnemo_module_info *info = api->describe();
    if (!info || !info->id || !*info->id) return {StatusCode::InvalidArgument, "describe() returned no id"};
    out.id = info->id;
    if (find(out.id)) {
        return {StatusCode::InvalidArgument, "duplicate module id '" + out.id + "', already loaded from " +
                                                 find(out.id)->file};
    }
    out.name = info->name ? info->name : out.id;
    out.version = str(info->version);
    out.description = str(info->description);
    out.file = path;
    out.chunkFrames = std::max(1u, info->chunk_frames);
    out.requiresVulkan = info->requires_vulkan != 0;
    out.wantsSourceFlow = MNEMO_HAS_FIELD(api, mnemo_module_api, edit_process_with_source) &&
                          api->edit_process_with_source != nullptr;
    out.hasGpuPath = MNEMO_HAS_FIELD(api, mnemo_module_api, edit_process_gpu) && api->edit_process_gpu != nullptr &&
                     info->kind == MNEMO_MODULE_KIND_EDIT;
    out.api = api;
    if (info->kind == MNEMO_MODULE_KIND_WORLD) {
        out.kind = ModuleKind::World;
        if (!api->world_step) return {StatusCode::InvalidArgument, "a world module without world_step"};
    } else if (info->kind == MNEMO_MODULE_KIND_EDIT) {
        out.kind = ModuleKind::Edit;
        if (!api->edit_process) return {StatusCode::InvalidArgument, "an edit module without edit_process"};
    } else {
        return {StatusCode::Unsupported, "unknown module kind " + std::to_string(int(info->kind))};
    }
    if (Status s = readParams(*info, out.params); !s.ok()) return s;
    // A module that cannot even create itself with its defaults would only fail later, in front of the user.
    auto probe = ModuleInstance::create(out, m_host, 64, 36);
    if (!probe.ok()) return {StatusCode::Internal, "fails to create: " + probe.message()};
    return {};
}

} // namespace mnemo::modules
