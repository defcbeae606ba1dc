#pragma once
// Finds, loads and vets engine modules. Every library found is either loaded (and listed with its declared
// parameters) or refused with a reason naming the file: wrong ABI version, missing entry symbol, an invalid
// description, a duplicate id, or an instance that fails to create. A refused library never stops the others.
// Libraries are never unloaded (unloading code that may still own threads or callbacks is not worth the risk).
//
// Threads: modules are added on one thread (the UI's, or the CLI's) while engine threads may find() them. Entries
// never move once added (a deque) and find()/adding hold a lock, so a found module stays valid for the registry's life;
// iterating loaded() is for the adding thread.

#include "mnemo/core/Status.hpp"
#include "mnemo/modules/ModuleHost.hpp"
#include "mnemo/modules/Remote.hpp"

#include <mnemo/module.h>

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mnemo::modules {

// Text: a UTF-8 string (a LUT's path), set with ModuleInstance::setParamText; numbers use defaultValue, text uses
// defaultText.
enum class ParamType { Float, Int, Bool, Enum, Text };

struct ModuleParam {
    std::string name;
    std::string label;
    std::string description;
    ParamType type = ParamType::Float;
    double minValue = 0, maxValue = 1, defaultValue = 0;
    std::vector<std::string> enumValues;
    std::string defaultText; // Text only
    bool loadTime = false;
    bool isFilePath = false; // Text naming a file: the UI offers a file chooser
};

enum class ModuleKind { World, Edit };

struct LoadedModule {
    std::string id;
    std::string name;
    std::string version;
    std::string description;
    std::string file;
    ModuleKind kind = ModuleKind::World;
    uint32_t chunkFrames = 1;
    bool requiresVulkan = false;
    bool wantsSourceFlow = false; // an edit module with edit_process_with_source: it follows the source's motion
    bool hasGpuPath = false;      // an edit module with edit_process_gpu: it can edit frames on the host's device
    std::vector<ModuleParam> params;
    const mnemo_module_api *api = nullptr;   // null for a remote module
    std::optional<RemoteEndpoint> remote;     // where a remote module is served (describeRemote)
};

struct RefusedModule {
    std::string file;
    std::string reason;
};

class ModuleRegistry {
public:
    explicit ModuleRegistry(ModuleHost &host) : m_host(host) {}

    // Where modules are looked for, in order: $MNEMO_PLUGIN_PATH (':'-separated), the build tree's plugins folder
    // next to the executable (<exe>/../plugins), and the install folder (<exe>/../lib/mnemo/plugins).
    static std::vector<std::string> defaultSearchPaths();

    // Loads every lib*.so in the folders (non-existent folders are skipped), in name order per folder.
    void scan(const std::vector<std::string> &folders);
    // Loads one library; returns why it was refused (also recorded in refused()).
    Status loadFile(const std::string &path);

    const std::deque<LoadedModule> &loaded() const { return m_loaded; }
    const std::vector<RefusedModule> &refused() const { return m_refused; }
    const LoadedModule *find(const std::string &id) const;
    // A module served over the network (describeRemote), listed and found like the others. Refused (the reason
    // returned) when the server cannot be reached or describes nothing usable, or its id is taken.
    Status addRemote(const RemoteEndpoint &endpoint);
    // A remote module already described (describeRemote, run off the UI thread). When a local module has its id, it
    // is listed as ID@HOST:PORT; refused when that is taken too (the same server added twice). The id it is listed as.
    Result<std::string> addDescribed(LoadedModule module);
    // Where instances of a module (or of every module: id empty) run from now on (kept by the host, which every
    // instance is created with); false for an unknown id.
    bool setIsolation(const std::string &id, const Isolation &isolation);
    ModuleHost &host() const { return m_host; }

private:
    Status vet(const std::string &path, LoadedModule &out);
    ModuleHost &m_host;
    mutable std::mutex m_mutex; // find() and adding
    std::deque<LoadedModule> m_loaded;
    std::vector<RefusedModule> m_refused;
};

const char *paramTypeName(ParamType type);
const char *moduleKindName(ModuleKind kind);

} // namespace mnemo::modules
