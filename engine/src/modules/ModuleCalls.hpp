#pragma once
// The module's C calls as ModuleInstance makes them: straight into the library (in process), or through a child
// process (isolated). Both take and give the ABI's structs, so ModuleInstance converts once and does not know which.

#include "mnemo/modules/Isolation.hpp"
#include "mnemo/camera/Camera.hpp"
#include "mnemo/modules/ModuleRegistry.hpp"

#include <mnemo/module.h>

#include <cstdio>
#include <memory>

namespace mnemo::modules {

class ModuleCalls {
public:
    virtual ~ModuleCalls() = default;
    virtual mnemo_status create(const mnemo_host_services *host, const mnemo_create_args *args, mnemo_error *error) = 0;
    virtual void destroy() = 0; // after a successful create only
    virtual mnemo_status reset(const mnemo_reset_args *args, mnemo_error *error) = 0;
    virtual mnemo_status setParam(const mnemo_param_value *value, mnemo_error *error) = 0;
    virtual mnemo_status setParamText(const char *name, const char *text, mnemo_error *error) = 0;
    virtual mnemo_status worldStep(const mnemo_world_step_input *input, mnemo_world_step_output *output,
                                   mnemo_error *error) = 0;
    virtual mnemo_status editProcess(const mnemo_frame *input, mnemo_frame *output, uint32_t count,
                                     mnemo_error *error) = 0;
    virtual mnemo_status editWithSource(const mnemo_edit_input *input, mnemo_frame *output, mnemo_error *error) = 0;
    // The size the instance's edits write (edit_output_shape): left as the host filled it (the created size) by
    // modules that keep the size, and by the isolated and remote calls, which do not carry a resize.
    virtual mnemo_status editOutputShape(mnemo_edit_shape *, mnemo_error *) { return MNEMO_OK; }
    // The instance handle for calls only an in-process module can take (edit_process_gpu); null when isolated.
    virtual void *inProcessInstance() const = 0;
    // Pipelined world steps (a remote module): submit sends a step without waiting for its frames (`frameIndices`, one
    // per camera, name them); collect waits for the oldest submitted step's frames. At most kMaxStepsInFlight; other
    // calls are refused while any is in flight. Modules that cannot pipeline refuse both.
    virtual bool canPipelineSteps() const { return false; }
    virtual mnemo_status submitWorldStep(const mnemo_world_step_input *, const uint64_t *, mnemo_error *error) {
        std::snprintf(error->message, sizeof error->message, "this module cannot pipeline steps");
        return MNEMO_ERR_UNSUPPORTED;
    }
    virtual mnemo_status collectWorldStep(mnemo_world_step_output *, mnemo_error *error) {
        std::snprintf(error->message, sizeof error->message, "this module cannot pipeline steps");
        return MNEMO_ERR_UNSUPPORTED;
    }
    // How long the last call ran inside the module, as measured where it ran; negative: not known (in process, where
    // the caller measures it).
    virtual double lastModuleMs() const { return -1; }
    // The memory picks (entry ids) the module reports it used in its last step; null when it does not say.
    virtual const std::vector<uint64_t> *lastMemoryUsed() const { return nullptr; }
    // How long the last call's frames took to encode where the module ran plus to decode here (JPEG); 0 for raw.
    virtual double lastCodecMs() const { return 0; }
};

std::unique_ptr<ModuleCalls> inProcessCalls(const mnemo_module_api *api);

// The ABI's camera and the engine's (ModuleInstance.cpp): one conversion for every side that crosses the C boundary.
mnemo_camera cameraToC(const camera::CameraFrame &c);
camera::CameraFrame cameraFromC(const mnemo_camera &c);
// Starts the child for `module` (its library file); the calls fail with the reason if it cannot start.
std::unique_ptr<ModuleCalls> isolatedCalls(const LoadedModule &module, const Isolation &isolation);
// Connects to the server of a remote module at create (RemoteCalls.cpp).
std::unique_ptr<ModuleCalls> remoteCalls(const RemoteEndpoint &endpoint, const std::string &moduleId);

} // namespace mnemo::modules
