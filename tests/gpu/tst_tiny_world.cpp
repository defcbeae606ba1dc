// The tiny-world module's arithmetic against PyTorch's (tests/tools/tiny_world_check.py runs python/tiny_world.py
// with the weights that ship in assets/tiny-world on fixed inputs): the network's input, and the predicted frame on the
// CPU reference and on Vulkan at 40 dB or better; the files it loads refused by name when wrong; and, through
// mnemo-cli, the memory changing what the model shows.
#include "TinyWorldInputs.hpp"
#include "TinyWorldWeights.hpp"

#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/nn/CpuReference.hpp"
#include "mnemo/nn/VulkanOps.hpp"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace mnemo;
namespace tw = mnemo::tiny_world;

namespace {

const QString kWeights = MNEMO_SOURCE_DIR "/assets/tiny-world";

std::vector<float> readFloats(const QString &path, size_t count) {
    std::vector<float> v(count);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly) || f.size() != qint64(count * sizeof(float))) return {};
    f.read(reinterpret_cast<char *>(v.data()), f.size());
    return v;
}

double psnr(const std::vector<float> &a, const std::vector<float> &b) {
    double mse = 0;
    for (size_t i = 0; i < a.size(); ++i)
        mse += double(a[i] - b[i]) * double(a[i] - b[i]);
    mse /= double(std::max<size_t>(a.size(), 1));
    return mse > 0 ? 10.0 * std::log10(1.0 / mse) : INFINITY;
}

float worst(const std::vector<float> &a, const std::vector<float> &b) {
    float w = 0;
    for (size_t i = 0; i < a.size(); ++i)
        w = std::max(w, std::fabs(a[i] - b[i]));
    return w;
}

tw::Pose poseFrom(const QJsonArray &values) {
    tw::Pose p{};
    for (int i = 0; i < 16; ++i)
        p[size_t(i)] = values.at(i).toDouble();
    return p;
}

QJsonObject runCli(const QStringList &args) {
    QProcess cli;
    cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", args);
    if (!cli.waitForFinished(600000) || cli.exitCode() != 0) {
        qWarning("%s", cli.readAllStandardError().constData());
        return {};
    }
    return QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
}

} // namespace

class TestTinyWorld : public QObject {
    Q_OBJECT
    std::unique_ptr<gpu::VulkanContext> m_ctx;

private slots:
    void initTestCase() {
        auto ctx = gpu::VulkanContext::create();
        if (ctx.ok()) m_ctx = std::move(ctx.value());
    }

    void aStepMatchesPyTorch() {
        QTemporaryDir dir;
        QProcess python;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PYTHONPATH", MNEMO_SOURCE_DIR "/python");
        python.setProcessEnvironment(env);
        python.start("/usr/bin/python3", {MNEMO_SOURCE_DIR "/tests/tools/tiny_world_check.py", dir.path(), kWeights});
        QVERIFY(python.waitForFinished(300000));
        const QByteArray err = python.readAllStandardError();
        if (python.exitCode() != 0 && err.contains("No module named 'torch'")) QSKIP("python3-torch is not installed");
        QVERIFY2(python.exitCode() == 0, err.constData());

        QFile caseFile(dir.filePath("case.json"));
        QVERIFY(caseFile.open(QIODevice::ReadOnly));
        const QJsonObject c = QJsonDocument::fromJson(caseFile.readAll()).object();
        const std::vector<float> all = readFloats(dir.filePath("sources.f32"), tw::kSources * tw::kPictureFloats);
        QVERIFY(!all.empty());
        std::array<tw::Picture, tw::kSources> sources;
        std::array<const tw::Picture *, tw::kSources> pointers{};
        for (int s = 0; s < tw::kSources; ++s) {
            if (c["present"].toArray().at(s).toBool()) {
                sources[size_t(s)].rgb.assign(all.begin() + s * long(tw::kPictureFloats),
                                              all.begin() + (s + 1) * long(tw::kPictureFloats));
                sources[size_t(s)].c2w = poseFrom(c["sources"].toArray().at(s).toArray());
            }
            pointers[size_t(s)] = &sources[size_t(s)];
        }
        const nn::Tensor input = tw::assembleInput(poseFrom(c["target"].toArray()), pointers);
        const auto expectedInput = readFloats(dir.filePath("input.f32"), input.data.size());
        const auto expected = readFloats(dir.filePath("output.f32"), tw::kPictureFloats);
        QVERIFY(!expectedInput.empty() && !expected.empty());
        qInfo("network input: worst difference %.2g", double(worst(input.data, expectedInput)));
        QVERIFY(worst(input.data, expectedInput) < 1e-3f);

        auto weights = tw::loadWeights(kWeights.toStdString());
        QVERIFY2(weights.ok(), weights.ok() ? "" : weights.message().c_str());
        const std::string name = weights->network.inputs().at(0);
        auto cpu = nn::cpu::run(weights->network, {{name, input}});
        QVERIFY2(cpu.ok(), cpu.ok() ? "" : cpu.message().c_str());
        auto cpuFrame = tw::finishFrame(input, cpu->begin()->second);
        QVERIFY2(cpuFrame.ok(), cpuFrame.ok() ? "" : cpuFrame.message().c_str());
        const double onCpu = psnr(cpuFrame.value(), expected);
        qInfo("the step against PyTorch: %.1f dB on the CPU reference", onCpu);
        QVERIFY(onCpu >= 40.0);
        if (!m_ctx) QSKIP("no Vulkan device");
        auto gpu = nn::vulkan::run(*m_ctx, weights->network, {{name, input}});
        QVERIFY2(gpu.ok(), gpu.ok() ? "" : gpu.message().c_str());
        auto gpuFrame = tw::finishFrame(input, gpu->begin()->second);
        QVERIFY2(gpuFrame.ok(), gpuFrame.ok() ? "" : gpuFrame.message().c_str());
        const double onGpu = psnr(gpuFrame.value(), expected);
        qInfo("the step against PyTorch: %.1f dB on Vulkan", onGpu);
        QVERIFY(onGpu >= 40.0);
    }

    void anEmptySourceIsZerosAndTheBlendIsConvex() {
        tw::Picture previous;
        previous.rgb.assign(tw::kPictureFloats, 0.5f);
        previous.c2w = {-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 1.7, 0, 1};
        const tw::Picture empty;
        const nn::Tensor input = tw::assembleInput(previous.c2w, {&previous, &previous, &empty, nullptr});
        const size_t plane = size_t(tw::kWidth) * tw::kHeight;
        // Source 0 at its own camera: the picture itself, all inside, no translation.
        QCOMPARE(input.data[0], 0.5f);
        QCOMPARE(input.data[3 * plane], 1.0f);
        QCOMPARE(input.data[4 * plane], 0.0f);
        for (size_t i = 2 * tw::kChannelsPerSource * plane; i < input.data.size(); ++i)
            QCOMPARE(input.data[i], 0.0f);
        // The blend: all the weight on source 0 and no residual gives source 0 back; an empty source weighs nothing
        // even with the largest logit; "none" blends in black.
        nn::Tensor output(tw::kOutputChannels, tw::kHeight, tw::kWidth);
        std::fill(output.channel(3), output.channel(3) + plane, 50.0f);
        std::fill(output.channel(5), output.channel(5) + plane, 90.0f); // the empty memory slot
        auto frame = tw::finishFrame(input, output);
        QVERIFY(frame.ok());
        QCOMPARE(frame->at(0), 0.5f);
        std::fill(output.channel(7), output.channel(7) + plane, 100.0f);
        frame = tw::finishFrame(input, output);
        QVERIFY(frame.ok());
        QCOMPARE(frame->at(0), 0.0f);
        QVERIFY(!tw::finishFrame(input, nn::Tensor(3, tw::kHeight, tw::kWidth)).ok());
    }

    void badFilesAreRefusedByName() {
        QTemporaryDir dir;
        auto missing = tw::loadWeights(dir.path().toStdString());
        QVERIFY(!missing.ok());
        QVERIFY2(missing.message().find(dir.path().toStdString()) != std::string::npos, missing.message().c_str());
        for (const QByteArray &bytes : {QByteArray("P5\n64 36\n255\n"), QByteArray("P6\n# c2w 1 2 3\n64 36\n255\n"),
                                        QByteArray("P6\n# c2w 1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1\n32 36\n255\n"),
                                        QByteArray("P6\n# c2w 1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1\n64 36\n255\nxx")}) {
            QFile f(dir.filePath("start.ppm"));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(bytes);
            f.close();
            auto start = tw::readStartPicture(f.fileName().toStdString());
            QVERIFY(!start.ok());
            QVERIFY2(start.message().find("start.ppm' is not a tiny-world start picture") != std::string::npos,
                     start.message().c_str());
        }
        auto shipped = tw::readStartPicture((kWeights + "/start.ppm").toStdString());
        QVERIFY2(shipped.ok(), shipped.ok() ? "" : shipped.message().c_str());
        QCOMPARE(shipped->c2w[13], 1.7);
    }

    // The module in the studio's pipeline: a full turn in place comes back to where it started, so after the first
    // 30 frames (the retrieval skips the most recent) memory has something to offer, and what it offers changes the
    // frames. A smoke run of `eval drift`; the 3,000-frame figures are tools/train/eval-tiny-world.sh's.
    void memoryChangesWhatTheModelShows() {
        QTemporaryDir dir;
        const QJsonObject drift = runCli({"eval", "drift", "--engine", "tiny-world", "--pattern", "turn", "--frames",
                                          "90", "--memory", "both", "--out", dir.path()});
        QVERIFY(!drift.isEmpty());
        const QJsonObject on = drift["memory"].toObject()["on"].toObject();
        const QJsonObject off = drift["memory"].toObject()["off"].toObject();
        QCOMPARE(drift["frames"].toInt(), 90);
        QVERIFY(on.contains("psnr_mean") && off.contains("psnr_mean"));
        QVERIFY(on["psnr_first_half"].toDouble() > 5.0);
        QVERIFY(on["psnr_second_half"].toDouble() != off["psnr_second_half"].toDouble());
        QVERIFY(QFile::exists(dir.filePath("drift.png")) && QFile::exists(dir.filePath("drift.csv")));
    }

    // The same weights served in PyTorch through the Python SDK (python/examples/tiny_world_server.py) and run by the
    // module: a turn in place with memory on, frame for frame at the model's size. Skipped without python3-torch.
    void theServedPyTorchModelGivesTheModulesFrames() {
        QProcess python;
        python.start("/usr/bin/python3",
                     {MNEMO_SOURCE_DIR "/python/examples/tiny_world_server.py", "--port", "0", "--token", "t"});
        if (!python.waitForReadyRead(60000)) {
            const QByteArray err = python.readAllStandardError();
            if (err.contains("No module named")) QSKIP(err.constData());
            QFAIL(err.constData());
        }
        const int port = QJsonDocument::fromJson(python.readLine()).object()["port"].toInt();
        QVERIFY(port > 0);
        QTemporaryDir dir;
        const QStringList common = {"--camera-track", MNEMO_SOURCE_DIR "/assets/tracks/turn_360.json",
                                    "--frames",       "60",
                                    "--size",         "64x36",
                                    "--memory",       "on"};
        QVERIFY(!runCli(QStringList{"run", "--engine", QString("ws://127.0.0.1:%1").arg(port), "--token", "t", "--out",
                                    dir.filePath("served")} +
                        common)
                     .isEmpty());
        QVERIFY(
            !runCli(QStringList{"run", "--engine", "tiny-world", "--out", dir.filePath("module")} + common).isEmpty());
        python.kill();
        python.waitForFinished();
        double worstPsnr = INFINITY;
        for (int i = 0; i < 60; ++i) {
            const QString name = QString("/frame_%1.png").arg(i, 6, 10, QChar('0'));
            const QImage a(dir.filePath("served") + name), b(dir.filePath("module") + name);
            QVERIFY2(!a.isNull() && a.size() == b.size(), qPrintable(name));
            std::vector<float> fa, fb;
            for (int y = 0; y < a.height(); ++y) {
                for (int x = 0; x < a.width(); ++x) {
                    for (QRgb p : {a.pixel(x, y)})
                        fa.insert(fa.end(), {qRed(p) / 255.f, qGreen(p) / 255.f, qBlue(p) / 255.f});
                    for (QRgb p : {b.pixel(x, y)})
                        fb.insert(fb.end(), {qRed(p) / 255.f, qGreen(p) / 255.f, qBlue(p) / 255.f});
                }
            }
            worstPsnr = std::min(worstPsnr, psnr(fa, fb));
        }
        qInfo("served in PyTorch vs the module, 60 frames with memory: worst %.1f dB", worstPsnr);
        QVERIFY(worstPsnr >= 40.0);
    }
};

QTEST_GUILESS_MAIN(TestTinyWorld)
#include "tst_tiny_world.moc"
