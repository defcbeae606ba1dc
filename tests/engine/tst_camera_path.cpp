// The virtual camera: camera path files (round trip, easing, editing, and every malformed file named by its line),
// the virtual-camera module's geometry against exact expectations (identity, pan, zoom, roll), its stabilizer on a
// shaking clip, a path driving the module through the chain, and `mnemo-cli edit --camera-path`.
#include "support/TestFrames.hpp"

#include "mnemo/edit/CameraPath.hpp"
#include "mnemo/edit/EditChain.hpp"
#include "mnemo/edit/EditSessionFile.hpp"
#include "mnemo/edit/ParamKeys.hpp"
#include "mnemo/media/VideoEncoder.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

using namespace mnemo;
using namespace mnemo::edit;

namespace {

using testing::textured;

const uint8_t *pixel(const Frame &f, uint32_t x, uint32_t y) { return &f.rgba[(size_t(y) * f.width + x) * 4]; }
bool samePixel(const Frame &a, uint32_t ax, uint32_t ay, const Frame &b, uint32_t bx, uint32_t by) {
    return std::memcmp(pixel(a, ax, ay), pixel(b, bx, by), 4) == 0;
}

// Mean absolute RGB difference over the middle half of two frames.
double middleDifference(const Frame &a, const Frame &b) {
    double sum = 0;
    size_t n = 0;
    for (uint32_t y = a.height / 4; y < 3 * a.height / 4; ++y) {
        for (uint32_t x = a.width / 4; x < 3 * a.width / 4; ++x) {
            for (int c = 0; c < 3; ++c, ++n) sum += std::abs(int(pixel(a, x, y)[c]) - int(pixel(b, x, y)[c]));
        }
    }
    return sum / double(n);
}

// The file's text with keyframes on lines 6, 7 and 8.
std::string pathText(const std::string &second, const std::string &format = "mnemo-camera-path") {
    return "{\n"
           "  \"format\": \"" + format + "\",\n"
           "  \"version\": 1,\n"
           "  \"stabilize\": 0.5,\n"
           "  \"keyframes\": [\n"
           "    {\"frame\": 0, \"pan_x\": 0, \"zoom\": 1, \"ease\": \"linear\"},\n"
           "    " + second + ",\n"
           "    {\"frame\": 40, \"roll\": 10, \"tilt_y\": -5}\n"
           "  ]\n"
           "}\n";
}

QString failure(const std::string &text) {
    auto parsed = parseCameraPath(text, "bad.json");
    return parsed.ok() ? QString("(parsed)") : QString::fromStdString(parsed.message());
}

} // namespace

class TestCameraPath : public QObject {
    Q_OBJECT
    std::unique_ptr<modules::ModuleEnvironment> m_env;
    QTemporaryDir m_tmp;

    std::unique_ptr<EditChain> camera(uint32_t w, uint32_t h, const std::vector<std::string> &params = {},
                                      std::shared_ptr<const ParamAutomation> automation = {}) {
        auto links = parseChain("virtual-camera", params);
        if (!links.ok()) qFatal("%s", links.message().c_str());
        links->front().automation = std::move(automation);
        auto made = EditChain::create(*m_env, links.value(), w, h);
        if (!made.ok()) qFatal("%s", made.message().c_str());
        return std::move(made.value());
    }

    static FramePtr one(EditChain &c, FramePtr in) {
        auto out = c.push(std::move(in));
        return out.ok() && out->size() == 1 ? out->front() : nullptr;
    }

    // The shaking clip: the texture's window jumps by whole pixels, up to 3 each way, every frame.
    static std::vector<FramePtr> shakingClip(uint32_t w, uint32_t h, int frames) {
        std::mt19937 random(11);
        std::uniform_int_distribution<int> jitter(-3, 3);
        std::vector<FramePtr> clip;
        for (int t = 0; t < frames; ++t) clip.push_back(textured(w, h, jitter(random), jitter(random), uint64_t(t)));
        return clip;
    }

    // Mean frame-to-frame difference of the chain's output over a clip.
    static double meanMotion(EditChain &c, const std::vector<FramePtr> &clip, bool *anyBlack = nullptr) {
        FramePtr previous;
        double sum = 0;
        for (const FramePtr &in : clip) {
            const FramePtr out = one(c, in);
            if (!out) qFatal("the chain gave no frame");
            if (previous) sum += middleDifference(*previous, *out);
            for (size_t i = 0; anyBlack && i < out->rgba.size(); i += 4) {
                if (out->rgba[i] == 0 && out->rgba[i + 1] == 0 && out->rgba[i + 2] == 0) *anyBlack = true;
            }
            previous = out;
        }
        return sum / double(clip.size() - 1);
    }

private slots:
    void initTestCase() { m_env = modules::ModuleEnvironment::create({MNEMO_BINARY_DIR "/plugins"}); }

    // ---- the file ----

    void saveAndLoadGiveTheSamePath() {
        CameraPath path;
        QVERIFY(path.setKeyframe({0, 0.1, -0.2, 1.5, 12.5, 3, -4, Ease::Linear}).ok());
        QVERIFY(path.setKeyframe({30, -0.25, 0.125, 3, -90, 0, 0, Ease::Hold}).ok());
        QVERIFY(path.setKeyframe({12, 0, 0, 1, 0, 0, 0, Ease::EaseInOut}).ok()); // sorted on insertion
        QVERIFY(path.setStabilization(0.75, 20).ok());
        const std::string file = m_tmp.filePath("round.json").toStdString();
        QVERIFY(saveCameraPath(path, file).ok());
        auto loaded = loadCameraPath(file);
        QVERIFY2(loaded.ok(), loaded.message().c_str());
        QCOMPARE(loaded->keyframes().size(), size_t(3));
        for (size_t i = 0; i < 3; ++i) {
            const CameraKeyframe &a = path.keyframes()[i], &b = loaded->keyframes()[i];
            QCOMPARE(a.frame, b.frame);
            QVERIFY(a.panX == b.panX && a.panY == b.panY && a.zoom == b.zoom && a.roll == b.roll);
            QVERIFY(a.tiltX == b.tiltX && a.tiltY == b.tiltY && a.ease == b.ease);
        }
        QCOMPARE(loaded->keyframes()[1].frame, uint64_t(12));
        QCOMPARE(*loaded->stabilize(), 0.75);
        QCOMPARE(*loaded->smoothing(), 20.0);
        for (uint64_t f : {0, 5, 12, 20, 29, 30, 100}) QVERIFY(path.at(f) == loaded->at(f));
        QCOMPARE(toJson(loaded.value()), toJson(path));
        // Hand-written: fields left out take the identity value; the ease defaults to ease-in-out.
        auto written = parseCameraPath(pathText("{\"frame\": 20, \"pan_x\": 0.5, \"zoom\": 2}"), "written.json");
        QVERIFY2(written.ok(), written.message().c_str());
        QCOMPARE(written->keyframes().size(), size_t(3));
        QCOMPARE(written->keyframes()[1].ease, Ease::EaseInOut);
        QCOMPARE(written->keyframes()[2].roll, 10.0);
        QVERIFY(!written->smoothing());
    }

    void easingBetweenKeyframes() {
        CameraPath path;
        QVERIFY(path.setKeyframe({0, 0, 0, 1, 0, 0, 0, Ease::Linear}).ok());
        QVERIFY(path.setKeyframe({10, 0.5, -0.5, 4, 90, 0, 0, Ease::EaseInOut}).ok());
        QVERIFY(path.setKeyframe({20, 0, 0, 1, 0, 0, 0, Ease::Hold}).ok());
        QVERIFY(path.setKeyframe({30, 1, 1, 1, 0, 0, 0, Ease::Linear}).ok());
        // Linear: the midpoint exactly; zoom in log space (1 -> 4 is 2 halfway).
        QCOMPARE(path.at(5)["pan_x"], 0.25);
        QCOMPARE(path.at(5)["pan_y"], -0.25);
        QCOMPARE(path.at(5)["roll"], 45.0);
        QVERIFY(std::abs(path.at(5)["zoom"] - 2.0) < 1e-12);
        QCOMPARE(path.at(10)["pan_x"], 0.5); // on a keyframe: its values exactly
        // Ease-in-out from 0.5 to 0: symmetric about the middle, slower than linear at both ends, faster between.
        for (uint64_t t = 0; t <= 10; ++t) {
            QVERIFY(std::abs(path.at(10 + t)["pan_x"] + path.at(20 - t)["pan_x"] - 0.5) < 1e-12);
        }
        QCOMPARE(path.at(15)["pan_x"], 0.25);
        const double linearStep = 0.05;
        QVERIFY(path.at(10)["pan_x"] - path.at(11)["pan_x"] < 0.5 * linearStep);
        QVERIFY(path.at(19)["pan_x"] - path.at(20)["pan_x"] < 0.5 * linearStep);
        QVERIFY(path.at(14)["pan_x"] - path.at(16)["pan_x"] > 2 * linearStep);
        // Hold: the values stay until the next keyframe, then jump.
        QCOMPARE(path.at(29)["pan_x"], 0.0);
        QCOMPARE(path.at(30)["pan_x"], 1.0);
    }

    void beforeTheFirstAndAfterTheLastKeyframe() {
        CameraPath path;
        const modules::ParamValues identity = path.at(7);
        QCOMPARE(identity.size(), size_t(6));
        QCOMPARE(identity.at("zoom"), 1.0);
        QCOMPARE(identity.at("pan_x"), 0.0);
        QVERIFY(path.setKeyframe({10, 0.2, 0, 2, 0, 0, 0, Ease::Linear}).ok());
        QVERIFY(path.setKeyframe({20, -0.2, 0, 1, 0, 0, 0, Ease::Linear}).ok());
        QVERIFY(path.at(0) == path.at(10));
        QVERIFY(path.at(1000000) == path.at(20));
        QCOMPARE(path.at(0)["pan_x"], 0.2);
        QVERIFY(!path.at(0).count("stabilize"));
        QVERIFY(path.setStabilization(1, std::nullopt).ok());
        QCOMPARE(path.at(0)["stabilize"], 1.0);
        QVERIFY(!path.at(0).count("smoothing"));
    }

    void editingKeyframes() {
        CameraPath path;
        QVERIFY(path.setKeyframe(5, {{"zoom", 2}, {"roll", 30}}).ok());
        QVERIFY(path.setKeyframe(5, {{"zoom", 3}}, Ease::Hold).ok()); // replaces the one at frame 5
        QCOMPARE(path.keyframes().size(), size_t(1));
        QCOMPARE(path.keyframes()[0].zoom, 3.0);
        QCOMPARE(path.keyframes()[0].roll, 0.0);
        QCOMPARE(path.keyframes()[0].ease, Ease::Hold);
        QVERIFY(!path.setKeyframe(6, {{"zoom", 0}}).ok());
        QVERIFY(!path.setKeyframe(6, {{"zom", 2}}).ok());
        QVERIFY(!path.setStabilization(2, std::nullopt).ok());
        QCOMPARE(path.keyframes().size(), size_t(1));
        QVERIFY(!path.removeKeyframe(6));
        QVERIFY(path.removeKeyframe(5));
        QVERIFY(path.keyframes().empty());
    }

    // Each malformed file: the file, the line, what was wrong.
    void malformedFilesAreNamedByTheirLine() {
        std::string syntax = pathText("{\"frame\": 20}");
        syntax.replace(syntax.find("\"version\": 1,"), 13, "\"version\": 1,,");
        std::string version = pathText("{\"frame\": 20}");
        version.replace(version.find("\"version\": 1"), 12, "\"version\": 2");
        const std::vector<std::pair<std::string, QStringList>> cases = {
            {syntax, {"bad.json:3:", "not valid JSON"}},
            {pathText("{\"frame\": 20, \"zoom\": 0}"), {"bad.json:7:", "keyframes[1]", "zoom", "0.25"}},
            {pathText("{\"frame\": 20, \"ease\": \"bounce\"}"), {"bad.json:7:", "unknown ease \"bounce\""}},
            {pathText("{\"frame\": 0, \"zoom\": 2}"), {"bad.json:7:", "frame 0 again", "line 6"}},
            {pathText("{\"frame\": 20, \"zom\": 2}"), {"bad.json:7:", "unknown field 'zom'"}},
            {pathText("{\"frame\": \"20\"}"), {"bad.json:7:", "whole number"}},
            {pathText("{\"frame\": 20}", "mnemo-camera-track"), {"bad.json:2:", "not a camera path"}},
            {pathText("{\"pan_x\": 0.1}"), {"bad.json:7:", "no \"frame\""}},
            {version, {"bad.json:3:", "version 2 is not supported"}},
            {pathText("{\"frame\": 20, \"ease\": \"line\xff\"}"), {"bad.json:7:", "not valid UTF-8", "0xFF"}},
            {"{\"format\": \"mnemo-camera-path\", \"version\": 1, \"keyframes\": [[[[[[[[[[1]]]]]]]]]]}",
             {"bad.json:1:", "nested deeper"}},
        };
        for (const auto &[text, parts] : cases) {
            const QString message = failure(text);
            for (const QString &part : parts) QVERIFY2(message.contains(part), qPrintable(part + " in: " + message));
        }
        auto missing = loadCameraPath(m_tmp.filePath("no-such.json").toStdString());
        QVERIFY(!missing.ok() && missing.status().code() == StatusCode::NotFound);
        QVERIFY(missing.message().find("no-such.json") != std::string::npos);
    }

    void rangesAreTheModules() {
        const modules::LoadedModule *module = m_env->registry->find("virtual-camera");
        QVERIFY(module);
        QVERIFY(module->wantsSourceFlow);
        for (const CameraRange &range : cameraPathRanges()) {
            const auto param = std::find_if(module->params.begin(), module->params.end(),
                                            [&](const modules::ModuleParam &p) { return p.name == range.name; });
            QVERIFY2(param != module->params.end(), range.name);
            QCOMPARE(param->minValue, range.min);
            QCOMPARE(param->maxValue, range.max);
        }
    }

    // ---- the module ----

    void identityCopiesTheFrame() {
        auto c = camera(160, 90);
        for (int t = 0; t < 3; ++t) { // the first frame (no flow) and the ones after it
            const FramePtr in = textured(160, 90, 3 * t, 0, uint64_t(t));
            const FramePtr out = one(*c, in);
            QVERIFY(out);
            QVERIFY(out->rgba == in->rgba);
        }
    }

    void panShiftsByAFractionOfTheWidth() {
        auto c = camera(160, 90, {"virtual-camera.pan_x=0.25"});
        const FramePtr in = textured(160, 90), out = one(*c, in);
        QVERIFY(out);
        int mismatches = 0;
        for (uint32_t y = 0; y < 90; ++y) {
            for (uint32_t x = 0; x + 40 < 160; ++x) mismatches += !samePixel(*out, x, y, *in, x + 40, y);
        }
        QCOMPARE(mismatches, 0);
    }

    // Odd sizes put the centre on a pixel: zoom 2 keeps it and puts what was d away from it 2d away.
    void zoomMagnifiesAboutTheCentre() {
        auto c = camera(161, 91, {"virtual-camera.zoom=2"});
        const FramePtr in = textured(161, 91), out = one(*c, in);
        QVERIFY(out);
        QVERIFY(samePixel(*out, 80, 45, *in, 80, 45));
        for (int d = -40; d <= 40; ++d) {
            QVERIFY2(samePixel(*out, uint32_t(80 + 2 * d), 45, *in, uint32_t(80 + d), 45), qPrintable(QString::number(d)));
            if (std::abs(d) <= 22) QVERIFY(samePixel(*out, 80, uint32_t(45 + 2 * d), *in, 80, uint32_t(45 + d)));
        }
    }

    void rollTurnsAboutTheCentre() {
        auto c = camera(160, 90, {"virtual-camera.roll=180"});
        const FramePtr in = textured(160, 90), out = one(*c, in);
        QVERIFY(out);
        int mismatches = 0;
        for (uint32_t y = 0; y < 90; ++y) {
            for (uint32_t x = 0; x < 160; ++x) mismatches += !samePixel(*out, x, y, *in, 159 - x, 89 - y);
        }
        QCOMPARE(mismatches, 0);
    }

    // A clip whose picture jumps by whole pixels every frame: stabilized, consecutive frames differ far less, and
    // the crop stays inside the frame (edge=black would show black otherwise).
    void stabilizationRemovesTheShake() {
        const auto clip = shakingClip(192, 108, 40);
        auto shaky = camera(192, 108);
        auto steady = camera(192, 108, {"virtual-camera.stabilize=1", "virtual-camera.edge=1"});
        bool black = false;
        const double before = meanMotion(*shaky, clip), after = meanMotion(*steady, clip, &black);
        qInfo("mean frame-to-frame difference: %.2f unstabilized, %.2f stabilized", before, after);
        QVERIFY(before > 10);
        QVERIFY2(after < 0.35 * before, qPrintable(QString("%1 vs %2").arg(after).arg(before)));
        QVERIFY(!black);
    }

    // The path on the chain's link moves the view frame by frame: pan_x 0 at frame 0, 0.25 at frame 10 (linear).
    void aPathOnTheLinkMovesTheView() {
        auto path = std::make_shared<CameraPath>();
        QVERIFY(path->setKeyframe({0, 0, 0, 1, 0, 0, 0, Ease::Linear}).ok());
        QVERIFY(path->setKeyframe({10, 0.25, 0, 1, 0, 0, 0, Ease::Linear}).ok());
        auto c = camera(160, 90, {}, path);
        const FramePtr still = textured(160, 90);
        for (uint64_t t = 0; t <= 12; ++t) {
            auto in = std::make_shared<Frame>(*still);
            in->index = t;
            const FramePtr out = one(*c, in);
            QVERIFY(out);
            const uint32_t shift = uint32_t(std::min<uint64_t>(t, 10) * 4); // 0.025 of 160 px per frame
            int mismatches = 0;
            for (uint32_t x = 0; x + shift < 160; ++x) mismatches += !samePixel(*out, x, 30, *in, x + shift, 30);
            QVERIFY2(mismatches == 0, qPrintable(QString("frame %1").arg(t)));
        }
    }

    // ---- mnemo-cli edit --camera-path ----

    void cliSavesThePathWithTheOutput() {
        const QString clip = m_tmp.filePath("still.mkv"), out = m_tmp.filePath("moved.mkv");
        auto encoder = media::VideoEncoder::open({clip.toStdString(), 160, 90, 30.0, media::VideoCodec::FFV1});
        QVERIFY(encoder.ok());
        for (int t = 0; t < 6; ++t) QVERIFY(encoder.value()->write(*textured(160, 90, t, 0, uint64_t(t))).ok());
        QVERIFY(encoder.value()->finish().ok());
        const QString pathFile = m_tmp.filePath("path.json");
        std::ofstream(pathFile.toStdString()) << pathText("{\"frame\": 3, \"zoom\": 2}");
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", {"edit", clip, "--chain", "virtual-camera", "--camera-path",
                                                      pathFile, "--out", out, "--no-consistency"});
        QVERIFY(cli.waitForFinished(120000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const QJsonObject json = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QCOMPARE(json["camera_path"].toString(), out + ".camera-path.json");
        auto saved = loadCameraPath((out + ".camera-path.json").toStdString());
        QVERIFY2(saved.ok(), saved.message().c_str());
        QCOMPARE(saved->keyframes().size(), size_t(3));
        QCOMPARE(*saved->stabilize(), 0.5);
        // A malformed path: the file and the line; a chain without the module: said so.
        std::ofstream(pathFile.toStdString()) << pathText("{\"frame\": 3, \"zoom\": -1}");
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", {"edit", clip, "--chain", "virtual-camera", "--camera-path",
                                                      pathFile});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY(cli.readAllStandardError().contains((pathFile + ":7:").toUtf8()));
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", {"edit", clip, "--chain", "color", "--camera-path", pathFile});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY(cli.readAllStandardError().contains("needs a virtual-camera"));
    }

    // Recorded parameter moves: each key holds until the next, the base before the first, a held move replaces what
    // an earlier pass keyed between its keys, and keyed names override the automation below (a camera path).
    void parameterKeysHoldAndLayer() {
        auto keys = std::make_shared<const edit::ParamKeys>();
        keys = keys->withKey("exposure", 10, 1.0, 0.25, 10);
        keys = keys->withKey("exposure", 20, 2.0, 99, 20); // the base is set once
        keys = keys->withKey("saturation", 5, 0.5, 1.0, 5);
        QCOMPARE(keys->keyCount(), size_t(3));
        QCOMPARE(keys->at(0).at("exposure"), 0.25);
        QCOMPARE(keys->at(9).at("exposure"), 0.25);
        QCOMPARE(keys->at(10).at("exposure"), 1.0);
        QCOMPARE(keys->at(19).at("exposure"), 1.0);
        QCOMPARE(keys->at(500).at("exposure"), 2.0);
        QCOMPARE(keys->at(4).at("saturation"), 1.0);
        QCOMPARE(keys->at(5).at("saturation"), 0.5);
        // A second pass holds the slider from frame 8 to 25: the keys at 10 and 20 in between go.
        auto pass = keys->withKey("exposure", 8, 3.0, 0, 8)->withKey("exposure", 25, 3.5, 0, 8);
        QCOMPARE(pass->tracks().at("exposure").keys, (std::map<uint64_t, double>{{8, 3.0}, {25, 3.5}}));
        QCOMPARE(pass->at(20).at("exposure"), 3.0);
        QCOMPARE(pass->without("exposure")->keyCount(), size_t(1));
        // Over a camera path: its values stay, keyed names win.
        auto path = std::make_shared<edit::CameraPath>();
        QVERIFY(path->setKeyframe(0, {{"zoom", 2.0}}).ok());
        const auto layered = edit::ParamKeys({{"zoom", {1.0, {{3, 1.5}}}}}).over(path);
        QCOMPARE(layered->at(0).at("zoom"), 1.0); // the key's base, not the path's 2
        QCOMPARE(layered->at(3).at("zoom"), 1.5);
        QCOMPARE(layered->at(3).at("pan_x"), 0.0); // from the path
    }

    // Keys travel in an edit session (over the camera path of the same link), and a malformed one is named.
    void parameterKeysInAnEditSession() {
        auto path = std::make_shared<edit::CameraPath>();
        QVERIFY(path->setKeyframe(4, {{"zoom", 2.0}}).ok());
        edit::EditRenderConfig config;
        config.input = "in.mkv";
        config.chain = {{"virtual-camera", {}, false}};
        config.chain[0].automation = edit::ParamKeys({{"stabilize", {0.0, {{7, 1.0}}}}}).over(path);
        const std::string text = edit::editSessionJson(config, nullptr, *m_env->registry);
        auto doc = edit::parseEditSession(text, "k.edit.json");
        QVERIFY2(doc.ok(), doc.message().c_str());
        const auto *keys = dynamic_cast<const edit::ParamKeys *>(doc->config.chain[0].automation.get());
        QVERIFY(keys);
        QCOMPARE(keys->tracks().at("stabilize").keys.at(7), 1.0);
        const auto *under = dynamic_cast<const edit::CameraPath *>(keys->under().get());
        QVERIFY(under && under->keyframes().size() == 1 && under->keyframes()[0].frame == 4);
        const std::string head = R"({"format": "mnemo-edit-session", "version": 1, "source": "in.mp4",
                                    "chain": [{"module": "color", "param_keys": )";
        for (const char *bad : {R"({"exposure": {"keys": [[1, 2]]}})", R"({"exposure": {"base": 0, "keys": [[-1, 2]]}})",
                                R"({"exposure": {"base": 0, "keys": [[1, "x"]]}})", R"([1, 2])"}) {
            auto parsed = edit::parseEditSession(head + bad + "}]}", "k.edit.json");
            QVERIFY2(!parsed.ok(), bad);
            QVERIFY2(parsed.message().find("k.edit.json: chain[0]") != std::string::npos, parsed.message().c_str());
            QVERIFY2(parsed.message().find("param_keys") != std::string::npos, parsed.message().c_str());
        }
    }
};

QTEST_MAIN(TestCameraPath)
#include "tst_camera_path.moc"
