// The client side of the remote protocol (docs/remote-protocol.md): a module's C calls as WebSocket messages to a
// server. Every exchange has a deadline (asynchronous operations run for at most that long; then the connection is
// closed); a refused handshake, a peer gone, a timeout or a malformed answer fails the call naming the server, and
// the connection stays closed, like an isolated module's child after a crash.
#include "JpegFrames.hpp"
#include "ModuleCalls.hpp"
#include "RemoteWire.hpp"

#include "mnemo/core/Guard.hpp"
#include "mnemo/modules/ModuleInstance.hpp"
#include "mnemo/core/Log.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <optional>

namespace mnemo::modules {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using remote::json;

class Connection {
public:
    explicit Connection(const RemoteEndpoint &endpoint) : m_endpoint(endpoint), m_ws(m_io) {}

    // Connects and upgrades with the token; false with `why` (the server's own words when it refused).
    bool open(std::string &why);
    // Sends one message and reads the answer with the same req_id; false with `why` when the connection failed
    // (it is closed then). `answer` is the JSON (text answer, or a binary answer's header); `payload` a binary's rest.
    bool exchange(const json &request, const std::string *binary, json &answer, std::string &payload, std::string &why);
    // The two halves of exchange(), for pipelined steps: send() gives the request its req_id (returned in `id`);
    // receive() reads the next answer, which must carry `id` (answers come in order).
    bool send(const json &request, const std::string *binary, uint64_t &id, std::string &why);
    bool receive(uint64_t id, const char *what, json &answer, std::string &payload, std::string &why);
    void close();

private:
    // Runs an asynchronous operation for at most the deadline; a timeout closes the socket.
    template <typename Start> beast::error_code run(Start &&start, const char *what, std::string &why);

    RemoteEndpoint m_endpoint;
    asio::io_context m_io;
    websocket::stream<tcp::socket> m_ws;
    uint64_t m_nextId = 1;
    bool m_timedOut = false;
};

template <typename Start> beast::error_code Connection::run(Start &&start, const char *what, std::string &why) {
    beast::error_code result = asio::error::would_block;
    bool done = false;
    start([&](beast::error_code ec, auto &&...) {
        result = ec;
        done = true;
    });
    m_io.restart();
    m_io.run_for(std::chrono::milliseconds(m_endpoint.deadlineMs));
    if (!done) {
        beast::error_code ignored;
        beast::get_lowest_layer(m_ws).close(ignored); // the pending operation ends with operation_aborted
        m_io.restart();
        m_io.run();
        m_timedOut = true;
        why = std::string("no answer to ") + what + " within " + std::to_string(m_endpoint.deadlineMs) + " ms";
        return asio::error::timed_out;
    }
    if (result) why = std::string(what) + ": " + result.message();
    return result;
}

bool Connection::open(std::string &why) {
    tcp::resolver resolver(m_io);
    tcp::resolver::results_type endpoints;
    if (run([&](auto handler) {
            resolver.async_resolve(m_endpoint.host, m_endpoint.port,
                                   [&, handler](beast::error_code ec, tcp::resolver::results_type r) mutable {
                                       endpoints = std::move(r);
                                       handler(ec);
                                   });
        }, "resolving the host", why)) {
        return false;
    }
    if (run([&](auto handler) {
            asio::async_connect(beast::get_lowest_layer(m_ws), endpoints,
                                [handler](beast::error_code ec, const tcp::endpoint &) mutable { handler(ec); });
        }, "connecting", why)) {
        return false;
    }
    beast::error_code ec;
    beast::get_lowest_layer(m_ws).set_option(tcp::no_delay(true), ec); // Nagle: 45 ms per small frame here
    m_ws.read_message_max(remote::kMaxMessageBytes);
    m_ws.set_option(websocket::stream_base::decorator([token = m_endpoint.token](websocket::request_type &req) {
        if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    }));
    websocket::response_type response;
    const std::string target = remote::targetFor(m_endpoint.version);
    const auto handshake = run([&](auto handler) {
        m_ws.async_handshake(response, m_endpoint.host + ":" + m_endpoint.port, target,
                             [handler](beast::error_code e) mutable { handler(e); });
    }, "the handshake", why);
    if (handshake && response.result_int() != 0 && response.result_int() != 101) { // the server said why
        why = "refused (" + std::to_string(response.result_int()) + "): " + response.body();
    }
    return !handshake;
}

bool Connection::exchange(const json &request, const std::string *binary, json &answer, std::string &payload,
                          std::string &why) {
    uint64_t id = 0;
    const std::string type = request.value("type", "a request");
    return send(request, binary, id, why) && receive(id, type.c_str(), answer, payload, why);
}

bool Connection::send(const json &request, const std::string *binary, uint64_t &id, std::string &why) {
    json sent = request;
    id = m_nextId++;
    sent["req_id"] = id;
    const std::string bytes = binary ? remote::packBinary(sent, nullptr, 0, 0) + *binary : sent.dump();
    m_ws.binary(binary != nullptr);
    return !run([&](auto handler) {
        m_ws.async_write(asio::buffer(bytes), [handler](beast::error_code e, size_t) mutable { handler(e); });
    }, "sending", why);
}

bool Connection::receive(uint64_t id, const char *what, json &answer, std::string &payload, std::string &why) {
    beast::flat_buffer buffer;
    if (run([&](auto handler) {
            m_ws.async_read(buffer, [handler](beast::error_code e, size_t) mutable { handler(e); });
        }, what, why)) {
        return false;
    }
    const std::string message = beast::buffers_to_string(buffer.data());
    std::string_view rest;
    const bool parsed = m_ws.got_text() ? remote::parseJson(message, answer, why) && answer.is_object()
                                        : remote::unpackBinary(message, answer, rest);
    if (parsed && answer.value("type", "") == "error" && answer.value("req_id", json()).is_null()) {
        // The server could not read the request well enough to name it: its words, and the connection ends.
        why = "the server could not read request " + std::to_string(id) + ": " + answer.value("error", std::string("?"));
        return false;
    }
    if (!parsed || answer.value("req_id", json()) != json(id)) {
        why = "a malformed answer (not the answer to request " + std::to_string(id) + ")";
        return false;
    }
    payload.assign(rest.begin(), rest.end());
    return true;
}

// A WebSocket close first (the server sees a clean goodbye), for at most half a second; then the socket.
void Connection::close() {
    if (m_ws.is_open() && !m_timedOut) {
        const uint32_t deadline = m_endpoint.deadlineMs;
        m_endpoint.deadlineMs = std::min<uint32_t>(deadline, 500);
        std::string why;
        (void)run([&](auto handler) {
            m_ws.async_close(websocket::close_code::normal, [handler](beast::error_code e) mutable { handler(e); });
        }, "closing", why);
        m_endpoint.deadlineMs = deadline;
    }
    beast::error_code ec;
    beast::get_lowest_layer(m_ws).close(ec);
}

class RemoteCalls final : public ModuleCalls {
public:
    RemoteCalls(const RemoteEndpoint &endpoint, std::string id) : m_endpoint(endpoint), m_id(std::move(id)) {}
    ~RemoteCalls() override {
        if (m_connection) m_connection->close();
    }

    mnemo_status create(const mnemo_host_services *, const mnemo_create_args *args, mnemo_error *error) override {
        m_connection = std::make_unique<Connection>(m_endpoint);
        if (std::string why; !m_connection->open(why)) return failed(error, why);
        json params = json::object();
        for (uint32_t i = 0; i < args->param_count; ++i) params[args->params[i].name] = args->params[i].value;
        m_width = args->width;
        m_height = args->height;
        return simple({{"type", "create"}, {"width", args->width}, {"height", args->height}, {"params", params}}, error);
    }
    void destroy() override {
        if (m_connection) m_connection->close();
    }
    mnemo_status reset(const mnemo_reset_args *args, mnemo_error *error) override {
        return simple({{"type", "reset"}, {"seed", args->seed}, {"prompt", args->prompt ? args->prompt : ""}}, error);
    }
    mnemo_status setParam(const mnemo_param_value *v, mnemo_error *error) override {
        return simple({{"type", "set_param"}, {"name", v->name}, {"value", v->value}}, error);
    }
    mnemo_status setParamText(const char *name, const char *text, mnemo_error *error) override {
        return simple({{"type", "set_param_text"}, {"name", name}, {"text", text}}, error);
    }
    mnemo_status worldStep(const mnemo_world_step_input *in, mnemo_world_step_output *out, mnemo_error *error) override {
        std::vector<uint64_t> indices;
        for (uint32_t i = 0; i < in->frame_count; ++i) indices.push_back(out->frames[i].index);
        if (mnemo_status s = submitWorldStep(in, indices.data(), error); s != MNEMO_OK) return s;
        return collectWorldStep(out, error);
    }
    bool canPipelineSteps() const override { return true; }
    mnemo_status submitWorldStep(const mnemo_world_step_input *in, const uint64_t *frameIndices,
                                 mnemo_error *error) override;
    mnemo_status collectWorldStep(mnemo_world_step_output *out, mnemo_error *error) override;
    mnemo_status editProcess(const mnemo_frame *in, mnemo_frame *out, uint32_t count, mnemo_error *error) override {
        return edit(in, nullptr, nullptr, out, count, error);
    }
    mnemo_status editWithSource(const mnemo_edit_input *in, mnemo_frame *out, mnemo_error *error) override {
        return edit(in->frames, in->source, in->source_flow, out, in->count, error);
    }
    void *inProcessInstance() const override { return nullptr; }
    double lastModuleMs() const override { return m_lastModelMs; }
    double lastCodecMs() const override { return m_lastCodecMs; }
    const std::vector<uint64_t> *lastMemoryUsed() const override {
        return m_lastMemoryUsed ? &*m_lastMemoryUsed : nullptr;
    }

private:
    mnemo_status failed(mnemo_error *error, const std::string &why) {
        if (m_dead.empty()) m_dead = why;
        if (m_connection) m_connection->close();
        std::snprintf(error->message, sizeof error->message, "remote %s: %s", m_endpoint.url().c_str(), m_dead.c_str());
        return MNEMO_ERR_INTERNAL;
    }
    // Runs one use of the connection; a network failure (false with `why`, or a throw) marks it dead.
    template <typename Use> mnemo_status onConnection(mnemo_error *error, Use &&use) {
        if (!m_dead.empty()) return failed(error, m_dead);
        if (!m_connection) return failed(error, "not connected");
        std::string why;
        bool ok = false;
        const Status guardedCall = guarded("a remote call", [&] { ok = use(*m_connection, why); });
        if (!guardedCall.ok()) return failed(error, guardedCall.message());
        return ok ? MNEMO_OK : failed(error, why);
    }
    // A module's refusal ("ok": false) is its answer, not a broken connection.
    static mnemo_status answered(const json &answer, mnemo_error *error) {
        if (answer.value("ok", false)) return MNEMO_OK;
        std::snprintf(error->message, sizeof error->message, "%s", answer.value("error", std::string("the server said no")).c_str());
        return answer.value("type", "") == "error" ? MNEMO_ERR_INVALID_ARGUMENT : MNEMO_ERR_INTERNAL;
    }
    mnemo_status exchange(const json &request, const std::string *binary, json &answer, std::string &payload,
                          mnemo_error *error) {
        if (!m_pending.empty()) {
            std::snprintf(error->message, sizeof error->message, "%s while steps are in flight",
                          request.value("type", "a call").c_str());
            return MNEMO_ERR_INVALID_ARGUMENT;
        }
        const mnemo_status s = onConnection(error, [&](Connection &c, std::string &why) {
            return c.exchange(request, binary, answer, payload, why);
        });
        return s == MNEMO_OK ? answered(answer, error) : s;
    }
    mnemo_status simple(const json &request, mnemo_error *error) {
        json answer;
        std::string payload;
        return exchange(request, nullptr, answer, payload, error);
    }
    mnemo_status frames(const json &answer, const std::string &payload, mnemo_frame *out, uint32_t count,
                        mnemo_error *error);
    mnemo_status decodeJpeg(const std::string &payload, mnemo_frame *out, uint32_t count, const json &timings,
                            mnemo_error *error);
    mnemo_status edit(const mnemo_frame *in, const mnemo_frame *source, const mnemo_flow *flows, mnemo_frame *out,
                      uint32_t count, mnemo_error *error);

    RemoteEndpoint m_endpoint;
    std::string m_id;
    std::unique_ptr<Connection> m_connection;
    std::string m_dead;
    uint32_t m_width = 0, m_height = 0;
    double m_lastModelMs = -1;
    double m_lastCodecMs = 0;
    std::optional<std::vector<uint64_t>> m_lastMemoryUsed;
    // Steps sent and not yet answered, oldest first (answers come in order), with the cameras each asked for.
    struct PendingStep {
        uint64_t id = 0;
        std::vector<mnemo_camera> cameras;
        uint32_t ticks = 0;
    };
    std::deque<PendingStep> m_pending;
};

// The frame format asked for in a step or an edit (the answer's).
void askFormat(json &request, const RemoteEndpoint &endpoint) {
    request["format"] = endpoint.frameFormat;
    if (endpoint.frameFormat == "jpeg") request["jpeg_quality"] = endpoint.jpegQuality;
}

// A frames answer into the host's frames: the count, the size and the bytes must be what was asked for.
mnemo_status RemoteCalls::frames(const json &answer, const std::string &payload, mnemo_frame *out, uint32_t count,
                                 mnemo_error *error) {
    const size_t frameBytes = size_t(m_width) * m_height * 4;
    const std::string format = answer.value("format", "");
    const bool sized = format == "jpeg" || payload.size() == frameBytes * count;
    if (answer.value("type", "") != "frames" || answer.value("count", 0u) != count ||
        answer.value("width", 0u) != m_width || answer.value("height", 0u) != m_height ||
        format != m_endpoint.frameFormat || !sized) {
        return failed(error, "a malformed frames answer (" + std::to_string(payload.size()) + " bytes of '" + format +
                                 "' for " + std::to_string(count) + " frames of " + std::to_string(m_width) + "x" +
                                 std::to_string(m_height) + " in '" + m_endpoint.frameFormat + "')");
    }
    const json timings = answer.value("timings", json::object());
    m_lastModelMs = timings.is_object() ? timings.value("model_ms", -1.0) : -1.0;
    m_lastCodecMs = 0;
    if (format == "jpeg") return decodeJpeg(payload, out, count, timings, error);
    for (uint32_t i = 0; i < count; ++i) {
        for (uint32_t y = 0; y < m_height; ++y) {
            std::memcpy(out[i].pixels + size_t(y) * out[i].stride_bytes, payload.data() + i * frameBytes + size_t(y) * m_width * 4,
                        size_t(m_width) * 4);
        }
    }
    return MNEMO_OK;
}

mnemo_status RemoteCalls::decodeJpeg(const std::string &payload, mnemo_frame *out, uint32_t count, const json &timings,
                                     mnemo_error *error) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string_view> jpegs;
    std::string why;
    if (!jpeg::splitFrames(payload, count, jpegs, why)) return failed(error, "a malformed frames answer: " + why);
    for (uint32_t i = 0; i < count; ++i) {
        if (!jpeg::decodeFrame(jpegs[i], m_width, m_height, out[i].pixels, out[i].stride_bytes, why)) {
            return failed(error, "a malformed frames answer: frame " + std::to_string(i) + ": " + why);
        }
    }
    const double encodeMs = timings.is_object() ? std::max(0.0, timings.value("encode_ms", 0.0)) : 0.0;
    m_lastCodecMs = encodeMs + std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return MNEMO_OK;
}

// A step's request: the cameras, the controller since the previous step, the memory picks, the frame format.
json stepRequest(const mnemo_world_step_input *in, const RemoteEndpoint &endpoint) {
    json cameras = json::array(), ticks = json::array(), memory = json::array();
    for (uint32_t i = 0; i < in->frame_count; ++i) cameras.push_back(remote::cameraJson(in->cameras[i]));
    for (uint32_t i = 0; i < in->tick_count; ++i) {
        const mnemo_ctrl_tick &t = in->ticks[i];
        json keys = json::array();
        for (uint32_t k = 0; k < t.key_count; ++k) keys.push_back(t.keys[k] ? t.keys[k] : "");
        ticks.push_back({{"t_us", t.t_us}, {"keys", keys}, {"mouse_dx", t.mouse_dx}, {"mouse_dy", t.mouse_dy},
                         {"wheel", t.wheel}});
    }
    const uint32_t picks = MNEMO_HAS_FIELD(in, mnemo_world_step_input, memory) ? in->memory_count : 0;
    for (uint32_t i = 0; i < picks; ++i) {
        const mnemo_memory_pick &p = in->memory[i];
        memory.push_back({{"entry_id", p.entry_id}, {"frame_index", p.frame_index}, {"score", p.score},
                          {"covered", p.covered}, {"camera", remote::cameraJson(p.camera)}});
    }
    json request{{"type", "step"}, {"cameras", cameras}, {"ticks", ticks}, {"memory", memory}};
    askFormat(request, endpoint);
    return request;
}

mnemo_status RemoteCalls::submitWorldStep(const mnemo_world_step_input *in, const uint64_t *frameIndices,
                                          mnemo_error *error) {
    if (m_pending.size() >= kMaxStepsInFlight) {
        std::snprintf(error->message, sizeof error->message, "more than %zu steps in flight", kMaxStepsInFlight);
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    json request = stepRequest(in, m_endpoint);
    json indices = json::array();
    for (uint32_t i = 0; i < in->frame_count; ++i) indices.push_back(frameIndices[i]);
    request["frame_indices"] = indices;
    PendingStep pending{0, {in->cameras, in->cameras + in->frame_count}, in->tick_count};
    const mnemo_status s = onConnection(error, [&](Connection &c, std::string &why) {
        return c.send(request, nullptr, pending.id, why);
    });
    if (s == MNEMO_OK) m_pending.push_back(std::move(pending));
    return s;
}

mnemo_status RemoteCalls::collectWorldStep(mnemo_world_step_output *out, mnemo_error *error) {
    if (m_pending.empty()) {
        std::snprintf(error->message, sizeof error->message, "no step in flight to collect");
        return MNEMO_ERR_INVALID_ARGUMENT;
    }
    const PendingStep pending = std::move(m_pending.front());
    m_pending.pop_front();
    json answer;
    std::string payload;
    mnemo_status s = onConnection(error, [&](Connection &c, std::string &why) {
        return c.receive(pending.id, "step", answer, payload, why);
    });
    if (s == MNEMO_OK) s = answered(answer, error);
    if (s != MNEMO_OK) return s;
    const uint32_t count = uint32_t(pending.cameras.size());
    if (s = frames(answer, payload, out->frames, count, error); s != MNEMO_OK) return s;
    const json used = answer.value("cameras_used", json::array());
    for (uint32_t i = 0; i < count; ++i) {
        out->cameras_used[i] = pending.cameras[i];
        if (i < used.size() && !remote::cameraFromJson(used[i], out->cameras_used[i])) {
            return failed(error, "a malformed camera in cameras_used");
        }
    }
    out->frames_written = count;
    out->ticks_used = pending.ticks;
    m_lastMemoryUsed.reset();
    if (const json memory = answer.value("memory_used", json()); memory.is_array()) {
        m_lastMemoryUsed.emplace();
        for (const json &id : memory) {
            if (id.is_number_unsigned()) m_lastMemoryUsed->push_back(id.get<uint64_t>());
        }
    }
    return MNEMO_OK;
}

mnemo_status RemoteCalls::edit(const mnemo_frame *in, const mnemo_frame *source, const mnemo_flow *flows,
                               mnemo_frame *out, uint32_t count, mnemo_error *error) {
    const size_t flowBytes = size_t(m_width) * m_height * 8;
    std::string body;
    json indices = json::array(), hasFlow = json::array();
    auto append = [&](const mnemo_frame &f) {
        for (uint32_t y = 0; y < f.height; ++y) {
            body.append(reinterpret_cast<const char *>(f.pixels + size_t(y) * f.stride_bytes), size_t(f.width) * 4);
        }
    };
    for (uint32_t i = 0; i < count; ++i) {
        append(in[i]);
        indices.push_back(in[i].index);
    }
    for (uint32_t i = 0; source && i < count; ++i) append(source[i]);
    for (uint32_t i = 0; source && i < count; ++i) {
        const bool has = flows && flows[i].xy;
        hasFlow.push_back(has);
        if (has) body.append(reinterpret_cast<const char *>(flows[i].xy), flowBytes);
    }
    json request{{"type", "edit"}, {"count", count}, {"frame_indices", indices}, {"with_source", source != nullptr}};
    if (source) request["has_flow"] = hasFlow;
    askFormat(request, m_endpoint);
    json answer;
    std::string payload;
    if (mnemo_status s = exchange(request, &body, answer, payload, error); s != MNEMO_OK) return s;
    return frames(answer, payload, out, count, error);
}

} // namespace

std::unique_ptr<ModuleCalls> remoteCalls(const RemoteEndpoint &endpoint, const std::string &moduleId) {
    return std::make_unique<RemoteCalls>(endpoint, moduleId);
}

std::string RemoteEndpoint::url() const { return "ws://" + host + ":" + port + remote::targetFor(version); }

Result<RemoteEndpoint> parseRemoteUrl(const std::string &url, const std::string &token) {
    if (url.rfind("ws://", 0) != 0) return Status(StatusCode::InvalidArgument, "'" + url + "' is not a ws:// address");
    std::string rest = url.substr(5);
    rest = rest.substr(0, rest.find('/'));
    const size_t colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) {
        return Status(StatusCode::InvalidArgument, "'" + url + "' needs a host and a port (ws://HOST:PORT)");
    }
    RemoteEndpoint e;
    e.host = rest.substr(0, colon);
    e.port = rest.substr(colon + 1);
    e.token = token;
    return e;
}

Result<LoadedModule> describeRemote(const RemoteEndpoint &endpoint) {
    Connection connection(endpoint);
    std::string why;
    Result<LoadedModule> out = Status(StatusCode::Internal, "not asked");
    json formats;
    const Status asked = guarded("describing " + endpoint.url(), [&] {
        if (!connection.open(why)) {
            out = Status(StatusCode::NotFound, endpoint.url() + ": " + why);
            return;
        }
        json answer;
        std::string payload;
        if (!connection.exchange({{"type", "describe"}}, nullptr, answer, payload, why)) {
            out = Status(StatusCode::NotFound, endpoint.url() + ": " + why);
            return;
        }
        out = remote::moduleFromJson(answer.value("module", json()), endpoint.url());
        formats = answer.value("formats", json::array({"rgba"}));
    });
    connection.close();
    if (!asked.ok()) return asked;
    if (out.ok()) {
        out->remote = endpoint;
        out->file = endpoint.url();
        if (!formats.is_array() || std::find(formats.begin(), formats.end(), json(endpoint.frameFormat)) == formats.end()) {
            log::warning("modules", endpoint.url() + " does not offer '" + endpoint.frameFormat + "' frames: raw RGBA");
            out->remote->frameFormat = "rgba";
        }
    }
    return out;
}

} // namespace mnemo::modules
