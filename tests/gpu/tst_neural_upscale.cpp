// The neural-upscale edit module in chains (the networks from tools/nn-models.sh; skipped, saying so, without the npm
// registry): frames come out larger and the next link and the encoder take that size; the tiled frame matches the
// network run on the whole frame; a memory budget shrinks the tiles; missing weights, a size-following module after
// the resize, and an isolated resizing module are errors that say what to do.
#include "support/NnModels.hpp"
#include "support/TestFrames.hpp"

#include "mnemo/core/Log.hpp"
#include "mnemo/edit/EditChain.hpp"
#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/nn/Images.hpp"
#include "mnemo/nn/VulkanOps.hpp"

#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <mutex>

using namespace mnemo;

namespace {

// A smooth texture (value noise), frame `index` moved by its index.
edit::FramePtr picture(uint32_t w, uint32_t h, uint64_t index) {
    return testing::textured(w, h, int(index), 0, index);
}

} // namespace

class TestNeuralUpscale : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_models;
    std::unique_ptr<modules::ModuleEnvironment> m_env;

    Result<std::unique_ptr<edit::EditChain>> chain(const std::string &modules, std::vector<std::string> params,
                                                   uint32_t w, uint32_t h) {
        params.push_back("neural-upscale.models=" + m_models.toStdString());
        auto links = edit::parseChain(modules, params);
        if (!links.ok()) return links.status();
        return edit::EditChain::create(*m_env, links.value(), w, h);
    }

    // The network on the whole frame at once (its own 10-pixel mirrored border), on the same device.
    Frame whole(const Frame &in, const std::string &network) {
        const std::string param = m_models.toStdString() + "/real-esrgan/models/" + network + ".param";
        auto model = nn::loadNcnnModel(param, param.substr(0, param.size() - 6) + ".bin");
        if (!model.ok()) qFatal("%s", model.message().c_str());
        const nn::Tensor t = nn::tensorFromRgba({in.rgba.data(), int(in.width), int(in.height), size_t(in.width) * 4},
                                                {0, 0, int(in.width), int(in.height)}, 10);
        auto out = nn::vulkan::run(*m_env->vulkan, model.value(), {{model->inputs().front(), t}});
        if (!out.ok()) qFatal("%s", out.message().c_str());
        const nn::Tensor &o = out->begin()->second;
        const int scale = o.w / (int(in.width) + 20);
        Frame f;
        f.width = in.width * uint32_t(scale);
        f.height = in.height * uint32_t(scale);
        f.rgba.assign(size_t(f.width) * f.height * 4, 255);
        nn::writeRgba(o, f.rgba.data(), size_t(f.width) * 4, {0, 0, int(f.width), int(f.height)});
        return f;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_env = modules::ModuleEnvironment::create({MNEMO_BINARY_DIR "/plugins"});
        QVERIFY2(m_env->registry->find("neural-upscale"), "neural-upscale did not load");
        if (!m_env->vulkan) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(m_env->vulkanError)));
        m_models = m_tmp.filePath("models");
        MNEMO_FETCH_NN_MODELS(m_models);
    }

    // neural-upscale x2 -> color: the chain writes 2x frames, color is made for them, and the chain stays on the
    // host (a resizing link has no GPU path). The tiles (32 pixels, the last column and row moved inwards) give the
    // whole frame's result but for the seams, where a tile lacks its far context.
    void chainWritesLargerFrames() {
        auto made = chain("neural-upscale,color", {"neural-upscale.tile=32"}, 72, 40);
        QVERIFY2(made.ok(), made.ok() ? "" : made.message().c_str());
        edit::EditChain &c = *made.value();
        QCOMPARE(c.width(), 72u);
        QCOMPARE(c.outputWidth(), 144u);
        QCOMPARE(c.outputHeight(), 80u);
        QVERIFY(!c.usesGpu());
        auto out = c.push(picture(72, 40, 0));
        QVERIFY2(out.ok(), out.ok() ? "" : out.message().c_str());
        QCOMPARE(out->size(), size_t(1));
        QCOMPARE(out->front()->width, 144u);
        QCOMPARE(out->front()->height, 80u);

        auto alone = chain("neural-upscale", {"neural-upscale.tile=32"}, 72, 40);
        QVERIFY2(alone.ok(), alone.ok() ? "" : alone.message().c_str());
        const edit::FramePtr in = picture(72, 40, 0);
        auto up = alone.value()->push(in);
        QVERIFY2(up.ok(), up.ok() ? "" : up.message().c_str());
        const double db = testing::psnr(*up->front(), whole(*in, "realesr-animevideov3-x2"));
        qInfo("tiled x2 vs the whole frame: %.1f dB", db);
        QVERIFY2(db > 45, qPrintable(QString::number(db)));
    }

    // A budget too small for the asked tile: the module shrinks it, logging the tile it chose, and still upscales;
    // a budget below what the smallest tile needs is a clear error. The budgets are set from what the whole-frame
    // tile measured (the log says what a prepared tile holds).
    void memoryBudgetShrinksTheTile() {
        std::mutex mutex;
        std::string chosen;
        const int sink = log::addSink([&](log::Level, std::string_view, std::string_view message) {
            if (message.find("tiles of") == std::string_view::npos) return;
            std::lock_guard lock(mutex);
            chosen = std::string(message);
        });
        auto whole = chain("neural-upscale", {"neural-upscale.tile=256"}, 64, 48);
        QVERIFY2(whole.ok(), whole.ok() ? "" : whole.message().c_str());
        const std::string wholeTile = chosen;
        QVERIFY2(wholeTile.find("tiles of 64x48 (") != std::string::npos, wholeTile.c_str());
        const int wholeMb = std::stoi(wholeTile.substr(wholeTile.find("tiles of 64x48 (") + 16));
        const std::string budget = "neural-upscale.memory_mb=" + std::to_string(std::max(1, wholeMb * 2 / 3));
        auto made = chain("neural-upscale", {"neural-upscale.tile=256", budget}, 64, 48);
        log::removeSink(sink);
        QVERIFY2(made.ok(), made.ok() ? "" : made.message().c_str());
        qInfo("whole frame: %s; with %s: %s", wholeTile.c_str(), budget.c_str(), chosen.c_str());
        QVERIFY2(chosen.find("tiles of 64x48") == std::string::npos, chosen.c_str());
        auto out = made.value()->push(picture(64, 48, 1));
        QVERIFY2(out.ok(), out.ok() ? "" : out.message().c_str());
        QCOMPARE(out->front()->width, 128u);

        auto tooSmall = chain("neural-upscale", {"neural-upscale.memory_mb=1"}, 64, 48);
        QVERIFY(!tooSmall.ok());
        QVERIFY2(tooSmall.message().find("over memory_mb (1)") != std::string::npos, tooSmall.message().c_str());
    }

    void missingWeightsSayHowToFetchThem() {
        auto links =
            edit::parseChain("neural-upscale", {"neural-upscale.models=" + m_tmp.filePath("none").toStdString()});
        QVERIFY(links.ok());
        auto made = edit::EditChain::create(*m_env, links.value(), 32, 32);
        QVERIFY(!made.ok());
        QVERIFY2(made.message().find("tools/nn-models.sh") != std::string::npos &&
                     made.message().find("realesr-animevideov3-x2") != std::string::npos,
                 made.message().c_str());
    }

    // temporal-stabilizer compares frames with the source pixel for pixel: after the upscaler it is refused, by name.
    void sourceFollowerAfterTheResizeIsRefused() {
        auto made = chain("neural-upscale,temporal-stabilizer", {}, 32, 32);
        QVERIFY(!made.ok());
        QVERIFY2(made.message().find("put it before the link that resizes") != std::string::npos,
                 made.message().c_str());
        auto before = chain("temporal-stabilizer,neural-upscale", {"neural-upscale.tile=32"}, 32, 32);
        QVERIFY2(before.ok(), before.ok() ? "" : before.message().c_str());
        QCOMPARE(before.value()->outputWidth(), 64u);
    }

    // A bypassed upscaler passes its input on: the chain keeps the size.
    void bypassKeepsTheSize() {
        auto links = edit::parseChain("neural-upscale", {"neural-upscale.models=" + m_models.toStdString()});
        QVERIFY(links.ok());
        links.value()[0].bypass = true;
        auto made = edit::EditChain::create(*m_env, links.value(), 32, 24);
        QVERIFY2(made.ok(), made.ok() ? "" : made.message().c_str());
        QCOMPARE(made.value()->outputWidth(), 32u);
    }

    // An isolated child's frames are laid out for the created size: a resizing module is refused there, by name.
    void isolatedResizingModuleIsRefused() {
        m_env->host->setIsolation("neural-upscale", {true, 10000});
        auto made = chain("neural-upscale", {}, 32, 32);
        m_env->host->setIsolation("neural-upscale", {});
        QVERIFY(!made.ok());
        QVERIFY2(made.message().find("isolated") != std::string::npos, made.message().c_str());
    }

    // mnemo-cli edit writes the upscaled size and measures the consistency at the source's.
    void cliEditsIntoTheLargerSize() {
        const QString still = m_tmp.filePath("still.png"), out = m_tmp.filePath("up.mkv");
        const edit::FramePtr f = picture(48, 32, 0);
        QVERIFY(QImage(f->rgba.data(), 48, 32, QImage::Format_RGBA8888).save(still));
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli",
                  {"edit", still, "--chain", "neural-upscale", "--param", "neural-upscale.models=" + m_models,
                   "--param", "neural-upscale.model=1", "--out", out, "--frames", "1"});
        QVERIFY(cli.waitForFinished(300000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const QJsonObject json = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QCOMPARE(json["size"].toString(), QString("144x96"));
    }
};

QTEST_GUILESS_MAIN(TestNeuralUpscale)
#include "tst_neural_upscale.moc"
