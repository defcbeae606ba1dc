// The module loader and the ABI boundary: good modules load with their declared parameters; broken ones are
// refused with a reason naming the file; instance calls turn module errors into Status messages.
#include "mnemo/modules/ModuleInstance.hpp"
#include "mnemo/modules/ModuleRegistry.hpp"

#include <QTest>

using namespace mnemo;
using namespace mnemo::modules;

namespace {
const std::string kPlugins = MNEMO_BINARY_DIR "/plugins";
const std::string kFixtures = MNEMO_BINARY_DIR "/test-plugins";

const RefusedModule *refusedFile(const ModuleRegistry &r, const std::string &fragment) {
    for (const auto &m : r.refused()) {
        if (m.file.find(fragment) != std::string::npos) return &m;
    }
    return nullptr;
}
} // namespace

class TestModules : public QObject {
    Q_OBJECT
    // No Vulkan here on purpose: the loader must work without a GPU, and Vulkan modules must say why they fail.
    ModuleHost m_host{nullptr};

private slots:
    void loadsGoodModulesAndRefusesBrokenOnes() {
        ModuleRegistry registry(m_host);
        registry.scan({kPlugins, kFixtures, "/nonexistent/folder"});
        const LoadedModule *null = registry.find("null-world");
        QVERIFY(null);
        QCOMPARE(null->file, kPlugins + "/libnull-world.so");
        QCOMPARE(null->chunkFrames, 4u);
        QCOMPARE(null->params.size(), size_t(1));
        QCOMPARE(null->params[0].type, ParamType::Bool);
        QVERIFY(registry.find("slow-world"));

        const auto *abi = refusedFile(registry, "libfixture_bad_abi.so");
        QVERIFY(abi);
        QVERIFY2(abi->reason.find("ABI version 999") != std::string::npos, abi->reason.c_str());
        const auto *entry = refusedFile(registry, "libfixture_no_entry.so");
        QVERIFY(entry);
        QVERIFY2(entry->reason.find("no entry symbol 'mnemo_module_entry'") != std::string::npos,
                 entry->reason.c_str());
        const auto *create = refusedFile(registry, "libfixture_failing_create.so");
        QVERIFY(create);
        QVERIFY2(create->reason.find("fails to create") != std::string::npos, create->reason.c_str());
        QVERIFY2(create->reason.find("weights file 'model.bin' not found") != std::string::npos,
                 create->reason.c_str());
        const auto *duplicate = refusedFile(registry, "libfixture_duplicate_id.so");
        QVERIFY(duplicate);
        QVERIFY2(duplicate->reason.find("duplicate module id 'null-world'") != std::string::npos,
                 duplicate->reason.c_str());
        QVERIFY(!registry.find("bad-abi"));
        QVERIFY(!registry.find("failing-create"));
    }

    void vulkanModulesExplainWhyTheyFailWithoutADevice() {
        ModuleRegistry registry(m_host);
        const Status s = registry.loadFile(kPlugins + "/libreference-world.so");
        QVERIFY(!s.ok());
        QVERIFY2(s.message().find("Vulkan") != std::string::npos, s.message().c_str());
        QVERIFY(s.message().find("libreference-world.so") != std::string::npos);
    }

    void aFileThatIsNotALibraryIsRefused() {
        ModuleRegistry registry(m_host);
        const Status s = registry.loadFile(MNEMO_SOURCE_DIR "/README.md");
        QVERIFY(!s.ok());
        QVERIFY(s.message().find("cannot be loaded") != std::string::npos);
        QCOMPARE(registry.refused().size(), size_t(1));
    }

    void loadingTheSameFileTwiceIsHarmless() {
        ModuleRegistry registry(m_host);
        QVERIFY(registry.loadFile(kPlugins + "/libnull-world.so").ok());
        QVERIFY(registry.loadFile(kPlugins + "/libnull-world.so").ok());
        QCOMPARE(registry.loaded().size(), size_t(1));
    }

    void instanceErrorsBecomeStatusMessages() {
        ModuleRegistry registry(m_host);
        QVERIFY(registry.loadFile(kPlugins + "/libnull-world.so").ok());
        const LoadedModule &null = *registry.find("null-world");
        auto bad = ModuleInstance::create(null, m_host, 64, 36, {{"no_such_param", 1}});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.message().find("no_such_param") != std::string::npos, bad.message().c_str());
        auto empty = ModuleInstance::create(null, m_host, 0, 36);
        QVERIFY(!empty.ok());

        auto instance = ModuleInstance::create(null, m_host, 8, 4, {{"fill", 1}});
        QVERIFY2(instance.ok(), instance.message().c_str());
        QVERIFY(instance.value()->reset(7).ok());
        QVERIFY(!instance.value()->setParam("nope", 1).ok());
        std::vector<Frame> storage(4);
        std::vector<Frame *> frames;
        std::vector<camera::CameraFrame> cameras(4);
        for (size_t i = 0; i < storage.size(); ++i) {
            storage[i].width = 8;
            storage[i].height = 4;
            storage[i].index = i;
            storage[i].rgba.assign(8 * 4 * 4, 0xAB);
            frames.push_back(&storage[i]);
            cameras[i].c2w[12] = float(i); // tell the cameras apart
        }
        std::vector<camera::CameraFrame> used;
        QVERIFY(instance.value()->worldStep(cameras, {}, frames, &used).ok());
        QCOMPARE(used.size(), size_t(4));
        QCOMPARE(used[3].c2w[12], 3.0f);
        QCOMPARE(storage[1].rgba[0], uint8_t((1 * 7 + 7) & 0xFF)); // null-world's fill: index * 7 + seed
        // A frame of the wrong size is refused before the module sees it.
        storage[0].width = 9;
        QVERIFY(!instance.value()->worldStep(cameras, {}, frames).ok());
    }
};

QTEST_APPLESS_MAIN(TestModules)
#include "tst_modules.moc"
