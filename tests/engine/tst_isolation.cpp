// Modules out of process (mnemo-module-host): an isolated module gives the same frames as in process (a world module,
// an edit module, an edit module that follows the source's flow), and its crash, hang, garbage answer or exit is an
// error naming the module and what happened, while this process goes on and a new instance works again.
#include "support/TestFrames.hpp"
#include "support/WorldSteps.hpp"

#include "mnemo/modules/ModuleInstance.hpp"
#include "mnemo/modules/ModuleRegistry.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <QElapsedTimer>
#include <QTest>

#include <cmath>

using namespace mnemo;
using namespace mnemo::modules;

namespace {

constexpr uint32_t kW = 64, kH = 48;

} // namespace

class TestIsolation : public QObject {
    Q_OBJECT
    ModuleHost m_host{nullptr};
    std::unique_ptr<ModuleRegistry> m_registry;

    // The module, isolated from now on (the host keeps the setting; in-process instances use `inProcess`).
    const LoadedModule &isolated(const std::string &id, uint32_t deadlineMs = 10000) {
        m_host.setIsolation(id, {true, deadlineMs});
        return *m_registry->find(id);
    }
    const LoadedModule &inProcess(const std::string &id) {
        m_host.setIsolation(id, {});
        return *m_registry->find(id);
    }
    std::unique_ptr<ModuleInstance> make(const LoadedModule &m, const ParamValues &params = {}) {
        auto made = ModuleInstance::create(m, m_host, kW, kH, params);
        if (!made.ok()) qWarning("%s", made.message().c_str());
        return made.ok() ? std::move(made.value()) : nullptr;
    }

private slots:
    void initTestCase() {
        m_registry = std::make_unique<ModuleRegistry>(m_host);
        m_registry->scan({MNEMO_BINARY_DIR "/plugins", MNEMO_BINARY_DIR "/test-plugins"});
        QVERIFY(m_registry->find("faulty") && m_registry->find("color") && m_registry->find("temporal-stabilizer"));
    }

    void aWorldModuleGivesTheSameFramesIsolated() {
        auto inside = make(inProcess("faulty"));
        auto outside = make(isolated("faulty"));
        QVERIFY(inside && outside);
        QVERIFY(outside->reset(7).ok());
        QVERIFY(outside->setParam("slow_ms", 5).ok());
        auto a = testing::worldSteps(*inside, 0, 6), b = testing::worldSteps(*outside, 0, 6);
        QVERIFY2(a.ok() && b.ok(), b.ok() ? a.message().c_str() : b.message().c_str());
        QVERIFY(a.value() == b.value());
        QVERIFY(a.value()[0] != a.value()[5]); // the camera moved: the frames differ
    }

    void editModulesGiveTheSameFramesIsolated() {
        for (const char *id : {"color", "temporal-stabilizer"}) {
            const ParamValues params = std::string(id) == "color" ? ParamValues{{"exposure", 0.6}} : ParamValues{};
            auto inside = make(inProcess(id), params);
            auto outside = make(isolated(id), params);
            QVERIFY(inside && outside);
            std::vector<float> flow(size_t(kW) * kH * 2, -1.5f); // each pixel came from 1.5 px to the left
            for (int t = 0; t < 4; ++t) {
                const auto in = testing::panning(kW, kH, t);
                Frame a = *in, b = *in;
                ModuleInstance::EditSource source{{in.get()}, {t == 0 ? nullptr : &flow}};
                QVERIFY(inside->editProcess({in.get()}, {&a}, &source).ok());
                const Status s = outside->editProcess({in.get()}, {&b}, &source);
                QVERIFY2(s.ok(), s.message().c_str());
                QVERIFY2(a.rgba == b.rgba, id);
            }
        }
    }

    // Each way of failing: the message names the module and what happened; later calls fail the same way; a new
    // instance (what a restart makes) works again.
    void failuresAreNamedAndSurvived_data() {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("crash") << 1 << "crashed (SIGSEGV) during world_step";
        QTest::newRow("hang") << 2 << "no answer to world_step within 400 ms";
        QTest::newRow("garbage") << 3 << "malformed answer to world_step";
        QTest::newRow("exit") << 4 << "exited with code 3 during world_step";
    }
    void failuresAreNamedAndSurvived() {
        QFETCH(int, mode);
        QFETCH(QString, expected);
        QElapsedTimer clock;
        clock.start();
        auto m = make(isolated("faulty", 400), {{"mode", double(mode)}, {"at_step", 2}});
        QVERIFY(m);
        auto ran = testing::worldSteps(*m, 0, 5);
        QVERIFY(!ran.ok());
        QVERIFY2(ran.message().find("module 'faulty'") != std::string::npos, ran.message().c_str());
        QVERIFY2(ran.message().find(expected.toStdString()) != std::string::npos, ran.message().c_str());
        auto again = testing::worldSteps(*m, 0, 1);
        QVERIFY(!again.ok() && again.message().find(expected.toStdString()) != std::string::npos);
        QVERIFY2(clock.elapsed() < 20000, "a failure is noticed within the deadline");
        auto fresh = make(isolated("faulty", 400), {{"mode", double(mode)}, {"at_step", 100}});
        QVERIFY(fresh && testing::worldSteps(*fresh, 0, 2).ok());
    }

    // In the World pipeline: a crash stops the run with the module's name (this process goes on); with restart
    // chosen, a new child takes over from the current camera and the run produces every frame.
    void theWorldStopsOrRestartsAfterACrash() {
        for (bool restart : {false, true}) {
            m_registry->setIsolation("faulty", {true, 2000});
            world::WorldPipeline p(*m_registry);
            world::WorldPipelineConfig c;
            c.moduleId = "faulty";
            c.width = kW;
            c.height = kH;
            c.fixedTimestep = true;
            c.maxFrames = 12;
            c.memoryEnabled = false;
            c.params = {{"mode", 1}, {"at_step", 5}}; // every instance crashes at its sixth step
            c.restartFailedModule = restart;
            p.start(c);
            QTRY_VERIFY_WITH_TIMEOUT(p.state() == world::WorldPipeline::State::Finished ||
                                         p.state() == world::WorldPipeline::State::Failed,
                                     30000);
            if (restart) {
                QCOMPARE(p.state(), world::WorldPipeline::State::Finished);
                QCOMPARE(p.stats().framesProduced, uint64_t(12));
                QCOMPARE(p.stats().moduleRestarts, 2u); // after frames 5 and 10, each retried by the new instance
                QVERIFY(p.stats().lastRestartReason.find("crashed (SIGSEGV)") != std::string::npos);
            } else {
                QCOMPARE(p.state(), world::WorldPipeline::State::Failed);
                QVERIFY2(p.error().find("module 'faulty'") != std::string::npos &&
                             p.error().find("crashed (SIGSEGV)") != std::string::npos,
                         p.error().c_str());
                QCOMPARE(p.stats().framesProduced, uint64_t(5));
            }
        }
        m_registry->setIsolation("faulty", {});
    }

    void theHostKeepsTheChoicePerModule() {
        ModuleHost host(nullptr);
        QVERIFY(!host.isolation("x").enabled);
        host.setIsolation("", {true, 500});
        QCOMPARE(host.isolation("x"), (Isolation{true, 500}));
        host.setIsolation("x", {});
        QVERIFY(!host.isolation("x").enabled);
        QVERIFY(host.isolation("y").enabled);
        QVERIFY(!m_registry->setIsolation("no-such-module", {true, 1}));
    }

    // A request too large for the socket is the call's error; the child is fine and answers the next call.
    void anOversizedRequestIsRefusedAndTheModuleGoesOn() {
        auto m = make(isolated("color"));
        QVERIFY(m);
        const Status s = m->setParamText("lut", std::string(100000, 'x'));
        QCOMPARE(s.code(), StatusCode::InvalidArgument);
        QVERIFY2(s.message().find("more than an isolated module takes") != std::string::npos, s.message().c_str());
        QVERIFY(m->setParam("exposure", 0.5).ok());
        const auto in = testing::panning(kW, kH, 0);
        Frame out = *in;
        QVERIFY(m->editProcess({in.get()}, {&out}).ok());
    }

    void aLibraryThatIsNotAModuleIsNamed() {
        LoadedModule m = isolated("faulty");
        m.file = MNEMO_SOURCE_DIR "/README.md"; // the child is told to load this instead
        auto made = ModuleInstance::create(m, m_host, kW, kH);
        QVERIFY(!made.ok());
        QVERIFY2(made.message().find("README.md") != std::string::npos, made.message().c_str());
    }

    void aMissingHostProgramIsNamed() {
        qputenv("MNEMO_MODULE_HOST", "/nonexistent/mnemo-module-host");
        auto made = ModuleInstance::create(isolated("faulty"), m_host, kW, kH);
        qunsetenv("MNEMO_MODULE_HOST");
        QVERIFY(!made.ok());
        QVERIFY2(made.message().find("/nonexistent/mnemo-module-host") != std::string::npos, made.message().c_str());
    }
};

QTEST_GUILESS_MAIN(TestIsolation)
#include "tst_isolation.moc"
