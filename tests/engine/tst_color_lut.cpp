// Text parameters and color's 3D LUTs: .cube files written at test time (identity, known looks, malformed ones)
// through parseChain and EditChain as the CLI uses them; each bad input is an error naming the file, the line and
// what was wrong. Also the ABI's growth: a module built before set_param_text and default_text still loads, its
// parameters read right, and text set on it is refused with a clear message.
#include "mnemo/edit/EditChain.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <functional>

using namespace mnemo;
using namespace mnemo::edit;

namespace {

constexpr uint32_t kW = 64, kH = 48;

// Every corner of the RGB cube and smooth ramps between them, so a LUT's effect shows on all channels.
FramePtr testFrame() {
    auto f = std::make_shared<Frame>();
    f->width = kW;
    f->height = kH;
    f->rgba.resize(size_t(kW) * kH * 4);
    for (uint32_t y = 0; y < kH; ++y) {
        for (uint32_t x = 0; x < kW; ++x) {
            uint8_t *p = &f->rgba[(size_t(y) * kW + x) * 4];
            p[0] = uint8_t(x * 255 / (kW - 1));
            p[1] = uint8_t(y * 255 / (kH - 1));
            p[2] = uint8_t((x * 7 + y * 13) % 256);
            p[3] = uint8_t(200 + x % 50);
        }
    }
    return f;
}

using Look = std::function<std::array<double, 3>(double r, double g, double b)>;

// A .cube body: LUT_3D_SIZE then size^3 entries, red fastest, as the format orders them.
QStringList cubeLines(int size, const Look &look) {
    QStringList lines{"# written by tst_color_lut", "TITLE \"test\"", QString("LUT_3D_SIZE %1").arg(size)};
    for (int b = 0; b < size; ++b) {
        for (int g = 0; g < size; ++g) {
            for (int r = 0; r < size; ++r) {
                const auto out = look(r / double(size - 1), g / double(size - 1), b / double(size - 1));
                lines << QString::asprintf("%.6f %.6f %.6f", out[0], out[1], out[2]);
            }
        }
    }
    return lines;
}

std::array<double, 3> identity(double r, double g, double b) { return {r, g, b}; }

int worstDifference(const Frame &a, const Frame &b, const std::function<int(const uint8_t *, int)> &expected) {
    int worst = 0;
    for (size_t i = 0; i < a.rgba.size(); i += 4) {
        for (int k = 0; k < 3; ++k) worst = std::max(worst, std::abs(int(b.rgba[i + k]) - expected(&a.rgba[i], k)));
        if (a.rgba[i + 3] != b.rgba[i + 3]) return 999; // alpha passes through
    }
    return worst;
}

} // namespace

class TestColorLut : public QObject {
    Q_OBJECT
    std::unique_ptr<modules::ModuleEnvironment> m_env;
    QTemporaryDir m_tmp;

    QString writeFile(const QString &name, const QByteArray &bytes) {
        const QString path = m_tmp.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) qFatal("cannot write %s", qPrintable(path));
        return path;
    }
    QString writeCube(const QString &name, const QStringList &lines) {
        return writeFile(name, (lines.join('\n') + '\n').toUtf8());
    }

    Result<std::unique_ptr<EditChain>> make(const std::vector<std::string> &params) {
        auto links = parseChain("color", params);
        if (!links.ok()) return links.status();
        return EditChain::create(*m_env, links.value(), kW, kH);
    }

    // The chain's output for the test frame; fails the test on any error.
    FramePtr render(const std::vector<std::string> &params) {
        auto chain = make(params);
        if (!chain.ok()) qFatal("%s", chain.message().c_str());
        auto out = chain.value()->push(testFrame());
        if (!out.ok() || out->size() != 1) qFatal("push: %s", out.ok() ? "no frame" : out.message().c_str());
        return out->front();
    }

    // Why making a color chain with these parameters fails ("" if it does not).
    std::string failure(const std::vector<std::string> &params) {
        auto chain = make(params);
        return chain.ok() ? std::string() : chain.message();
    }

    static std::string lutParam(const QString &path) { return "color.lut=" + path.toStdString(); }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_env = modules::ModuleEnvironment::create({MNEMO_BINARY_DIR "/plugins", MNEMO_BINARY_DIR "/test-plugins"});
    }

    void colorDeclaresItsTextParameter() {
        const modules::LoadedModule *color = m_env->registry->find("color");
        QVERIFY(color);
        const auto lut = std::find_if(color->params.begin(), color->params.end(), [](auto &p) { return p.name == "lut"; });
        QVERIFY(lut != color->params.end());
        QCOMPARE(lut->type, modules::ParamType::Text);
        QVERIFY(lut->isFilePath);
        QCOMPARE(lut->defaultText, std::string());
        const auto strength = std::find_if(color->params.begin(), color->params.end(),
                                           [](auto &p) { return p.name == "lut_strength"; });
        QVERIFY(strength != color->params.end());
        QCOMPARE(strength->type, modules::ParamType::Float);
        QCOMPARE(strength->defaultValue, 1.0);
    }

    void identityLutKeepsTheGrade() {
        const std::vector<std::string> grade{"color.exposure=0.4", "color.saturation=1.3", "color.contrast=1.1"};
        const FramePtr graded = render(grade);
        for (int size : {2, 17}) {
            const QString cube = writeCube(QString("identity-%1.cube").arg(size), cubeLines(size, identity));
            auto params = grade;
            params.push_back(lutParam(cube));
            const FramePtr looked = render(params);
            const int worst = worstDifference(*graded, *looked, [](const uint8_t *px, int k) { return int(px[k]); });
            QVERIFY2(worst <= 1, qPrintable(QString("size %1: worst difference %2").arg(size).arg(worst)));
        }
    }

    void knownLutsGiveTheirLook() {
        const FramePtr plain = render({});
        const QString swap = writeCube("swap-rb.cube", cubeLines(2, [](double r, double g, double b) {
                                           return std::array<double, 3>{b, g, r};
                                       }));
        const FramePtr swapped = render({lutParam(swap)});
        int worst = worstDifference(*plain, *swapped, [](const uint8_t *px, int k) { return int(px[2 - k]); });
        QVERIFY2(worst <= 1, qPrintable(QString("swap: worst difference %1").arg(worst)));
        const QString invert = writeCube("invert.cube", cubeLines(5, [](double r, double g, double b) {
                                             return std::array<double, 3>{1 - r, 1 - g, 1 - b};
                                         }));
        const FramePtr inverted = render({lutParam(invert)});
        worst = worstDifference(*plain, *inverted, [](const uint8_t *px, int k) { return 255 - int(px[k]); });
        QVERIFY2(worst <= 1, qPrintable(QString("invert: worst difference %1").arg(worst)));
    }

    void strengthBlendsTheLook() {
        const QString invert = writeCube("invert-2.cube", cubeLines(2, [](double r, double g, double b) {
                                             return std::array<double, 3>{1 - r, 1 - g, 1 - b};
                                         }));
        const FramePtr plain = render({});
        const FramePtr none = render({lutParam(invert), "color.lut_strength=0"});
        QVERIFY(none->rgba == plain->rgba);
        const FramePtr half = render({lutParam(invert), "color.lut_strength=0.5"});
        const int worst = worstDifference(*plain, *half, [](const uint8_t *, int) { return 128; }); // (v + 255 - v) / 2
        QVERIFY2(worst <= 1, qPrintable(QString("half: worst difference %1").arg(worst)));
        QVERIFY(failure({"color.lut_strength=1.5"}).find("lut_strength must be within [0, 1]") != std::string::npos);
    }

    void malformedLutsNameFileLineAndProblem() {
        QStringList lines = cubeLines(2, identity); // lines 1-3 header, entries on lines 4-11
        lines[6] = "0.1 0.2";                       // line 7
        std::string why = failure({lutParam(writeCube("two-numbers.cube", lines))});
        QVERIFY2(why.find("two-numbers.cube") != std::string::npos && why.find("line 7") != std::string::npos &&
                     why.find("needs 3 numbers") != std::string::npos,
                 why.c_str());
        lines = cubeLines(2, identity);
        lines[4] = "0.0 abc 0.0"; // line 5
        why = failure({lutParam(writeCube("word.cube", lines))});
        QVERIFY2(why.find("line 5") != std::string::npos && why.find("'abc' is not a number") != std::string::npos,
                 why.c_str());
        lines = cubeLines(2, identity).mid(0, 10); // 7 of 8 entries
        why = failure({lutParam(writeCube("short.cube", lines))});
        QVERIFY2(why.find("short.cube") != std::string::npos && why.find("needs 8 entries") != std::string::npos &&
                     why.find("after 7") != std::string::npos,
                 why.c_str());
        lines = cubeLines(2, identity) << "0.5 0.5 0.5"; // line 12: one entry too many
        why = failure({lutParam(writeCube("long.cube", lines))});
        QVERIFY2(why.find("line 12") != std::string::npos && why.find("one too many") != std::string::npos, why.c_str());
    }

    void filesThatAreNoLutAreRefused() {
        const QByteArray png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 29);
        std::string why = failure({lutParam(writeFile("picture.cube", png))});
        QVERIFY2(why.find("picture.cube") != std::string::npos && why.find("PNG image") != std::string::npos,
                 why.c_str());
        why = failure({lutParam(writeFile("notes.cube", "just some notes\n"))});
        QVERIFY2(why.find("line 1") != std::string::npos && why.find("unknown keyword") != std::string::npos,
                 why.c_str());
        why = failure({lutParam(writeFile("empty.cube", ""))});
        QVERIFY2(why.find("is empty") != std::string::npos, why.c_str());
        why = failure({lutParam(m_tmp.filePath("missing.cube"))});
        QVERIFY2(why.find("missing.cube") != std::string::npos && why.find("no such file") != std::string::npos,
                 why.c_str());
    }

    // A LUT that fails to load leaves the module with the one it had; "" removes it.
    void aFailedLoadKeepsThePreviousLut() {
        const QString invert = writeCube("invert-3.cube", cubeLines(2, [](double r, double g, double b) {
                                             return std::array<double, 3>{1 - r, 1 - g, 1 - b};
                                         }));
        const FramePtr plain = render({}), inverted = render({lutParam(invert)});
        auto instance = modules::ModuleInstance::create(*m_env->registry->find("color"), *m_env->host, kW, kH);
        QVERIFY(instance.ok());
        modules::ModuleInstance &color = *instance.value();
        QVERIFY(color.setParamText("lut", invert.toStdString()).ok());
        const Status bad = color.setParamText("lut", m_tmp.filePath("missing.cube").toStdString());
        QVERIFY(!bad.ok() && bad.message().find("module 'color'") != std::string::npos);
        auto out = std::make_shared<Frame>(*plain);
        const FramePtr in = testFrame();
        QVERIFY(color.editProcess({in.get()}, {out.get()}).ok());
        QVERIFY(out->rgba == inverted->rgba);
        QVERIFY(color.setParamText("lut", "").ok());
        QVERIFY(color.editProcess({in.get()}, {out.get()}).ok());
        QVERIFY(out->rgba == plain->rgba);
        const Status notText = color.setParamText("exposure", "1");
        QVERIFY2(!notText.ok() && notText.message().find("not text") != std::string::npos, notText.message().c_str());
    }

    void valuesAreCheckedAgainstTheDeclaredTypes() {
        std::string why = failure({"color.exposure=abc"});
        QVERIFY2(why.find("parameter 'color.exposure': 'abc' is not a number") != std::string::npos, why.c_str());
        // A number given to a text parameter keeps its spelling: the module is asked for "0.50", not 0.5.
        why = failure({"color.lut=0.50"});
        QVERIFY2(why.find("LUT '0.50'") != std::string::npos, why.c_str());
        // The last value of a name wins, whichever kind it is.
        QVERIFY(failure({"color.exposure=abc", "color.exposure=0.2"}).empty());
        QVERIFY(!failure({"color.exposure=0.2", "color.exposure=abc"}).empty());
        why = failure({"color.no_such=abc"});
        QVERIFY2(why.find("no parameter 'no_such'") != std::string::npos, why.c_str());
        // A link written in code with a number for a text parameter.
        ChainLink link{"color", {{"lut", 3.0}}, false};
        auto made = EditChain::create(*m_env, {link}, kW, kH);
        QVERIFY2(!made.ok() && made.message().find("'color.lut' takes text") != std::string::npos,
                 made.message().c_str());
    }

    // ABI growth: old-edit's table ends before edit_process_with_source (garbage past its end) and its parameter
    // descriptors have the size from before default_text.
    void moduleFromBeforeTextParametersStillWorks() {
        const modules::LoadedModule *old = m_env->registry->find("old-edit");
        QVERIFY(old);
        QCOMPARE(old->params.size(), size_t(2));
        QCOMPARE(old->params[0].name, std::string("amount"));
        QCOMPARE(old->params[0].defaultValue, 0.5);
        QCOMPARE(old->params[1].name, std::string("passes"));
        QCOMPARE(old->params[1].type, modules::ParamType::Int);
        QCOMPARE(old->params[1].defaultValue, 2.0);
        auto instance = modules::ModuleInstance::create(*old, *m_env->host, kW, kH);
        QVERIFY(instance.ok());
        const Status refused = instance.value()->setParamText("amount", "x");
        QVERIFY2(!refused.ok() && refused.code() == StatusCode::Unsupported &&
                     refused.message().find("module 'old-edit' has no text parameters") != std::string::npos,
                 refused.message().c_str());
        auto links = parseChain("old-edit", {"old-edit.amount=abc"});
        QVERIFY(links.ok());
        auto made = EditChain::create(*m_env, links.value(), kW, kH);
        QVERIFY2(!made.ok() && made.message().find("'abc' is not a number") != std::string::npos,
                 made.message().c_str());
    }
};

QTEST_MAIN(TestColorLut)
#include "tst_color_lut.moc"
