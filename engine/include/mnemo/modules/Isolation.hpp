#pragma once
// Modules out of process: an isolated module runs in a child process (mnemo-module-host) that loads its library and
// answers the module's C calls over a socket, with frames in shared memory. To the pipelines it is a module like any
// other (ModuleInstance hides which); what isolation adds is survival: a crash (a signal), a hang (no answer within
// the deadline), an exit or a malformed reply ends the child, and the call fails naming the module and what happened,
// while the host process goes on. A new instance (ModuleInstance::create) starts a new child.
//
// What isolated modules do not get (yet): the host's Vulkan device (a Vulkan module creates its own device in the
// child, so no GPU path for edit frames) and the memory services' callbacks during world_step (the memory picks of
// the step's input do cross).

#include <cstdint>
#include <string>

namespace mnemo::modules {

struct Isolation {
    bool enabled = false;
    uint32_t deadlineMs = 10000; // a call without an answer by then is a hang: the child is stopped
    bool operator==(const Isolation &) const = default;
};

// The child's program: $MNEMO_MODULE_HOST, else mnemo-module-host next to the running executable.
std::string moduleHostExecutable();

// mnemo-module-host's main: `mnemo-module-host --socket FD --shm FD LIBRARY`. Returns the process's exit code.
int runModuleHostProcess(int argc, char **argv);

} // namespace mnemo::modules
