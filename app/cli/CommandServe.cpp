// mnemo-cli serve MODULE --port P --token T: serves a local module over the remote protocol (docs/remote-protocol.md),
// so a GPU box running Mnemo headless can lend its modules to a studio elsewhere. Prints one JSON line when it
// listens ({"serving", "url", "port"}), then serves until interrupted (SIGINT, SIGTERM).
#include "Commands.hpp"
#include "Interrupt.hpp"

#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/modules/Remote.hpp"

#include <cstdio>
#include <memory>

namespace mnemo::cli {
namespace {

struct ServeCliOptions {
    std::string module;
    std::string bind = "127.0.0.1";
    long port = 0;
    std::string token;
    bool once = false;
    IsolationOptions isolation;
};

Result<bool> runServe(const ServeCliOptions &o) {
    auto env = modules::ModuleEnvironment::create();
    applyIsolation(*env->registry, o.isolation);
    modules::ServeOptions serve{o.module, o.bind, uint16_t(o.port), o.token, o.once};
    stopOnInterrupt();
    const Status served = modules::serveModule(
        *env, serve,
        [&](uint16_t port) {
            printJson({{"serving", o.module},
                       {"url", "ws://" + o.bind + ":" + std::to_string(port)},
                       {"port", port},
                       {"protocol", modules::kRemoteProtocolVersion}},
                      -1);
            std::fflush(stdout);
        },
        [] { return interrupted(); });
    if (!served.ok()) return served;
    return true;
}

} // namespace

void addServeCommand(CLI::App &root, CommandLine &line) {
    auto o = std::make_shared<ServeCliOptions>();
    CLI::App *serve = root.add_subcommand("serve", "serve a local module over the remote protocol (WebSocket)");
    serve->add_option("MODULE", o->module, "the module to serve (mnemo-cli plugins lists them)")->required();
    serve->add_option("--port", o->port, "the TCP port (0: any free one, printed)")
        ->check(CLI::Range(0L, 65535L))
        ->capture_default_str();
    serve->add_option("--bind", o->bind, "the address to listen on (0.0.0.0: every interface)")->capture_default_str();
    serve->add_option("--token", o->token, "the bearer token clients must present")->required()->type_name("TOKEN");
    serve->add_flag("--once", o->once, "serve one connection, then exit");
    addIsolationOptions(*serve, o->isolation);
    onParsed(*serve, line, [o] { return finish("serve", runServe(*o), [](bool) {}); });
}

} // namespace mnemo::cli
