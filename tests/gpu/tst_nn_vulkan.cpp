// The neural runtime's Vulkan kernels against the CPU reference (lavapipe here): odd sizes, channel counts, strides,
// dilations, paddings and activations; a mistake gets the reference's message.
#include "mnemo/nn/VulkanOps.hpp"

#include <QTest>

#include <cmath>
#include <random>

using namespace mnemo;
using namespace mnemo::nn;

namespace {
std::vector<float> random(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    std::vector<float> v(n);
    for (float &x : v)
        x = u(rng);
    return v;
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
        const Case cases[] = {{3, 7, 9, 5, 3, 1, 1, 1, 0}, {4, 11, 6, 2, 3, 2, 1, 1, 2},
                              {1, 5, 5, 3, 1, 1, 1, 0, 1}, {6, 13, 10, 4, 5, 3, 1, 2, 2},
                              {2, 9, 9, 3, 3, 1, 2, 2, 1}, {64, 12, 10, 64, 3, 1, 1, 1, 2}};
        uint32_t seed = 1;
        for (const Case &c : cases) {
            Tensor in(c.inC, c.h, c.w);
            in.data = random(in.data.size(), seed++);
            cpu::ConvParams p;
            p.outputs = c.outC;
            p.kernelW = p.kernelH = c.k;
            p.strideW = p.strideH = c.stride;
            p.dilationW = p.dilationH = c.dilation;
            p.padLeft = p.padTop = p.padRight = p.padBottom = c.pad;
            p.activation = c.activation;
            p.activationParams = {0.1f};
            const auto weights = random(size_t(c.outC * c.inC * c.k * c.k), seed++),
                       bias = random(size_t(c.outC), seed++);
            auto expected = cpu::convolution(in, weights, bias, p);
            auto got = vulkan::convolution(*m_ctx, in, weights, bias, p);
            QVERIFY2(got.ok(), got.ok() ? "" : got.message().c_str());
            QVERIFY(got->sameShape(expected.value()));
            float worst = 0;
            for (size_t i = 0; i < got->data.size(); ++i)
                worst = std::max(worst, std::abs(got->data[i] - expected->data[i]));
            QVERIFY2(worst < 1e-4f, qPrintable(QString::number(worst)));
        }
        Tensor in(3, 4, 4);
        cpu::ConvParams p;
        p.outputs = 2;
        p.kernelW = p.kernelH = 3;
        auto wrong = vulkan::convolution(*m_ctx, in, std::vector<float>(10), {}, p);
        QVERIFY(!wrong.ok() && wrong.message().find("need 54") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestNnVulkan)
#include "tst_nn_vulkan.moc"
