// Remote modules over the WebSocket protocol, on 127.0.0.1: a served module gives the same frames as in process
// (a world module, color, the temporal stabilizer with its source flow); a wrong or missing token and a wrong
// protocol version are refused with the server's reason; a server that goes away fails the step clearly and a new
// instance works once it is back; malformed messages never crash the server, and malformed answers never crash the
// client.
#include "support/ModuleServer.hpp"
#include "support/TestFrames.hpp"
#include "support/WorldSteps.hpp"

#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/modules/ModuleInstance.hpp"
#include "mnemo/modules/Remote.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

using namespace mnemo;
using namespace mnemo::modules;

namespace {

constexpr uint32_t kW = 64, kH = 48;
const std::string kToken = test::kServerToken;
using Server = test::ModuleServer;

} // namespace

class TestRemote : public QObject {
    Q_OBJECT
    std::unique_ptr<ModuleEnvironment> m_env;

    // A fake server that describes a world module offering JPEG, accepts create and reset, and answers the one step
    // with `payload` as its JPEG frames. What the step's failure said (empty if it did not fail).
    std::string stepAgainstFakeJpegServer(const std::string &payload) {
        namespace beast = boost::beast;
        namespace websocket = beast::websocket;
        using tcp = boost::asio::ip::tcp;
        using nlohmann::json;
        boost::asio::io_context io;
        tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
        const uint16_t port = acceptor.local_endpoint().port();
        std::thread fake([&] {
            for (int connection = 0; connection < 2; ++connection) { // describe, then the instance
                tcp::socket socket(io);
                beast::error_code ec;
                acceptor.accept(socket, ec);
                websocket::stream<tcp::socket> ws(std::move(socket));
                ws.accept(ec);
                for (beast::flat_buffer in; !ec; in.clear()) {
                    ws.read(in, ec);
                    if (ec) break;
                    const json r = json::parse(beast::buffers_to_string(in.data()), nullptr, false);
                    const std::string type = r.is_object() ? r.value("type", "") : "";
                    json a{{"type", "result"}, {"req_id", r.is_object() ? r.value("req_id", json()) : json()}, {"ok", true}};
                    std::string bytes;
                    if (type == "describe") {
                        a = {{"type", "describe"}, {"req_id", r["req_id"]}, {"ok", true}, {"protocol", 1},
                             {"formats", {"rgba", "jpeg"}},
                             {"module", {{"id", "fake"}, {"name", "Fake"}, {"version", "1"}, {"kind", "world"}, {"chunk_frames", 1}}}};
                    } else if (type == "step") {
                        const json h{{"type", "frames"}, {"req_id", r["req_id"]}, {"ok", true}, {"count", 1},
                                     {"width", kW}, {"height", kH}, {"format", "jpeg"}};
                        const std::string text = h.dump();
                        const uint32_t n = uint32_t(text.size());
                        bytes = std::string{char(n), char(n >> 8), char(n >> 16), char(n >> 24)} + text + payload;
                    }
                    ws.binary(!bytes.empty());
                    ws.write(boost::asio::buffer(bytes.empty() ? a.dump() : bytes), ec);
                }
            }
        });
        RemoteEndpoint e{"127.0.0.1", std::to_string(port), kToken};
        e.deadlineMs = 3000;
        e.frameFormat = "jpeg";
        std::string failure = "no failure";
        if (auto described = describeRemote(e); !described.ok()) {
            failure = "describe: " + described.message();
        } else if (auto m = make(described.value()); !m) {
            failure = "create failed";
        } else {
            auto steps = testing::worldSteps(*m, 0, 1);
            if (!steps.ok()) failure = steps.message();
        }
        { // a fake still waiting for the instance's connection (describe failed) gets one that closes at once
            tcp::socket poke(io);
            boost::system::error_code ignored;
            poke.connect(acceptor.local_endpoint(), ignored);
        }
        fake.join();
        return failure;
    }

    // Starts an SDK server script on a free port; the port, or 0 (with a warning) when it did not start.
    static int startPython(QProcess &python, const QString &script) {
        python.start("/usr/bin/python3", {script, "--port", "0", "--token", QString::fromStdString(kToken)});
        if (!python.waitForReadyRead(60000)) {
            qWarning("%s: %s", qPrintable(script), python.readAllStandardError().constData());
            return 0;
        }
        return QJsonDocument::fromJson(python.readLine()).object()["port"].toInt();
    }

    std::unique_ptr<ModuleInstance> make(const LoadedModule &m, const ParamValues &params = {}) {
        auto made = ModuleInstance::create(m, *m_env->host, kW, kH, params);
        if (!made.ok()) qWarning("%s", made.message().c_str());
        return made.ok() ? std::move(made.value()) : nullptr;
    }

private slots:
    void initTestCase() {
        m_env = ModuleEnvironment::create({MNEMO_BINARY_DIR "/plugins", MNEMO_BINARY_DIR "/test-plugins"});
        QVERIFY(m_env->registry->find("faulty") && m_env->registry->find("temporal-stabilizer"));
    }

    void aServedWorldModuleGivesTheSameFrames() {
        Server server(*m_env, "faulty");
        auto described = describeRemote(server.endpoint());
        QVERIFY2(described.ok(), described.message().c_str());
        QCOMPARE(described->id, std::string("faulty"));
        QCOMPARE(described->params.size(), m_env->registry->find("faulty")->params.size()); // the form just works
        auto remote = make(described.value()), local = make(*m_env->registry->find("faulty"));
        QVERIFY(remote && local);
        QVERIFY(remote->reset(3).ok() && remote->setParam("slow_ms", 1).ok());
        auto a = testing::worldSteps(*local, 0, 6), b = testing::worldSteps(*remote, 0, 6);
        QVERIFY2(a.ok() && b.ok(), b.ok() ? a.message().c_str() : b.message().c_str());
        QVERIFY(a.value() == b.value());
        const Status bad = remote->setParam("no_such_param", 1);
        QVERIFY2(!bad.ok() && bad.message().find("no parameter 'no_such_param'") != std::string::npos, bad.message().c_str());
    }

    void servedEditModulesGiveTheSameFrames() {
        for (const char *id : {"color", "temporal-stabilizer"}) {
            Server server(*m_env, id);
            auto described = describeRemote(server.endpoint());
            QVERIFY2(described.ok(), described.message().c_str());
            auto remote = make(described.value()), local = make(*m_env->registry->find(id));
            QVERIFY(remote && local);
            std::vector<float> flow(size_t(kW) * kH * 2, -1.5f);
            for (int t = 0; t < 4; ++t) {
                const auto in = testing::panning(kW, kH, t);
                Frame a = *in, b = *in;
                ModuleInstance::EditSource source{{in.get()}, {t == 0 ? nullptr : &flow}};
                QVERIFY(local->editProcess({in.get()}, {&a}, &source).ok());
                const Status s = remote->editProcess({in.get()}, {&b}, &source);
                QVERIFY2(s.ok(), s.message().c_str());
                QVERIFY2(a.rgba == b.rgba, id);
            }
        }
    }

    // JPEG frames: the server encodes, the client decodes to the same size; lossy, so close rather than equal. The
    // reference world's frames are detailed enough for a compression error to show.
    void jpegFramesAreCloseToTheExactOnes() {
        Server server(*m_env, "reference-world");
        RemoteEndpoint e = server.endpoint();
        e.frameFormat = "jpeg";
        e.jpegQuality = 90;
        auto described = describeRemote(e);
        QVERIFY2(described.ok(), described.message().c_str());
        QCOMPARE(described->remote->frameFormat, std::string("jpeg")); // offered by mnemo-cli serve
        auto remote = make(described.value()), local = make(*m_env->registry->find("reference-world"));
        QVERIFY(remote && local && remote->reset(1).ok() && local->reset(1).ok());
        auto a = testing::worldSteps(*local, 0, 3), b = testing::worldSteps(*remote, 0, 3);
        QVERIFY2(a.ok() && b.ok(), b.ok() ? a.message().c_str() : b.message().c_str());
        for (size_t f = 0; f < a->size(); ++f) {
            double sum = 0;
            bool opaque = true;
            for (size_t i = 0; i < a.value()[f].size(); i += 4) {
                for (size_t c = 0; c < 3; ++c) sum += std::abs(int(a.value()[f][i + c]) - int(b.value()[f][i + c]));
                opaque = opaque && b.value()[f][i + 3] == 255;
            }
            const double meanError = sum / double(a.value()[f].size() / 4 * 3);
            QVERIFY2(meanError > 0 && meanError < 6, std::to_string(meanError).c_str()); // lossy, but close
            QVERIFY(opaque);
        }
        QVERIFY(remote->lastStepCodecMs() > 0);
    }

    // A server that offers JPEG and then sends broken JPEG frames (random bytes, lengths past the end, a JPEG
    // start marker and noise, and a stream of random mutations): each step fails naming the server, none crashes.
    void brokenJpegFramesNeverCrashTheClient() {
        std::mt19937 rng(7);
        std::vector<std::string> payloads = {std::string("\xff\xff\xff\x7f", 4) + "abc", std::string(4, '\0'),
                                             std::string("\x08\x00\x00\x00\xff\xd8\xff\xe0junk", 12), "x"};
        for (int i = 0; i < 40; ++i) {
            std::string p(size_t(rng() % 600), '\0');
            for (char &c : p) c = char(rng());
            const uint32_t n = uint32_t(p.size());
            if (i % 2) p = std::string{char(n), char(n >> 8), char(n >> 16), char(n >> 24)} + p; // a plausible length
            if (i % 4 == 1 && p.size() > 8) { p[4] = char(0xff); p[5] = char(0xd8); }
            payloads.push_back(p);
        }
        for (const std::string &payload : payloads) {
            const std::string failure = stepAgainstFakeJpegServer(payload);
            QVERIFY2(failure.find("ws://127.0.0.1:") != std::string::npos &&
                         failure.find("malformed frames answer") != std::string::npos, failure.c_str());
        }
    }

    // The World pipeline with a remote module, two steps in flight and one: the same frames, in order, as in process
    // (a scripted walk, fixed timestep). A parameter change mid-run waits for the steps in flight.
    void pipelinedRemoteStepsGiveTheSameFrames() {
        Server server(*m_env, "faulty");
        auto described = describeRemote(server.endpoint());
        QVERIFY2(described.ok(), described.message().c_str());
        auto remoteId = m_env->registry->addDescribed(described.value());
        QVERIFY2(remoteId.ok(), remoteId.message().c_str());
        auto run = [&](const std::string &id, uint32_t inFlight) {
            world::WorldPipeline pipeline(*m_env->registry);
            world::WorldPipelineConfig config;
            config.moduleId = id;
            config.width = kW;
            config.height = kH;
            config.fixedTimestep = true;
            config.track = camera::makeScriptedTrack("walk", 12, kW, kH).value();
            config.stepsInFlight = inFlight;
            std::vector<std::pair<uint64_t, std::vector<uint8_t>>> frames;
            std::mutex mutex;
            pipeline.setFrameTap([&](const world::WorldFramePtr &f) {
                std::lock_guard lock(mutex);
                frames.emplace_back(f->frame->index, f->frame->rgba);
            });
            pipeline.start(config);
            pipeline.setParam("slow_ms", 1); // mid-run, with steps in flight
            for (int i = 0; i < 1000 && pipeline.state() != world::WorldPipeline::State::Finished &&
                            pipeline.state() != world::WorldPipeline::State::Failed; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            if (pipeline.state() == world::WorldPipeline::State::Failed) qWarning("%s", pipeline.error().c_str());
            std::lock_guard lock(mutex);
            return frames;
        };
        const auto local = run("faulty", 2), sequential = run(remoteId.value(), 1), pipelined = run(remoteId.value(), 2);
        QCOMPARE(local.size(), size_t(12));
        for (size_t i = 0; i < local.size(); ++i) QCOMPARE(local[i].first, uint64_t(i));
        QVERIFY(sequential == local);
        QVERIFY(pipelined == local);
    }

    void tokensAndVersionsAreChecked() {
        Server server(*m_env, "faulty");
        auto wrong = describeRemote(server.endpoint("nope"));
        QVERIFY(!wrong.ok() && wrong.message().find("401") != std::string::npos &&
                wrong.message().find("token is wrong") != std::string::npos);
        auto missing = describeRemote(server.endpoint(""));
        QVERIFY2(!missing.ok() && missing.message().find("bearer token is required") != std::string::npos,
                 missing.message().c_str());
        RemoteEndpoint future = server.endpoint();
        future.version = 2;
        auto version = describeRemote(future);
        QVERIFY2(!version.ok() && version.message().find("version 2 is not served here") != std::string::npos &&
                     version.message().find("speaks version 1") != std::string::npos,
                 version.message().c_str());
        auto nobody = describeRemote({"127.0.0.1", "1", kToken});
        QVERIFY(!nobody.ok() && nobody.message().find("ws://127.0.0.1:1") != std::string::npos);
    }

    void aServerThatGoesAwayFailsTheStepAndANewInstanceWorks() {
        auto server = std::make_unique<Server>(*m_env, "faulty");
        auto described = describeRemote(server->endpoint());
        QVERIFY(described.ok());
        auto remote = make(described.value());
        QVERIFY(remote && testing::worldSteps(*remote, 0, 2).ok());
        server->stop(); // the connection goes with it (a served connection ends when the server stops)
        server.reset();
        auto gone = testing::worldSteps(*remote, 2, 1);
        QVERIFY(!gone.ok());
        QVERIFY2(gone.message().find("module 'faulty'") != std::string::npos &&
                     gone.message().find("remote ws://127.0.0.1:") != std::string::npos,
                 gone.message().c_str());
        Server again(*m_env, "faulty");
        LoadedModule moved = described.value();
        moved.remote = again.endpoint();
        auto fresh = make(moved);
        QVERIFY(fresh && testing::worldSteps(*fresh, 2, 2).ok());
    }

    // Garbage in every shape a peer can send: the server answers each with an error and still works afterwards.
    void malformedMessagesNeverCrashTheServer() {
        namespace beast = boost::beast;
        namespace websocket = beast::websocket;
        Server server(*m_env, "faulty");
        boost::asio::io_context io;
        boost::asio::ip::tcp::resolver resolver(io);
        websocket::stream<boost::asio::ip::tcp::socket> ws(io);
        const RemoteEndpoint e = server.endpoint();
        boost::asio::connect(ws.next_layer(), resolver.resolve(e.host, e.port));
        ws.set_option(websocket::stream_base::decorator(
            [](websocket::request_type &req) { req.set(beast::http::field::authorization, "Bearer " + kToken); }));
        ws.handshake(e.host, "/mnemo/v1");
        std::mt19937 rng(12345);
        const std::vector<std::string> shapes = {
            "", "{", "[]", "null", "{\"type\":5}", "{\"type\":\"step\"}", "{\"type\":\"create\",\"width\":\"x\"}",
            "{\"type\":\"create\",\"width\":100000,\"height\":1}", "{\"type\":\"set_param\",\"name\":3}",
            "{\"type\":\"step\",\"cameras\":[{\"c2w\":[1]}]}", "{\"type\":\"teleport\"}"};
        for (int i = 0; i < 300; ++i) {
            std::string message;
            const bool binary = i % 3 == 2;
            if (i < int(shapes.size())) {
                message = shapes[size_t(i)];
            } else {
                // Text frames must be UTF-8 (the WebSocket layer closes on anything else): printable garbage there,
                // any bytes in binary frames, with a header length that sometimes fits.
                message.resize(rng() % 64);
                for (char &c : message) c = binary ? char(rng()) : char(32 + rng() % 95);
                if (binary && message.size() >= 4) message[0] = char(rng() % 80), message[1] = message[2] = message[3] = 0;
            }
            ws.binary(binary);
            ws.write(boost::asio::buffer(message));
            beast::flat_buffer answer;
            ws.read(answer);
            QVERIFY2(ws.got_text() && beast::buffers_to_string(answer.data()).find("\"error\"") != std::string::npos,
                     beast::buffers_to_string(answer.data()).c_str());
        }
        ws.close(websocket::close_code::normal);
        auto described = describeRemote(e);
        QVERIFY2(described.ok(), described.message().c_str());
    }

    // A server that answers nonsense: every call fails with a message naming the server, none crashes the client.
    void malformedAnswersNeverCrashTheClient() {
        namespace beast = boost::beast;
        namespace websocket = beast::websocket;
        using tcp = boost::asio::ip::tcp;
        const std::vector<std::pair<bool, std::string>> answers = {
            {false, "not json"},
            {false, "{\"type\":\"describe\",\"req_id\":999,\"ok\":true}"},
            {true, std::string("\x05\x00\x00\x00{}", 6)}, // a header length that runs past the message
            {true, "ab"},
            {false, "{\"type\":\"describe\",\"req_id\":1,\"ok\":true,\"module\":{\"id\":\"x\",\"kind\":\"blender\"}}"},
            {false, "{\"type\":\"describe\",\"req_id\":1,\"ok\":true,\"module\":{\"id\":\"x\",\"kind\":\"world\","
                    "\"params\":[{\"name\":5}]}}"},
            {false, "{\"type\":\"describe\",\"req_id\":1,\"ok\":true,\"module\":{\"id\":\"x\",\"kind\":\"world\","
                    "\"name\":7}}"},
        };
        for (const auto &[binary, answer] : answers) {
            boost::asio::io_context io;
            tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
            const uint16_t port = acceptor.local_endpoint().port();
            std::thread fake([&, binary = binary, answer = answer] {
                tcp::socket socket(io);
                acceptor.accept(socket);
                websocket::stream<tcp::socket> ws(std::move(socket));
                beast::error_code ec;
                ws.accept(ec);
                beast::flat_buffer request;
                ws.read(request, ec);
                ws.binary(binary);
                ws.write(boost::asio::buffer(answer), ec);
                ws.read(request, ec); // until the client closes
            });
            RemoteEndpoint e{"127.0.0.1", std::to_string(port), kToken};
            e.deadlineMs = 3000;
            auto described = describeRemote(e);
            fake.join();
            QVERIFY2(!described.ok(), answer.c_str());
            QVERIFY2(described.message().find("ws://127.0.0.1:" + std::to_string(port)) != std::string::npos,
                     described.message().c_str());
        }
    }

    // The SDK's PyTorch examples (Debian's python3-torch), served and driven like any module. The world: the same
    // steps give the same frames; memory picks change what it draws (it recalls the picked frames it generated). The
    // edit: it changes the frames, follows the source flow, and gives the same frames for the same stream.
    void thePyTorchExamplesServeTheStudio() {
        QProcess world, edit;
        const int worldPort = startPython(world, MNEMO_SOURCE_DIR "/python/examples/torch_world.py");
        const int editPort = startPython(edit, MNEMO_SOURCE_DIR "/python/examples/torch_edit.py");
        QVERIFY(worldPort > 0 && editPort > 0);
        auto w = describeRemote({"127.0.0.1", std::to_string(worldPort), kToken});
        QVERIFY2(w.ok(), w.message().c_str());
        QCOMPARE(w->id, std::string("torch-world"));
        auto a = make(w.value()), b = make(w.value());
        QVERIFY(a && b && a->reset(5).ok() && b->reset(5).ok());
        auto first = testing::worldSteps(*a, 0, 4), second = testing::worldSteps(*b, 0, 4);
        QVERIFY2(first.ok() && second.ok(), first.ok() ? second.message().c_str() : first.message().c_str());
        QVERIFY(first.value() == second.value()); // deterministic
        QVERIFY(first.value()[0] != first.value()[3]); // the camera moved
        // Back at frame 0's camera, with and without a pick of frame 0: the recall shows.
        mnemo_memory_pick pick{};
        pick.struct_size = sizeof pick;
        pick.frame_index = 0;
        pick.entry_id = 1;
        pick.score = 0.9f;
        pick.covered = 0.9f;
        const camera::CameraFrame start = testing::walkingCamera(0, kW, kH);
        std::copy(start.c2w.begin(), start.c2w.end(), pick.camera.c2w);
        pick.camera.fx = start.intrinsics.fx;
        pick.camera.fy = start.intrinsics.fy;
        pick.camera.cx = start.intrinsics.cx;
        pick.camera.cy = start.intrinsics.cy;
        auto revisit = [&](ModuleInstance &m, const std::vector<mnemo_memory_pick> &picks) {
            Frame f;
            f.width = kW;
            f.height = kH;
            f.index = 4;
            f.rgba.assign(size_t(kW) * kH * 4, 0);
            const Status s = m.worldStep({testing::walkingCamera(0, kW, kH)}, {}, {&f}, nullptr, picks);
            if (!s.ok()) qWarning("%s", s.message().c_str());
            return f.rgba;
        };
        // Above the strip that lists the picks: recalled, the view is closer to how frame 0 looked than the drifted
        // render without the pick.
        auto distanceToFrame0 = [&](const std::vector<uint8_t> &f) {
            double sum = 0;
            for (size_t i = 0; i < size_t(kW) * 4 * (kH * 3 / 4); ++i) sum += std::abs(int(f[i]) - int(first.value()[0][i]));
            return sum;
        };
        const double recalled = distanceToFrame0(revisit(*a, {pick})), drifted = distanceToFrame0(revisit(*b, {}));
        const auto used = a->lastStepMemoryUsed(); // the model reports the pick it recalled (frames header)
        QVERIFY(used && *used == std::vector<uint64_t>{1});
        QVERIFY(b->lastStepMemoryUsed() && b->lastStepMemoryUsed()->empty());
        QVERIFY2(recalled < drifted * 0.5, (std::to_string(recalled) + " vs " + std::to_string(drifted)).c_str());

        auto e = describeRemote({"127.0.0.1", std::to_string(editPort), kToken});
        QVERIFY2(e.ok() && e->kind == ModuleKind::Edit && e->wantsSourceFlow, e.message().c_str());
        auto x = make(e.value()), y = make(e.value());
        QVERIFY(x && y);
        std::vector<float> flow(size_t(kW) * kH * 2, -1.5f);
        for (int t = 0; t < 3; ++t) {
            const auto in = testing::panning(kW, kH, t);
            Frame p = *in, q = *in;
            ModuleInstance::EditSource source{{in.get()}, {t == 0 ? nullptr : &flow}};
            const Status s = x->editProcess({in.get()}, {&p}, &source);
            QVERIFY2(s.ok(), s.message().c_str());
            QVERIFY(y->editProcess({in.get()}, {&q}, &source).ok());
            QVERIFY(p.rgba == q.rgba);
            QVERIFY(p.rgba != in->rgba);
        }
        for (QProcess *p : {&world, &edit}) {
            p->terminate();
            QVERIFY(p->waitForFinished(10000));
        }
    }

    // The Python SDK's example world (python/examples/numpy_world.py), driven by Mnemo's client: what the SDK speaks
    // is the documented protocol, so describe, create, set_param, steps and refusals all work from here.
    void thePythonSdkSpeaksTheProtocol() {
        QProcess python;
        python.start("/usr/bin/python3", {MNEMO_SOURCE_DIR "/python/examples/numpy_world.py", "--port", "0", "--token",
                                          QString::fromStdString(kToken)});
        QVERIFY2(python.waitForReadyRead(30000), python.readAllStandardError().constData());
        const QJsonObject listening = QJsonDocument::fromJson(python.readLine()).object();
        const int port = listening["port"].toInt();
        QVERIFY2(port > 0, python.readAllStandardError().constData());
        RemoteEndpoint e{"127.0.0.1", std::to_string(port), kToken};
        auto described = describeRemote(e);
        QVERIFY2(described.ok(), described.message().c_str());
        QCOMPARE(described->id, std::string("numpy-world"));
        QCOMPARE(described->params.size(), size_t(2));
        auto a = make(described.value()), b = make(described.value(), {{"tile", 4}});
        QVERIFY(a && b);
        auto first = testing::worldSteps(*a, 0, 3), second = testing::worldSteps(*b, 0, 3);
        QVERIFY2(first.ok() && second.ok(), first.ok() ? second.message().c_str() : first.message().c_str());
        QVERIFY(first.value()[0] != first.value()[2]); // the camera moved
        QVERIFY(first.value()[0] != second.value()[0]); // another tile size
        QVERIFY(b->setParam("tile", 2).ok());
        auto again = testing::worldSteps(*b, 0, 1);
        QVERIFY(again.ok() && again.value()[0] == first.value()[0]); // the same parameters: the same frame
        RemoteEndpoint jpegEndpoint = e;
        jpegEndpoint.frameFormat = "jpeg"; // the SDK offers it with python3-pil
        auto jpegDescribed = describeRemote(jpegEndpoint);
        QVERIFY(jpegDescribed.ok());
        QCOMPARE(jpegDescribed->remote->frameFormat, std::string("jpeg"));
        auto c = make(jpegDescribed.value());
        auto lossy = c ? testing::worldSteps(*c, 0, 1) : Status(StatusCode::Internal, "no instance");
        QVERIFY2(lossy.ok(), lossy.message().c_str());
        double error = 0;
        for (size_t i = 0; i < lossy.value()[0].size(); ++i) error += std::abs(lossy.value()[0][i] - first.value()[0][i]);
        error /= double(lossy.value()[0].size());
        QVERIFY2(error > 0 && error < 6, std::to_string(error).c_str());
        const Status unknown = a->setParam("no_such", 1);
        QVERIFY2(!unknown.ok() && unknown.message().find("no parameter 'no_such'") != std::string::npos,
                 unknown.message().c_str());
        auto refused = describeRemote({"127.0.0.1", std::to_string(port), "wrong"});
        QVERIFY2(!refused.ok() && refused.message().find("401") != std::string::npos &&
                     refused.message().find("token is wrong") != std::string::npos,
                 refused.message().c_str());
        python.terminate();
        QVERIFY(python.waitForFinished(10000));
    }
};

QTEST_GUILESS_MAIN(TestRemote)
#include "tst_remote.moc"
