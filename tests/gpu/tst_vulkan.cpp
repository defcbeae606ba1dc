// Vulkan context, buffers, images, compute pipelines and the self-test, on whatever ICD
// the test environment selects (Mesa lavapipe in CI, through VK_DRIVER_FILES set by CTest).
#include "mnemo/gpu/ComputePipeline.hpp"
#include "mnemo/gpu/GpuBuffer.hpp"
#include "mnemo/gpu/GpuImage.hpp"
#include "mnemo/gpu/GpuTimer.hpp"
#include "mnemo/gpu/SelfTest.hpp"
#include "mnemo/gpu/VulkanContext.hpp"

#include <QTest>


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

    void timerTimesEachSpan() {
        auto timer = GpuTimer::create(*m_ctx, 3);
        if (!timer.ok()) QSKIP(timer.message().c_str()); // a queue without timestamps: nothing to time
        constexpr VkDeviceSize kBig = 64u << 20;
        auto buffer = GpuBuffer::create(*m_ctx, kBig, VK_BUFFER_USAGE_TRANSFER_DST_BIT, MemoryLocation::Device);
        QVERIFY2(buffer.ok(), buffer.message().c_str());
        GpuTimer &t = *timer.value();
        for (int round = 0; round < 2; ++round) { // the queries are reset and reused
            std::optional<uint32_t> spans[4];
            const Status s = m_ctx->submitAndWait([&](VkCommandBuffer cmd) {
                t.reset(cmd);
                spans[0] = t.begin(cmd);
                t.end(cmd, *spans[0]);
                spans[1] = t.begin(cmd);
                vkCmdFillBuffer(cmd, buffer->handle(), 0, kBig, 0x5EED5EEDu); // 64 MiB: work a clock can see
                t.end(cmd, *spans[1]);
                spans[2] = t.begin(cmd);
                t.end(cmd, *spans[2]);
                spans[3] = t.begin(cmd); // a fourth span does not fit
            });
            QVERIFY2(s.ok(), s.message().c_str());
            QVERIFY(spans[0] == 0u && spans[1] == 1u && spans[2] == 2u && !spans[3]);
            const std::vector<double> ms = t.read();
            QCOMPARE(ms.size(), size_t(3));
            for (double span : ms) QVERIFY(span >= 0 && span < 10000);
            QVERIFY2(ms[1] > ms[0] && ms[1] > ms[2], "filling 64 MiB takes longer than nothing");
        }
        QVERIFY(!GpuTimer::create(*m_ctx, 0).ok());
    }

    void cleanupTestCase() {
        QCOMPARE(m_ctx->validationErrorCount(), 0u);
        m_ctx.reset();
    }
};

QTEST_GUILESS_MAIN(TestVulkan)
#include "tst_vulkan.moc"
