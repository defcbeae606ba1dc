#pragma once
// Remote modules: a module served over the network by `mnemo-cli serve` (or any server speaking
// docs/remote-protocol.md: the Python SDK's, say), used like a local one. The client is a ModuleCalls over a
// WebSocket (Boost.Beast), the server runs a local module through ModuleInstance. Same C calls, same frames; what the
// network adds is a reason to fail (a refused token or version, a peer gone, a malformed message), which is an error
// naming the server and what happened.

#include "mnemo/core/Status.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace mnemo::modules {

struct ModuleEnvironment;
struct LoadedModule;

constexpr int kRemoteProtocolVersion = 1;

struct RemoteEndpoint {
    std::string host;
    std::string port;
    std::string token;
    int version = kRemoteProtocolVersion; // the protocol version asked for in the handshake (/mnemo/vN)
    uint32_t deadlineMs = 10000;          // a call unanswered this long fails (the connection is closed)
    std::string frameFormat = "rgba";     // how frames come back: "rgba" (exact) or "jpeg" (about 20x smaller)
    int jpegQuality = 85;                 // 1..100, for "jpeg"
    std::string url() const;              // ws://host:port/mnemo/vN, for messages
};

// "ws://host:port" (a path, if any, is ignored; the protocol's is /mnemo/v1) with the bearer token to present.
Result<RemoteEndpoint> parseRemoteUrl(const std::string &url, const std::string &token);

// Connects, asks the server to describe its module, and returns it as a loaded module whose calls go to the server
// (LoadedModule::remote set, no api table). Errors name the URL and what the server or the network said. A frame
// format the server does not offer falls back to "rgba" (logged).
Result<LoadedModule> describeRemote(const RemoteEndpoint &endpoint);

struct ServeOptions {
    std::string moduleId;
    std::string bindAddress = "127.0.0.1";
    uint16_t port = 0; // 0: any free port (reported through onListening)
    std::string token; // required from clients as "Authorization: Bearer TOKEN"
    bool once = false; // serve one connection, then return (tests)
};

// Serves one module to one client at a time, each connection with its own instance, until `stop` returns true
// (checked between connections and while waiting for one). Thread: the caller's, blocking.
Status serveModule(ModuleEnvironment &env, const ServeOptions &options, const std::function<void(uint16_t)> &onListening,
                   const std::function<bool()> &stop = {});

} // namespace mnemo::modules
