// Where errors stop: exceptions injected into the world engine thread, the session recorder thread, a decoding
// thread and module calls (and thrown by a C++ module through the C ABI) end as error values, never a crash or hang;
// plus the input hygiene at those boundaries: UTF-8 repair by maximal subparts, guarded(), and whole-text numbers.
#include "mnemo/core/Guard.hpp"
#include "mnemo/core/JsonText.hpp"
#include "mnemo/core/NumberText.hpp"
#include "mnemo/core/Utf8.hpp"
#include "mnemo/media/ParallelDecoder.hpp"
#include "mnemo/media/VideoEncoder.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/modules/ModuleInstance.hpp"
#include "mnemo/session/SessionRecorder.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <initializer_list>
#include <new>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace mnemo;
using namespace mnemo::modules;

namespace {
const std::string kFixtures = MNEMO_BINARY_DIR "/test-plugins";
const std::string kPlugins = MNEMO_BINARY_DIR "/plugins";
constexpr char kFaultVariable[] = "MNEMO_FAULT_INJECT";
const std::string kReplacement = "\xEF\xBF\xBD"; // U+FFFD

// Sets MNEMO_FAULT_INJECT for one scope and unsets it on leaving, even when a QVERIFY returns early. Declare it
// before the object whose threads read it, so those threads are joined before the variable goes.
struct FaultInjection {
    explicit FaultInjection(const char *points) { qputenv(kFaultVariable, QByteArray(points)); }
    ~FaultInjection() { qunsetenv(kFaultVariable); }
    FaultInjection(const FaultInjection &) = delete;
    FaultInjection &operator=(const FaultInjection &) = delete;
};

bool mentions(const std::string &message, const std::string &fragment) {
    return message.find(fragment) != std::string::npos;
}

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) out += char(v);
    return out;
}

QByteArray hex(const std::string &s) { return QByteArray::fromStdString(s).toHex(' '); }

// Encodes any value up to U+10FFFF, surrogates included (which makes them ill-formed input on purpose).
std::string encodeCodePoint(uint32_t cp) {
    if (cp < 0x80) return bytes({int(cp)});
    if (cp < 0x800) return bytes({int(0xC0 | (cp >> 6)), int(0x80 | (cp & 0x3F))});
    if (cp < 0x10000) return bytes({int(0xE0 | (cp >> 12)), int(0x80 | ((cp >> 6) & 0x3F)), int(0x80 | (cp & 0x3F))});
    return bytes({int(0xF0 | (cp >> 18)), int(0x80 | ((cp >> 12) & 0x3F)), int(0x80 | ((cp >> 6) & 0x3F)),
                  int(0x80 | (cp & 0x3F))});
}

// The message faultPoint(point) throws, or "" when it does not throw.
std::string faultMessage(const char *point) {
    try {
        faultPoint(point);
    } catch (const std::runtime_error &e) {
        return e.what();
    }
    return {};
}

std::vector<std::shared_ptr<const world::WorldFrame>> drain(world::WorldPipeline &p, size_t expected) {
    std::vector<std::shared_ptr<const world::WorldFrame>> out;
    while (out.size() < expected) {
        auto f = p.record().pop(std::chrono::seconds(30));
        if (!f) break;
        out.push_back(*f);
    }
    return out;
}

// Two seconds of a flat, brightening 64x48 picture: two keyframe intervals.
Status encodeSmallVideo(const std::string &path) {
    media::VideoEncoderConfig config;
    config.path = path;
    config.width = 64;
    config.height = 48;
    config.fps = 30.0;
    auto encoder = media::VideoEncoder::open(config);
    if (!encoder.ok()) return encoder.status();
    for (int n = 0; n < 60; ++n) {
        Frame f;
        f.width = config.width;
        f.height = config.height;
        f.rgba.assign(size_t(f.width) * f.height * 4, uint8_t(n * 4));
        if (Status s = encoder.value()->write(f); !s.ok()) return s;
    }
    return encoder.value()->finish();
}
} // namespace

class TestBoundaries : public QObject {
    Q_OBJECT
    std::unique_ptr<ModuleEnvironment> m_env;
    ModuleHost m_host{nullptr}; // the module-call tests need no GPU, as in tst_modules
    QTemporaryDir m_dir;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_env = ModuleEnvironment::create({kPlugins, kFixtures});
        QVERIFY2(m_env->vulkan, m_env->vulkanError.c_str());
        QVERIFY(m_env->registry->find("null-world"));
    }

    void cleanup() { qunsetenv(kFaultVariable); } // belt and braces: no test leaks a fault into the next

    void utf8KeepsValidText() {
        const std::vector<std::string> valid = {
            "",
            "plain ASCII ~",
            "caf\xC3\xA9",         // 2 bytes
            "\xE2\x82\xAC",         // 3 bytes: EURO SIGN
            "\xF0\x9F\x98\x80",     // 4 bytes: an emoji
            "\xED\x9F\xBF",         // U+D7FF, just below the surrogates
            "\xEE\x80\x80",         // U+E000, just above them
            "\xF4\x8F\xBF\xBF",     // U+10FFFF, the last code point
            std::string("a\0b", 3), // NUL is valid UTF-8
        };
        for (const std::string &s : valid) {
            QVERIFY2(isValidUtf8(s), hex(s).constData());
            QCOMPARE(hex(validUtf8(s)), hex(s));
        }
    }

    void utf8ReplacesEachMaximalSubpart() {
        const std::string R = kReplacement;
        struct Case {
            std::string in, out;
        };
        const std::vector<Case> cases = {
            // The Unicode Standard, chapter 3, "U+FFFD Substitution of Maximal Subparts": F1 80 80 | E1 80 | C2 |
            // 80 | 80 | BF each become one U+FFFD.
            {bytes({0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0x63, 0x80, 0xBF, 0x64}),
             "a" + R + R + R + "b" + R + "c" + R + R + "d"},
            {bytes({0xC0, 0xAF}), R + R},                   // overlong '/'
            {bytes({0xED, 0xA0, 0x80}), R + R + R},         // surrogate U+D800
            {bytes({0xF4, 0x90, 0x80, 0x80}), R + R + R + R}, // U+110000, above the last code point
            {bytes({0x78, 0xE2, 0x82}), "x" + R},           // truncated EURO SIGN at the end
        };
        for (const Case &c : cases) {
            QVERIFY2(!isValidUtf8(c.in), hex(c.in).constData());
            QCOMPARE(hex(validUtf8(c.in)), hex(c.out));
            QCOMPARE(hex(validUtf8(std::string(c.in))), hex(c.out)); // the rvalue overload agrees
            QVERIFY(isValidUtf8(validUtf8(c.in)));
        }
    }

    void utf8RandomBytesAgree() {
        std::mt19937 rng(20240611);
        std::uniform_int_distribution<int> pieces(0, 6), kind(0, 3), byte(0, 255), eighth(0, 7);
        const uint32_t limits[] = {0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
        int validCount = 0, invalidCount = 0;
        for (int n = 0; n < 5000; ++n) {
            // Encoded code points (surrogates included) mixed with random bytes, sometimes cut short.
            std::string s;
            for (int i = pieces(rng); i > 0; --i) {
                if (kind(rng) == 0) {
                    s += char(byte(rng));
                } else {
                    s += encodeCodePoint(std::uniform_int_distribution<uint32_t>(0, limits[kind(rng)])(rng));
                }
            }
            if (!s.empty() && eighth(rng) == 0) s.pop_back();
            const std::string repaired = validUtf8(s);
            const bool valid = isValidUtf8(s);
            QVERIFY2(valid == (repaired == s), hex(s).constData());
            QVERIFY2(isValidUtf8(repaired), hex(s).constData());
            (valid ? validCount : invalidCount)++;
        }
        // The generator must exercise both sides.
        QVERIFY2(validCount > 500 && invalidCount > 500,
                 (std::to_string(validCount) + " valid, " + std::to_string(invalidCount) + " invalid").c_str());
    }

    void guardedPassesResultsThrough() {
        bool ran = false;
        QVERIFY(guarded("doing nothing", [&] { ran = true; }).ok());
        QVERIFY(ran);
        QVERIFY(guarded("returning ok", [] { return Status(); }).ok());
        const Status kept = guarded("looking", [] { return Status(StatusCode::NotFound, "no such map"); });
        QCOMPARE(kept.code(), StatusCode::NotFound);
        QCOMPARE(kept.message(), std::string("no such map"));
    }

    void guardedTurnsExceptionsIntoStatus() {
        const Status runtime = guarded("loading the map", [] { throw std::runtime_error("disk on fire"); });
        QCOMPARE(runtime.code(), StatusCode::Internal);
        QVERIFY2(mentions(runtime.message(), "loading the map"), runtime.message().c_str());
        QVERIFY2(mentions(runtime.message(), "disk on fire"), runtime.message().c_str());
        const Status memory = guarded("growing the bank", [] { throw std::bad_alloc(); });
        QCOMPARE(memory.code(), StatusCode::OutOfMemory);
        QVERIFY2(mentions(memory.message(), "growing the bank"), memory.message().c_str());
        const Status odd = guarded("counting", [] { throw 42; });
        QCOMPARE(odd.code(), StatusCode::Internal);
        QVERIFY2(mentions(odd.message(), "counting"), odd.message().c_str());
    }

    void faultPointFiresOnlyWhenListed() {
        qunsetenv(kFaultVariable);
        QCOMPARE(faultMessage("a"), std::string());
        {
            FaultInjection fault("some.other-point");
            QCOMPARE(faultMessage("a"), std::string());
        }
        {
            FaultInjection fault("a");
            QCOMPARE(faultMessage("a"), std::string("injected fault at a"));
        }
        {
            FaultInjection fault("a,b,c");
            QCOMPARE(faultMessage("b"), std::string("injected fault at b"));
            QCOMPARE(faultMessage("c"), std::string("injected fault at c"));
            QCOMPARE(faultMessage("d"), std::string());
            QCOMPARE(faultMessage("bc"), std::string()); // whole names only
        }
        qunsetenv(kFaultVariable);
    }

    void worldThreadFaultFailsThePipeline() {
        world::WorldPipelineConfig c;
        c.moduleId = "null-world"; // chunk of 4 frames per step
        c.width = 16;
        c.height = 16;
        c.fixedTimestep = true;
        c.maxFrames = 8;
        c.record = true;
        {
            FaultInjection fault("engine.world-thread");
            world::WorldPipeline p(*m_env->registry);
            p.start(c);
            QTRY_COMPARE(p.state(), world::WorldPipeline::State::Failed);
            QVERIFY2(mentions(p.error(), "injected fault"), p.error().c_str());
            QVERIFY2(mentions(p.error(), "world engine thread"), p.error().c_str());
        }
        // The process is still here, and the next run is a normal one.
        world::WorldPipeline p(*m_env->registry);
        p.start(c);
        QCOMPARE(drain(p, 8).size(), size_t(8));
        QTRY_COMPARE(p.state(), world::WorldPipeline::State::Finished);
        QVERIFY2(p.error().empty(), p.error().c_str());
        qunsetenv(kFaultVariable);
    }

    void exceptionsThroughTheModuleAbiBecomeErrors() {
        ModuleRegistry registry(m_host);
        registry.scan({kFixtures});
        const LoadedModule *throwing = registry.find("throwing-world");
        QVERIFY2(throwing, "throwing-world did not load from the test-plugins folder");
        auto instance = ModuleInstance::create(*throwing, m_host, 8, 4);
        QVERIFY2(instance.ok(), instance.message().c_str());

        const Status param = instance.value()->setParam("throw_at_step", 5);
        QVERIFY(!param.ok());
        QVERIFY2(mentions(param.message(), "exception crossed the module ABI"), param.message().c_str());
        QVERIFY2(mentions(param.message(), "thrown on purpose"), param.message().c_str());

        Frame frame;
        frame.width = 8;
        frame.height = 4;
        frame.rgba.assign(8 * 4 * 4, 0);
        const std::vector<camera::CameraFrame> cameras(1); // throwing-world makes one frame per step
        const std::vector<Frame *> frames{&frame};
        auto step = [&] { return instance.value()->worldStep(cameras, {}, frames); };
        QVERIFY(step().ok());
        QVERIFY(step().ok());
        const Status third = step();
        QVERIFY(!third.ok());
        QVERIFY2(mentions(third.message(), "tensor shape mismatch"), third.message().c_str());
        QVERIFY2(mentions(third.message(), "exception crossed the module ABI"), third.message().c_str());
        QVERIFY(step().ok()); // the instance survived its own exception
        instance.value().reset(); // and can still be destroyed
    }

    void moduleCallFaultIsAnError() {
        ModuleRegistry registry(m_host);
        QVERIFY(registry.loadFile(kPlugins + "/libnull-world.so").ok());
        const LoadedModule &null = *registry.find("null-world");
        auto instance = ModuleInstance::create(null, m_host, 8, 4);
        QVERIFY2(instance.ok(), instance.message().c_str());
        {
            FaultInjection fault("engine.module-call");
            const Status reset = instance.value()->reset(7);
            QVERIFY(!reset.ok());
            QVERIFY2(mentions(reset.message(), "injected fault"), reset.message().c_str());
            auto created = ModuleInstance::create(null, m_host, 8, 4);
            QVERIFY(!created.ok());
            QVERIFY2(mentions(created.message(), "injected fault"), created.message().c_str());
        }
        QVERIFY(instance.value()->reset(7).ok()); // without the fault, calls work again
        qunsetenv(kFaultVariable);
    }

    void recorderThreadFaultIsReported() {
        FaultInjection fault("engine.recorder-thread");
        session::RecorderConfig rc;
        rc.folder = m_dir.filePath("faulty-session").toStdString();
        rc.video = false;
        session::SessionInfo info;
        info.engineId = "null-world";
        info.width = 16;
        info.height = 16;
        auto recorder = session::SessionRecorder::start(rc, info);
        QVERIFY2(recorder.ok(), recorder.message().c_str());
        QTRY_VERIFY(!recorder.value()->stats().error.empty());
        const std::string error = recorder.value()->stats().error;
        QVERIFY2(mentions(error, "injected fault"), error.c_str());
        const Status finished = recorder.value()->finish(); // returns: the thread is gone, nothing waits on it
        QVERIFY(!finished.ok());
        QVERIFY2(mentions(finished.message(), "injected fault"), finished.message().c_str());
        recorder.value().reset();
        qunsetenv(kFaultVariable);
    }

    void decodeThreadFaultEndsTheDecode() {
        const std::string path = m_dir.filePath("small.mkv").toStdString();
        const Status encoded = encodeSmallVideo(path);
        QVERIFY2(encoded.ok(), encoded.message().c_str());
        FaultInjection fault("engine.decode-thread");
        media::ParallelDecoderOptions options;
        options.threads = 2;
        options.minIntervalFrames = 1;
        auto decoder = media::ParallelDecoder::open(path, options);
        QVERIFY2(decoder.ok(), decoder.message().c_str());
        auto next = decoder.value()->next();
        QVERIFY(!next.ok());
        QVERIFY2(mentions(next.message(), "injected fault"), next.message().c_str());
        QVERIFY(!decoder.value()->next().ok()); // the error stays
        decoder.value().reset();                 // joins the threads
        qunsetenv(kFaultVariable);
    }

    // fuzz_msgpack overflowed the stack with 7 KB of nested fixarrays: documents deeper than kMaxJsonDepth are
    // refused where bytes become a document, in MessagePack and in JSON text alike.
    void deepDocumentsAreRefusedNotRecursedInto() {
        const std::string deepPack(100000, char(0x91)); // fixarray of one element, nested 100,000 times, never closed
        std::string pack = deepPack + char(0xC0);         // ... around a nil
        QVERIFY(parseMsgpack(reinterpret_cast<const uint8_t *>(pack.data()), pack.size()).is_discarded());
        std::string shallow = std::string(20, char(0x91)) + char(0xC0);
        const auto ok = parseMsgpack(reinterpret_cast<const uint8_t *>(shallow.data()), shallow.size());
        QVERIFY(!ok.is_discarded());
        QCOMPARE(ok.dump().size(), size_t(20 * 2 + 4)); // [[[...null...]]]
        const std::string deepText = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
        QVERIFY(parseJsonText(deepText).is_discarded());
        const std::string fine = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
        QVERIFY(!parseJsonText(fine).is_discarded());
        QVERIFY(parseJsonText("{\"a\": 1,").is_discarded()); // malformed: discarded, no exception
        const std::string trailing = std::string(1, char(0xC0)) + char(0xC0);
        QVERIFY(parseMsgpack(reinterpret_cast<const uint8_t *>(trailing.data()), trailing.size()).is_discarded());
    }

    void numbersMustBeTheWholeText() {
        QCOMPARE(parseUnsigned("42").value_or(0), uint64_t(42));
        QVERIFY(!parseUnsigned(""));
        QVERIFY(!parseUnsigned("4x"));
        QVERIFY(!parseUnsigned("-1"));
        QVERIFY(!parseUnsigned("99999999999999999999")); // above 2^64 - 1
        QCOMPARE(parseDouble("30.5").value_or(0), 30.5);
        QVERIFY(!parseDouble("abc"));
        QVERIFY(!parseDouble(""));
    }

    void cleanupTestCase() {
        qunsetenv(kFaultVariable);
        if (m_env && m_env->vulkan) QCOMPARE(m_env->vulkan->validationErrorCount(), 0u);
        m_env.reset();
    }
};

QTEST_GUILESS_MAIN(TestBoundaries)
#include "tst_boundaries.moc"
