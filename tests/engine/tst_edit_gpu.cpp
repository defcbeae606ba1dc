// The GPU paths of the built-in edit modules (edit_process_gpu) against their CPU paths, which stay the reference:
// color with a non-default grade and a .cube LUT, stylize over several frame indices, temporal-stabilizer over a
// panning sequence with the source's optical flow (and after a reset), virtual-camera's path (identity, pan, zoom,
// roll, tilt, either edge) along a stream with its flow, each at an even and an odd frame size; and virtual-camera's
// stabilizer on a shaking clip, its motion estimated on the device. The test plays the host: frames in host-visible
// storage buffers, the module's commands recorded between the barriers the host puts around them. Also: an instance on
// a host without Vulkan has no GPU path and still edits on the CPU.
#include "support/TestFrames.hpp"

#include "mnemo/gpu/GpuBuffer.hpp"
#include "mnemo/metrics/WarpError.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/modules/ModuleInstance.hpp"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <optional>
#include <random>

using namespace mnemo;
using modules::ModuleInstance;

namespace {

// The shared test frames, by value (the modules' calls take frames): alpha varies, as it must pass through.
Frame panning(uint32_t w, uint32_t h, int t) { return *testing::panning(w, h, t, 1.5f, true); }
Frame textured(uint32_t w, uint32_t h, int ox, int oy, uint64_t index) { return *testing::textured(w, h, ox, oy, index); }

// Mean absolute RGB difference over the middle half of two frames (tst_camera_path's measure of shake).
double middleDifference(const Frame &a, const Frame &b) {
    double sum = 0;
    size_t n = 0;
    for (uint32_t y = a.height / 4; y < 3 * a.height / 4; ++y) {
        for (uint32_t x = a.width / 4; x < 3 * a.width / 4; ++x) {
            for (int c = 0; c < 3; ++c, ++n) {
                const size_t i = (size_t(y) * a.width + x) * 4 + size_t(c);
                sum += std::abs(int(a.rgba[i]) - int(b.rgba[i]));
            }
        }
    }
    return sum / double(n);
}

Frame blank(uint32_t w, uint32_t h, uint64_t index) {
    Frame f;
    f.width = w;
    f.height = h;
    f.index = index;
    f.rgba.assign(size_t(w) * h * 4, 0);
    return f;
}

// The largest difference of any byte (alpha included) between a CPU frame and the same pixels read from the device.
int maxDifference(const Frame &cpu, const uint8_t *gpu) {
    int worst = 0;
    for (size_t i = 0; i < cpu.rgba.size(); ++i)
        worst = std::max(worst, std::abs(int(cpu.rgba[i]) - int(gpu[i])));
    return worst;
}

// Frames on the device as the host holds them: `count` frames in one host-visible storage buffer, each at an offset
// the device accepts for a storage binding, and none at 0 (a module must honour the offset).
class DeviceFrames {
public:
    DeviceFrames(gpu::VulkanContext &vulkan, uint32_t w, uint32_t h, uint32_t count) : m_width(w), m_height(h) {
        VkPhysicalDeviceProperties props;
        vkGetPhysicalDeviceProperties(vulkan.physicalDevice(), &props);
        const VkDeviceSize align = std::max<VkDeviceSize>(props.limits.minStorageBufferOffsetAlignment, 4);
        m_stride = (VkDeviceSize(w) * h * 4 + align - 1) / align * align;
        m_first = align;
        auto made = gpu::GpuBuffer::create(vulkan, m_first + m_stride * count,
                                           VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                               VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                           gpu::MemoryLocation::HostVisible);
        if (!made.ok()) qFatal("%s", made.message().c_str());
        m_buffer = std::move(made.value());
    }
    ModuleInstance::GpuFrame frame(uint32_t slot, uint64_t index) const {
        return {m_buffer.handle(), offset(slot), m_width, m_height, index};
    }
    void write(uint32_t slot, const Frame &f) { std::memcpy(at(slot), f.rgba.data(), f.rgba.size()); }
    const uint8_t *read(uint32_t slot) const { return at(slot); }

private:
    VkDeviceSize offset(uint32_t slot) const { return m_first + m_stride * slot; }
    uint8_t *at(uint32_t slot) const { return static_cast<uint8_t *>(m_buffer.mapped()) + offset(slot); }
    uint32_t m_width, m_height;
    VkDeviceSize m_stride = 0, m_first = 0;
    gpu::GpuBuffer m_buffer;
};

void memoryBarrier(VkCommandBuffer cmd, VkAccessFlags from, VkAccessFlags to, VkPipelineStageFlags after,
                   VkPipelineStageFlags before) {
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = from;
    barrier.dstAccessMask = to;
    vkCmdPipelineBarrier(cmd, after, before, 0, 1, &barrier, 0, nullptr, 0, nullptr);
}

// One GPU call as the host makes it: the frames the host wrote readable before it, the output readable by the host
// after it, submitted and waited for.
Status runGpu(gpu::VulkanContext &vulkan, ModuleInstance &module, const ModuleInstance::GpuFrame &in,
              const ModuleInstance::GpuFrame &out, const ModuleInstance::GpuSource *source = nullptr) {
    Status edited;
    const Status submitted = vulkan.submitAndWait([&](VkCommandBuffer cmd) {
        memoryBarrier(cmd, VK_ACCESS_HOST_WRITE_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
                      VK_PIPELINE_STAGE_HOST_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
        edited = module.editProcessGpu(cmd, {in}, {out}, source);
        memoryBarrier(cmd, VK_ACCESS_SHADER_WRITE_BIT, VK_ACCESS_HOST_READ_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                      VK_PIPELINE_STAGE_HOST_BIT);
    });
    return submitted.ok() ? edited : submitted;
}

// A stream through a module that follows the source (virtual-camera first in a chain: each frame is its own source),
// with the source's backward flow into each frame measured as the chain measures it (none for the first frame), on
// the CPU path or on the device.
class SourceStream {
public:
    SourceStream(gpu::VulkanContext &vulkan, uint32_t w, uint32_t h) : m_vulkan(vulkan), m_device(vulkan, w, h, 2) {
        auto made = gpu::GpuBuffer::create(vulkan, VkDeviceSize(w) * h * 8, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                                           gpu::MemoryLocation::HostVisible);
        if (!made.ok()) qFatal("%s", made.message().c_str());
        m_flowBuffer = std::move(made.value());
    }

    // The flow into `frame` from the frame before it (empty for the first).
    Result<std::vector<float>> flowInto(const Frame &frame) {
        std::vector<float> flow;
        if (m_previous) {
            auto measured = m_estimator.backward(*m_previous, frame);
            if (!measured.ok()) return measured.status();
            flow = std::move(measured.value());
        }
        m_previous = frame;
        return flow;
    }

    static Result<Frame> cpu(ModuleInstance &module, const Frame &in, const std::vector<float> &flow) {
        Frame out = blank(in.width, in.height, in.index);
        const ModuleInstance::EditSource source{{&in}, {&flow}};
        if (Status s = module.editProcess({&in}, {&out}, &source); !s.ok()) return s;
        return out;
    }

    Result<Frame> gpu(ModuleInstance &module, const Frame &in, const std::vector<float> &flow) {
        m_device.write(0, in);
        if (!flow.empty()) std::memcpy(m_flowBuffer.mapped(), flow.data(), flow.size() * sizeof(float));
        const ModuleInstance::GpuSource source{
            {m_device.frame(0, in.index)},
            {flow.empty() ? ModuleInstance::GpuFlow{} : ModuleInstance::GpuFlow{m_flowBuffer.handle(), 0}}};
        if (Status s = runGpu(m_vulkan, module, m_device.frame(0, in.index), m_device.frame(1, in.index), &source);
            !s.ok()) {
            return s;
        }
        Frame out = blank(in.width, in.height, in.index);
        std::memcpy(out.rgba.data(), m_device.read(1), out.rgba.size());
        return out;
    }

private:
    gpu::VulkanContext &m_vulkan;
    DeviceFrames m_device; // slot 0: the frame (and source), slot 1: the output
    gpu::GpuBuffer m_flowBuffer;
    metrics::FlowEstimator m_estimator;
    std::optional<Frame> m_previous;
};

// A .cube file's text: a warm, contrasty look over a coarse lattice (so the trilinear lookup between points matters),
// some values outside [0, 1] (so the clamping matters).
QByteArray cubeText(int size) {
    QStringList lines{"TITLE \"tst_edit_gpu\"", QString("LUT_3D_SIZE %1").arg(size)};
    for (int b = 0; b < size; ++b) {
        for (int g = 0; g < size; ++g) {
            for (int r = 0; r < size; ++r) {
                const double R = r / double(size - 1), G = g / double(size - 1), B = b / double(size - 1);
                lines << QString::asprintf("%.6f %.6f %.6f", 1.1 * std::pow(R, 0.8) - 0.03, G * G * (1.2 - 0.3 * R),
                                           0.7 * B + 0.2 * G * R + 0.02);
            }
        }
    }
    return (lines.join('\n') + '\n').toUtf8();
}

} // namespace

class TestEditGpu : public QObject {
    Q_OBJECT
    std::unique_ptr<modules::ModuleEnvironment> m_env;
    QTemporaryDir m_tmp;
    int m_worst = 0; // the largest difference a test function saw, for the log

    std::unique_ptr<ModuleInstance> make(const std::string &id, uint32_t w, uint32_t h,
                                         const modules::ParamValues &params = {}, modules::ModuleHost *host = nullptr) {
        const modules::LoadedModule *module = m_env->registry->find(id);
        if (!module) qFatal("module %s is not loaded", id.c_str());
        auto made = ModuleInstance::create(*module, host ? *host : *m_env->host, w, h, params);
        if (!made.ok()) qFatal("%s", made.message().c_str());
        return std::move(made.value());
    }

    // One frame through a module without source (color, stylize) on both paths: the largest difference.
    Result<int> compare(ModuleInstance &cpu, ModuleInstance &gpu, const Frame &in) {
        Frame out = blank(in.width, in.height, in.index);
        if (Status s = cpu.editProcess({&in}, {&out}); !s.ok()) return s;
        DeviceFrames device(*m_env->vulkan, in.width, in.height, 2);
        device.write(0, in);
        if (Status s = runGpu(*m_env->vulkan, gpu, device.frame(0, in.index), device.frame(1, in.index)); !s.ok()) {
            return s;
        }
        const int worst = maxDifference(out, device.read(1));
        m_worst = std::max(m_worst, worst);
        return worst;
    }

    // What is wrong with frame t through both paths ("" when they agree within `tolerance`).
    std::string mismatch(ModuleInstance &cpu, ModuleInstance &gpu, const Frame &in, int tolerance, const char *what) {
        const Result<int> worst = compare(cpu, gpu, in);
        if (!worst.ok()) return std::string(what) + ": " + worst.message();
        if (worst.value() > tolerance) return std::string(what) + ": worst difference " + std::to_string(worst.value());
        return {};
    }

    static void sizes() {
        QTest::addColumn<uint>("width");
        QTest::addColumn<uint>("height");
        QTest::newRow("160x90") << 160u << 90u;
        QTest::newRow("97x61") << 97u << 61u;
    }

private slots:
    void init() { m_worst = 0; }
    void cleanup() { qInfo("largest difference between the paths: %d", m_worst); }

    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_env = modules::ModuleEnvironment::create({MNEMO_BINARY_DIR "/plugins"});
        if (!m_env->vulkan) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(m_env->vulkanError)));
        for (const char *id : {"color", "stylize", "temporal-stabilizer", "virtual-camera"}) {
            const modules::LoadedModule *module = m_env->registry->find(id);
            QVERIFY2(module, id);
            QVERIFY2(module->hasGpuPath, id);
        }
    }

    void colorMatchesItsCpuPath_data() { sizes(); }
    void colorMatchesItsCpuPath() {
        QFETCH(uint, width);
        QFETCH(uint, height);
        const modules::ParamValues grade{
            {"exposure", 0.7}, {"temperature", 0.4}, {"saturation", 1.6}, {"contrast", 1.3}};
        auto cpu = make("color", width, height, grade), gpu = make("color", width, height, grade);
        QVERIFY(gpu->hasGpuPath());
        std::string problem = mismatch(*cpu, *gpu, panning(width, height, 0), 1, "the grade");
        QVERIFY2(problem.empty(), problem.c_str());
        const QString path = m_tmp.filePath("look.cube");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(cubeText(9)) > 0);
        file.close();
        for (ModuleInstance *m : {cpu.get(), gpu.get()}) {
            QVERIFY(m->setParamText("lut", path.toStdString()).ok());
            QVERIFY(m->setParam("lut_strength", 0.65).ok());
        }
        problem = mismatch(*cpu, *gpu, panning(width, height, 1), 1, "the grade and a LUT");
        QVERIFY2(problem.empty(), problem.c_str());
        for (ModuleInstance *m : {cpu.get(), gpu.get()})
            QVERIFY(m->setParam("exposure", -0.6).ok()); // run-time
        problem = mismatch(*cpu, *gpu, panning(width, height, 2), 1, "a new exposure, same LUT");
        QVERIFY2(problem.empty(), problem.c_str());
        for (ModuleInstance *m : {cpu.get(), gpu.get()})
            QVERIFY(m->setParamText("lut", "").ok());
        problem = mismatch(*cpu, *gpu, panning(width, height, 3), 1, "the LUT cleared");
        QVERIFY2(problem.empty(), problem.c_str());
    }

    void stylizeMatchesItsCpuPath_data() { sizes(); }
    void stylizeMatchesItsCpuPath() {
        QFETCH(uint, width);
        QFETCH(uint, height);
        auto cpu = make("stylize", width, height), gpu = make("stylize", width, height);
        QVERIFY(cpu->reset(42).ok() && gpu->reset(42).ok());
        const uint64_t indices[] = {0, 1, 7, 1000003, 0x100000001ull}; // each frame index rolls its own look
        for (size_t i = 0; i < std::size(indices); ++i) {
            if (i == 3) { // other parameters, set between frames
                for (ModuleInstance *m : {cpu.get(), gpu.get()}) {
                    QVERIFY(m->setParam("levels", 13).ok() && m->setParam("scatter", 5).ok());
                    QVERIFY(m->setParam("grain", 30.5).ok());
                }
            }
            Frame in = panning(width, height, int(i));
            in.index = indices[i];
            const std::string problem = mismatch(*cpu, *gpu, in, 1, ("frame " + std::to_string(in.index)).c_str());
            QVERIFY2(problem.empty(), problem.c_str());
        }
    }

    // Six frames of a panning source, edited by stylize (the flicker to remove), with the flow the chain measures; then
    // a reset and three more. The blend must actually happen (most pixels follow the flow).
    void stabilizerMatchesItsCpuPath_data() { sizes(); }
    void stabilizerMatchesItsCpuPath() {
        QFETCH(uint, width);
        QFETCH(uint, height);
        auto styler = make("stylize", width, height);
        auto cpu = make("temporal-stabilizer", width, height), gpu = make("temporal-stabilizer", width, height);
        metrics::FlowEstimator estimator;
        DeviceFrames device(*m_env->vulkan, width, height, 3); // edit, source, output
        auto flowBuffer = gpu::GpuBuffer::create(*m_env->vulkan, VkDeviceSize(width) * height * 8,
                                                 VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, gpu::MemoryLocation::HostVisible);
        QVERIFY(flowBuffer.ok());
        std::optional<Frame> previous;
        for (int t = 0; t < 9; ++t) {
            if (t == 6) QVERIFY(cpu->reset(1).ok() && gpu->reset(1).ok()); // the next frame passes through
            const Frame source = panning(width, height, t);
            Frame edit = blank(width, height, source.index), out = blank(width, height, source.index);
            QVERIFY(styler->editProcess({&source}, {&edit}).ok());
            std::vector<float> flow;
            if (previous) {
                auto measured = estimator.backward(*previous, source);
                QVERIFY2(measured.ok(), measured.ok() ? "" : measured.message().c_str());
                flow = std::move(measured.value());
                std::memcpy(flowBuffer->mapped(), flow.data(), flow.size() * sizeof(float));
            }
            previous = source;
            const ModuleInstance::EditSource cpuSource{{&source}, {&flow}};
            QVERIFY(cpu->editProcess({&edit}, {&out}, &cpuSource).ok());
            device.write(0, edit);
            device.write(1, source);
            const ModuleInstance::GpuSource gpuSource{
                {device.frame(1, source.index)},
                {flow.empty() ? ModuleInstance::GpuFlow{} : ModuleInstance::GpuFlow{flowBuffer->handle(), 0}}};
            const Status s =
                runGpu(*m_env->vulkan, *gpu, device.frame(0, source.index), device.frame(2, source.index), &gpuSource);
            QVERIFY2(s.ok(), s.message().c_str());
            const int worst = maxDifference(out, device.read(2));
            m_worst = std::max(m_worst, worst);
            size_t followed = 0;
            for (size_t i = 0; i < out.rgba.size(); ++i)
                followed += out.rgba[i] != edit.rgba[i];
            QVERIFY2(worst <= 2, qPrintable(QString("frame %1: worst difference %2").arg(t).arg(worst)));
            const bool passesThrough = t == 0 || t == 6;
            QVERIFY2(passesThrough ? followed == 0 : followed > out.rgba.size() / 4,
                     qPrintable(QString("frame %1: %2 bytes differ from the edit").arg(t).arg(followed)));
        }
    }

    // virtual-camera along a panning stream with the source's flow, as the chain feeds it: the identity path copies
    // the frame exactly, and pan, zoom, roll and tilt, alone and together, with either edge, match the CPU path within
    // 1 LSB (the homography is the C code's, in float on the device). No stabilization: that is the next test.
    void virtualCameraMatchesItsCpuPath_data() { sizes(); }
    void virtualCameraMatchesItsCpuPath() {
        QFETCH(uint, width);
        QFETCH(uint, height);
        auto cpu = make("virtual-camera", width, height), gpu = make("virtual-camera", width, height);
        QVERIFY(gpu->hasGpuPath());
        SourceStream stream(*m_env->vulkan, width, height);
        const modules::ParamValues still{{"pan_x", 0}, {"pan_y", 0}, {"zoom", 1}, {"roll", 0}, {"tilt_x", 0}};
        const std::vector<std::pair<const char *, modules::ParamValues>> views{
            {"identity", {}},           {"pan_x 0.25", {{"pan_x", 0.25}}}, {"zoom 2", {{"zoom", 2}}},
            {"roll 30", {{"roll", 30}}}, {"tilt_x 10", {{"tilt_x", 10}}},
            {"all four", {{"pan_x", 0.25}, {"zoom", 2}, {"roll", 30}, {"tilt_x", 10}}}};
        int t = 0;
        for (const double edge : {0.0, 1.0}) {
            for (const auto &[name, params] : views) {
                for (ModuleInstance *m : {cpu.get(), gpu.get()}) {
                    QVERIFY(m->setParam("edge", edge).ok());
                    for (const auto &[param, value] : still) QVERIFY(m->setParam(param, value).ok());
                    for (const auto &[param, value] : params) QVERIFY(m->setParam(param, value).ok());
                }
                const Frame in = panning(width, height, t++);
                auto flow = stream.flowInto(in);
                QVERIFY2(flow.ok(), flow.ok() ? "" : flow.message().c_str());
                auto expected = SourceStream::cpu(*cpu, in, flow.value());
                auto got = stream.gpu(*gpu, in, flow.value());
                QVERIFY2(expected.ok(), expected.ok() ? "" : expected.message().c_str());
                QVERIFY2(got.ok(), got.ok() ? "" : got.message().c_str());
                const int worst = maxDifference(expected.value(), got->rgba.data());
                m_worst = std::max(m_worst, worst);
                const QString what = QString("%1, edge %2: worst difference %3").arg(name).arg(edge).arg(worst);
                QVERIFY2(worst <= 1, qPrintable(what));
                if (params.empty()) QVERIFY2(got->rgba == in.rgba, qPrintable(what + " (the identity copies)"));
            }
        }
    }

    // The shaking clip of tst_camera_path (the picture jumps by whole pixels, up to 3 each way, every frame),
    // stabilized on the device, its motion estimated there from the flow on the device: consecutive frames differ far
    // less than without stabilization, and the crop stays inside the frame (edge black would show). The device fits in
    // float where the CPU path fits in double, so the frames follow the CPU path's closely but not to the bit.
    void virtualCameraStabilizesOnTheDevice() {
        const uint32_t w = 192, h = 108;
        const modules::ParamValues steadily{{"stabilize", 1}, {"edge", 1}};
        auto shaky = make("virtual-camera", w, h), steady = make("virtual-camera", w, h, steadily);
        auto reference = make("virtual-camera", w, h, steadily);
        SourceStream stream(*m_env->vulkan, w, h);
        std::mt19937 random(11);
        std::uniform_int_distribution<int> jitter(-3, 3);
        std::optional<Frame> lastShaky, lastSteady;
        double before = 0, after = 0, apart = 0;
        bool black = false;
        const int frames = 40;
        for (int t = 0; t < frames; ++t) {
            const int ox = jitter(random), oy = jitter(random);
            const Frame in = textured(w, h, ox, oy, uint64_t(t));
            auto flow = stream.flowInto(in);
            QVERIFY2(flow.ok(), flow.ok() ? "" : flow.message().c_str());
            auto a = stream.gpu(*shaky, in, flow.value()), b = stream.gpu(*steady, in, flow.value());
            auto c = SourceStream::cpu(*reference, in, flow.value());
            QVERIFY2(a.ok() && b.ok() && c.ok(), "a call failed");
            if (lastShaky) before += middleDifference(*lastShaky, a.value());
            if (lastSteady) after += middleDifference(*lastSteady, b.value());
            for (size_t i = 0; i < b->rgba.size(); i += 4) {
                black = black || (b->rgba[i] | b->rgba[i + 1] | b->rgba[i + 2]) == 0;
            }
            apart += middleDifference(c.value(), b.value());
            m_worst = std::max(m_worst, maxDifference(c.value(), b->rgba.data()));
            lastShaky = std::move(a.value());
            lastSteady = std::move(b.value());
        }
        before /= frames - 1;
        after /= frames - 1;
        apart /= frames;
        qInfo("mean frame-to-frame difference on the device: %.2f unstabilized, %.2f stabilized; mean difference from "
              "the CPU path %.3f", before, after, apart);
        QVERIFY(before > 10);
        QVERIFY2(after < 0.35 * before, qPrintable(QString("%1 vs %2").arg(after).arg(before)));
        QVERIFY(!black);
        // Each frame corrected for its own motion, as on the CPU: a correction a frame late would be tens of code
        // values away (the shake itself).
        QVERIFY2(apart < 0.5, qPrintable(QString("mean difference from the CPU path %1").arg(apart)));
    }

    // A host without Vulkan: the modules create, offer no GPU path, and edit on the CPU as before.
    void withoutVulkanTheCpuPathRemains() {
        modules::ModuleHost cpuOnly(nullptr);
        const Frame in = panning(64, 36, 0);
        for (const char *id : {"color", "stylize", "temporal-stabilizer", "virtual-camera"}) {
            auto m = make(id, 64, 36, {}, &cpuOnly);
            QVERIFY2(!m->hasGpuPath(), id);
            QCOMPARE(m->editProcessGpu(VK_NULL_HANDLE, {}, {}).code(), StatusCode::Unsupported);
            Frame out = blank(64, 36, 0);
            const std::vector<float> noFlow;
            const ModuleInstance::EditSource source{{&in}, {&noFlow}};
            const Status s = m->editProcess({&in}, {&out}, &source);
            QVERIFY2(s.ok(), s.message().c_str());
            QVERIFY2(out.rgba != blank(64, 36, 0).rgba, id);
        }
    }

    void cleanupTestCase() {
        if (m_env && m_env->vulkan) QCOMPARE(m_env->vulkan->validationErrorCount(), 0u); // with MNEMO_VK_VALIDATION=1
    }
};

QTEST_GUILESS_MAIN(TestEditGpu)
#include "tst_edit_gpu.moc"
