// The server side of the remote protocol (docs/remote-protocol.md): `mnemo-cli serve` runs one local module and
// answers one client at a time over a WebSocket. The handshake is checked first (the protocol version in the path,
// the bearer token), then each message is answered; a malformed one gets an error answer and the connection goes on.
#include "ModuleCalls.hpp"
#include "JpegFrames.hpp"
#include "RemoteWire.hpp"

#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/modules/ModuleInstance.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <atomic>
#include <chrono>
#include <poll.h>
#include <sys/socket.h>
#include <thread>

namespace mnemo::modules {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using remote::json;

// Refuses an upgrade with a status and a message the client shows as it is.
void refuse(tcp::socket &socket, const http::request<http::string_body> &req, http::status status,
            const std::string &message) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = message;
    res.prepare_payload();
    beast::error_code ec;
    http::write(socket, res, ec);
}

// The handshake's checks; an empty string when the client may come in.
std::string admission(const http::request<http::string_body> &req, const std::string &token, http::status &status) {
    status = http::status::bad_request;
    if (!websocket::is_upgrade(req)) return "Mnemo serves modules over a WebSocket at " + remote::targetFor(kRemoteProtocolVersion);
    const int version = remote::versionOfTarget(std::string(req.target()));
    if (version != kRemoteProtocolVersion) {
        return "remote protocol " + (version ? "version " + std::to_string(version) : "path '" + std::string(req.target()) + "'") +
               " is not served here: this server speaks version " + std::to_string(kRemoteProtocolVersion) + " at " +
               remote::targetFor(kRemoteProtocolVersion);
    }
    const std::string auth(req[http::field::authorization]);
    status = http::status::unauthorized;
    if (auth.empty()) return "a bearer token is required (Authorization: Bearer TOKEN)";
    if (auth != "Bearer " + token) return "the bearer token is wrong";
    return {};
}

class Connection {
public:
    Connection(ModuleEnvironment &env, const LoadedModule &module) : m_env(env), m_module(module) {}

    // The answer to one message: text (JSON) or binary (frames).
    struct Reply {
        bool binary = false;
        std::string bytes;
    };
    Reply answer(bool binary, std::string_view message);

private:
    Reply result(const json &request, const Status &status) const {
        json out{{"type", "result"}, {"req_id", request.value("req_id", json())}, {"ok", status.ok()}};
        if (!status.ok()) out["error"] = status.message();
        return {false, out.dump()};
    }
    Reply error(const json &request, const std::string &what) const {
        return {false, json{{"type", "error"}, {"req_id", request.is_object() ? request.value("req_id", json()) : json()},
                            {"error", what}}.dump()};
    }
    Reply control(const json &request);
    Reply step(const json &request);
    Reply edit(const json &header, std::string_view payload);
    Reply frames(const json &request, const std::vector<Frame> &out, const std::vector<mnemo_camera> &used,
                 double modelMs) const;

    ModuleEnvironment &m_env;
    const LoadedModule &m_module;
    std::unique_ptr<ModuleInstance> m_instance;
    uint32_t m_width = 0, m_height = 0;
};

Connection::Reply Connection::answer(bool binary, std::string_view message) {
    Reply reply;
    json request;
    const Status handled = guarded("answering a remote request", [&] {
        if (binary) {
            std::string_view payload;
            if (!remote::unpackBinary(message, request, payload)) {
                reply = error(json(), "a binary message must be [u32 header length][JSON header][bytes]");
                return;
            }
            reply = edit(request, payload);
            return;
        }
        std::string why;
        if (!remote::parseJson(message, request, why) || !request.is_object()) {
            reply = error(json(), "a text message must be a JSON object");
            return;
        }
        reply = control(request);
    });
    if (!handled.ok()) return error(request, handled.message()); // a wrong type inside the JSON, say
    return reply;
}

Connection::Reply Connection::control(const json &r) {
    const std::string type = r.value("type", "");
    if (type == "describe") {
        return {false, json{{"type", "describe"}, {"req_id", r.value("req_id", json())}, {"ok", true},
                            {"protocol", kRemoteProtocolVersion}, {"module", remote::moduleJson(m_module)},
                            {"formats", {"rgba", "jpeg"}}}
                           .dump()};
    }
    if (type == "create") {
        const uint32_t w = r.value("width", 0u), h = r.value("height", 0u);
        if (w == 0 || h == 0 || w > 16384 || h > 16384) return error(r, "create needs a width and a height (1..16384)");
        ParamValues params;
        for (const auto &[name, value] : r.value("params", json::object()).items()) params[name] = value.get<double>();
        auto made = ModuleInstance::create(m_module, *m_env.host, w, h, params);
        if (!made.ok()) return result(r, made.status());
        m_instance = std::move(made.value());
        m_width = w;
        m_height = h;
        return result(r, {});
    }
    if (!m_instance) return error(r, "'" + type + "' before create");
    if (type == "reset") return result(r, m_instance->reset(r.value("seed", uint64_t(1)), r.value("prompt", "")));
    if (type == "set_param") return result(r, m_instance->setParam(r.at("name"), r.at("value").get<double>()));
    if (type == "set_param_text") return result(r, m_instance->setParamText(r.at("name"), r.at("text")));
    if (type == "step") return step(r);
    return error(r, "unknown message type '" + type + "'");
}

Connection::Reply Connection::step(const json &r) {
    const json cams = r.value("cameras", json());
    if (!cams.is_array() || cams.empty() || cams.size() > 256) return error(r, "step needs 1..256 cameras");
    std::vector<camera::CameraFrame> cameras;
    for (const json &c : cams) {
        mnemo_camera cc{};
        if (!remote::cameraFromJson(c, cc)) return error(r, "a malformed camera: " + c.dump().substr(0, 200));
        cameras.push_back(cameraFromC(cc));
    }
    std::vector<camera::ControllerTick> ticks;
    for (const json &t : r.value("ticks", json::array())) {
        camera::ControllerTick tick;
        tick.tUs = t.value("t_us", int64_t(0));
        for (const json &k : t.value("keys", json::array())) tick.keys.push_back(k.get<std::string>());
        tick.mouseDx = t.value("mouse_dx", 0.0f);
        tick.mouseDy = t.value("mouse_dy", 0.0f);
        tick.wheel = t.value("wheel", 0.0f);
        ticks.push_back(std::move(tick));
    }
    std::vector<mnemo_memory_pick> picks;
    for (const json &p : r.value("memory", json::array())) {
        mnemo_memory_pick pick{};
        pick.struct_size = sizeof pick;
        pick.entry_id = p.value("entry_id", uint64_t(0));
        pick.frame_index = p.value("frame_index", uint64_t(0));
        pick.score = p.value("score", 0.0f);
        pick.covered = p.value("covered", 0.0f);
        if (p.contains("camera") && !remote::cameraFromJson(p["camera"], pick.camera)) return error(r, "a memory pick's camera");
        picks.push_back(pick);
    }
    const json indices = r.value("frame_indices", json::array());
    std::vector<Frame> out(cameras.size());
    std::vector<Frame *> raw;
    for (size_t i = 0; i < out.size(); ++i) {
        out[i].width = m_width;
        out[i].height = m_height;
        out[i].index = i < indices.size() ? indices[i].get<uint64_t>() : i;
        out[i].rgba.assign(size_t(m_width) * m_height * 4, 0);
        raw.push_back(&out[i]);
    }
    std::vector<camera::CameraFrame> used;
    if (Status s = m_instance->worldStep(cameras, ticks, raw, &used, picks); !s.ok()) return result(r, s);
    std::vector<mnemo_camera> usedC;
    for (const camera::CameraFrame &c : used) usedC.push_back(cameraToC(c));
    return frames(r, out, usedC, m_instance->lastStepModuleMs());
}

Connection::Reply Connection::edit(const json &h, std::string_view payload) {
    if (h.value("type", "") != "edit") return error(h, "the only binary request is 'edit'");
    if (!m_instance) return error(h, "'edit' before create");
    const uint32_t n = h.value("count", 0u);
    const bool withSource = h.value("with_source", false);
    const json hasFlow = h.value("has_flow", json::array());
    const size_t frameBytes = size_t(m_width) * m_height * 4, flowBytes = size_t(m_width) * m_height * 8;
    size_t flows = 0;
    for (const json &f : hasFlow) flows += f.get<bool>() ? 1 : 0;
    const size_t expected = n * frameBytes * (withSource ? 2 : 1) + flows * flowBytes;
    if (n == 0 || n > 256 || payload.size() != expected || (withSource && hasFlow.size() != n)) {
        return error(h, "an edit of " + std::to_string(n) + " frames carries " + std::to_string(expected) +
                            " bytes, not " + std::to_string(payload.size()));
    }
    const json indices = h.value("frame_indices", json::array());
    std::vector<Frame> in(n), sources(withSource ? n : 0), out(n);
    std::vector<std::vector<float>> flowData(withSource ? n : 0);
    size_t at = 0;
    auto take = [&](Frame &f, uint64_t index) {
        f.width = m_width;
        f.height = m_height;
        f.index = index;
        f.rgba.assign(payload.begin() + long(at), payload.begin() + long(at + frameBytes));
        at += frameBytes;
    };
    for (uint32_t i = 0; i < n; ++i) take(in[i], i < indices.size() ? indices[i].get<uint64_t>() : i);
    ModuleInstance::EditSource source;
    for (uint32_t i = 0; withSource && i < n; ++i) {
        take(sources[i], in[i].index);
        source.frames.push_back(&sources[i]);
    }
    for (uint32_t i = 0; withSource && i < n; ++i) {
        if (hasFlow[i].get<bool>()) {
            flowData[i].resize(flowBytes / sizeof(float));
            std::memcpy(flowData[i].data(), payload.data() + at, flowBytes);
            at += flowBytes;
        }
        source.flows.push_back(hasFlow[i].get<bool>() ? &flowData[i] : nullptr);
    }
    std::vector<const Frame *> inputs;
    std::vector<Frame *> outputs;
    for (uint32_t i = 0; i < n; ++i) {
        out[i] = in[i];
        inputs.push_back(&in[i]);
        outputs.push_back(&out[i]);
    }
    const auto start = std::chrono::steady_clock::now();
    if (Status s = m_instance->editProcess(inputs, outputs, withSource ? &source : nullptr); !s.ok()) return result(h, s);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return frames(h, out, {}, ms);
}

Connection::Reply Connection::frames(const json &request, const std::vector<Frame> &out,
                                     const std::vector<mnemo_camera> &used, double modelMs) const {
    const std::string format = request.value("format", "rgba");
    if (format != "rgba" && format != "jpeg") return error(request, "unknown frame format '" + format + "'");
    json indices = json::array(), cameras = json::array();
    std::vector<const uint8_t *> pixels;
    for (const Frame &f : out) {
        indices.push_back(f.index);
        pixels.push_back(f.rgba.data());
    }
    for (const mnemo_camera &c : used) cameras.push_back(remote::cameraJson(c));
    json header{{"type", "frames"},         {"req_id", request.value("req_id", json())},
                {"ok", true},               {"count", out.size()},
                {"width", m_width},         {"height", m_height},
                {"format", format},         {"frame_indices", indices},
                {"cameras_used", cameras},  {"timings", {{"model_ms", modelMs}}}};
    if (format == "rgba") {
        return {true, remote::packBinary(header, pixels.data(), pixels.size(), size_t(m_width) * m_height * 4)};
    }
    const auto start = std::chrono::steady_clock::now();
    std::string encoded, why;
    const int quality = request.value("jpeg_quality", jpeg::kDefaultQuality);
    for (const Frame &f : out) {
        if (!jpeg::appendFrame(f.rgba.data(), m_width, m_height, size_t(m_width) * 4, quality, encoded, why)) {
            return error(request, why);
        }
    }
    header["timings"]["encode_ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return {true, remote::packBinary(header, nullptr, 0, 0) + encoded};
}

// One client, from the handshake to the close. Failures end the connection, never the server.
void serveConnection(ModuleEnvironment &env, const LoadedModule &module, const ServeOptions &options,
                     tcp::socket socket) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec); // frames go out at once: Nagle would add tens of milliseconds
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::read(socket, buffer, req, ec);
    if (ec) return;
    http::status status{};
    if (const std::string refused = admission(req, options.token, status); !refused.empty()) {
        log::warning("serve", "refused a client: " + refused);
        return refuse(socket, req, status, refused);
    }
    websocket::stream<tcp::socket> ws(std::move(socket));
    ws.read_message_max(remote::kMaxMessageBytes);
    ws.accept(req, ec);
    if (ec) return;
    log::info("serve", "a client connected");
    Connection connection(env, module);
    for (;;) {
        beast::flat_buffer message;
        ws.read(message, ec);
        if (ec) break; // closed, or the peer is gone
        const std::string bytes = beast::buffers_to_string(message.data());
        const Connection::Reply reply = connection.answer(!ws.got_text(), bytes);
        ws.binary(reply.binary);
        ws.write(asio::buffer(reply.bytes), ec);
        if (ec) break;
    }
    log::info("serve", "the client left");
}

// Waits up to 200 ms for a connection, so the stop check runs between waits.
bool readable(tcp::acceptor &acceptor) {
    pollfd p{acceptor.native_handle(), POLLIN, 0};
    return poll(&p, 1, 200) > 0;
}

} // namespace

Status serveModule(ModuleEnvironment &env, const ServeOptions &options, const std::function<void(uint16_t)> &onListening,
                   const std::function<bool()> &stop) {
    const LoadedModule *module = env.registry->find(options.moduleId);
    if (!module) return {StatusCode::NotFound, "no module '" + options.moduleId + "' is loaded (mnemo-cli plugins)"};
    if (options.token.empty()) return {StatusCode::InvalidArgument, "serving needs a token (--token)"};
    // A connection blocks in its reads; when stop() turns true, this watcher shuts its socket down so the read ends.
    std::atomic<int> activeFd{-1};
    std::atomic<bool> finished{false};
    std::thread watcher([&] {
        while (!finished) {
            if (stop && stop()) {
                if (const int fd = activeFd.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    const Status served = guarded("serving " + options.moduleId, [&] {
        asio::io_context io;
        tcp::acceptor acceptor(io, {asio::ip::make_address(options.bindAddress), options.port});
        if (onListening) onListening(acceptor.local_endpoint().port());
        for (;;) {
            if (stop && stop()) return;
            if (!readable(acceptor)) continue;
            tcp::socket socket(io);
            beast::error_code ec;
            acceptor.accept(socket, ec);
            if (ec) continue;
            activeFd = socket.native_handle();
            serveConnection(env, *module, options, std::move(socket));
            activeFd = -1;
            if (options.once) return;
        }
    });
    finished = true;
    watcher.join();
    return served;
}

} // namespace mnemo::modules
