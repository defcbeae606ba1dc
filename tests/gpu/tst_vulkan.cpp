// Vulkan context, buffers, images, compute pipelines, the self-test and the test-pattern renderer, on whatever ICD
// the test environment selects (Mesa lavapipe in CI, through VK_DRIVER_FILES set by CTest).
#include "mnemo/gpu/ComputePipeline.hpp"
#include "mnemo/gpu/SelfTest.hpp"
#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/render/TestPatternRenderer.hpp"
#include "mnemo/render/TestPatternSource.hpp"

#include <QTest>

#include <chrono>
#include <thread>

using namespace mnemo;
using namespace mnemo::gpu;

class TestVulkan : public QObject {
    Q_OBJECT
    std::unique_ptr<VulkanContext> m_ctx;

private slots:
    void initTestCase() {
        auto ctx = VulkanContext::create();
        QVERIFY2(ctx.ok(), ctx.message().c_str());
        m_ctx = std::move(ctx.value());
    }

    void selectsTheDriverFromTheEnvironment() {
        const QByteArray icd = qgetenv("VK_DRIVER_FILES");
        if (icd.contains("lvp_icd")) {
            QCOMPARE(m_ctx->deviceInfo().type, std::string("cpu"));
            QVERIFY(m_ctx->deviceInfo().software);
            QVERIFY(m_ctx->deviceInfo().name.find("llvmpipe") != std::string::npos);
        }
        QVERIFY(!m_ctx->deviceInfo().vulkanVersion.empty());
        QVERIFY(m_ctx->computeQueue() != VK_NULL_HANDLE);
        QCOMPARE(m_ctx->validationErrorCount(), 0u);
    }

    void unknownDeviceNameIsAClearError() {
        VulkanContextOptions options;
        options.deviceNameFilter = "no-such-gpu-xyz";
        auto ctx = VulkanContext::create(options);
        QVERIFY(!ctx.ok());
        QCOMPARE(ctx.status().code(), StatusCode::NotFound);
        QVERIFY(ctx.message().find("no-such-gpu-xyz") != std::string::npos);
        QVERIFY(ctx.message().find("available:") != std::string::npos);
    }

    void selfTestPasses() {
        auto report = runComputeSelfTest(*m_ctx, 100000, 1234);
        QVERIFY2(report.ok(), report.message().c_str());
        QVERIFY(report->passed);
        QCOMPARE(report->valuesChecked, 100000u);
        QCOMPARE(report->mismatches, 0u);
    }

    void selfTestPatternIsNotTrivial() {
        // The check would be worthless if the pattern repeated or equalled the 0xCD poison.
        QVERIFY(selfTestPattern(0, 1) != selfTestPattern(1, 1));
        QVERIFY(selfTestPattern(5, 1) != selfTestPattern(5, 2));
        QVERIFY(selfTestPattern(7, 0x5EED) != 0xCDCDCDCDu);
    }

    void imageUploadReadbackRoundTrip() {
        auto image = GpuImage::create(*m_ctx, 37, 21);
        QVERIFY2(image.ok(), image.message().c_str());
        std::vector<uint8_t> pixels(image->sizeBytes());
        for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t((i * 131) ^ (i >> 7));
        QVERIFY(image->upload(*m_ctx, pixels).ok());
        auto back = image->readback(*m_ctx);
        QVERIFY2(back.ok(), back.message().c_str());
        QVERIFY(back.value() == pixels);
    }

    void badInputsAreErrorsNotCrashes() {
        QVERIFY(!GpuImage::create(*m_ctx, 0, 10).ok());
        auto image = GpuImage::create(*m_ctx, 4, 4);
        QVERIFY(image.ok());
        std::vector<uint8_t> tooSmall(10);
        const Status s = image->upload(*m_ctx, tooSmall);
        QCOMPARE(s.code(), StatusCode::InvalidArgument);
        const uint32_t garbage[] = {0xdeadbeef, 1, 2, 3, 4, 5};
        auto pipeline = ComputePipeline::create(*m_ctx, {"garbage", garbage, {}, 0});
        QVERIFY(!pipeline.ok());
        QVERIFY(pipeline.message().find("garbage") != std::string::npos);
        QVERIFY(!ComputePipeline::create(*m_ctx, {"empty", {}, {}, 0}).ok());
    }

    void testPatternIsDeterministicAndAnimated() {
        auto renderer = TestPatternRenderer::create(*m_ctx, 96, 54);
        QVERIFY2(renderer.ok(), renderer.message().c_str());
        auto a = renderer.value()->render(1.5, 7);
        auto b = renderer.value()->render(1.5, 7);
        auto c = renderer.value()->render(4.0, 8);
        QVERIFY(a.ok() && b.ok() && c.ok());
        QCOMPARE(a->rgba.size(), size_t(96 * 54 * 4));
        QVERIFY(a->rgba == b->rgba);
        QVERIFY(a->rgba != c->rgba);
        // Not a flat image: the pattern has sky, ground and colour bars.
        int distinct = 0;
        for (size_t i = 4; i < a->rgba.size(); i += 4) distinct += a->rgba[i] != a->rgba[i - 4];
        QVERIFY(distinct > 500);
    }

    void testPatternEncodesTheFrameIndex() {
        const uint32_t w = 256, h = 64;
        auto renderer = TestPatternRenderer::create(*m_ctx, w, h);
        QVERIFY(renderer.ok());
        const uint64_t index = 0xA5C3;
        auto frame = renderer.value()->render(0.0, index);
        QVERIFY(frame.ok());
        // Decode the 16 blocks the shader draws (see shaders/compute/test_pattern.comp).
        const float block = std::max(2.0f, float(w) / 64.0f);
        const float stripX = float(w) - 17.0f * block;
        uint32_t decoded = 0;
        for (int bit = 15; bit >= 0; --bit) {
            const uint32_t x = uint32_t(stripX + (15 - bit) * block + block * 0.5f);
            const uint32_t y = uint32_t(block * 1.5f);
            const uint8_t r = frame->rgba[(y * w + x) * 4];
            if (r > 128) decoded |= 1u << bit;
        }
        QCOMPARE(decoded, uint32_t(index));
    }

    void sourceThreadPublishesFrames() {
        TestPatternSource source;
        source.start({64, 36, 120.0});
        QTRY_VERIFY_WITH_TIMEOUT(source.stats().framesProduced >= 5, 20000);
        QCOMPARE(source.state(), TestPatternSource::State::Running);
        auto frame = source.frames().takeIfNew();
        QVERIFY(frame);
        QCOMPARE(frame->width, 64u);
        source.stop();
        QCOMPARE(source.state(), TestPatternSource::State::Stopped);
        const uint64_t produced = source.stats().framesProduced;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        QCOMPARE(source.stats().framesProduced, produced); // stop() really stopped the thread
    }

    void sourceReportsFailureInsteadOfCrashing() {
        TestPatternSource source(nullptr);
        source.start({0, 0, 30.0}); // a zero-sized target cannot be created
        QTRY_COMPARE_WITH_TIMEOUT(source.state(), TestPatternSource::State::Failed, 20000);
        QVERIFY(source.error().find("outside") != std::string::npos);
    }

    void cleanupTestCase() {
        QCOMPARE(m_ctx->validationErrorCount(), 0u);
        m_ctx.reset();
    }
};

QTEST_GUILESS_MAIN(TestVulkan)
#include "tst_vulkan.moc"
