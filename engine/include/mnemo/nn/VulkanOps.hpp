#pragma once
// The neural runtime on Vulkan compute. Each kernel has the CPU reference's semantics (CpuReference.hpp) and a test
// against it. run() keeps every tensor on the device from the input to the outputs: one command buffer, a dispatch
// per layer, a barrier between them. Storage is host-visible fp32 for now (the device's own memory on lavapipe and
// integrated GPUs; a discrete GPU wants device-local buffers and fp16 storage: next).

#include "mnemo/gpu/VulkanContext.hpp"
#include "mnemo/nn/CpuReference.hpp"

#include <memory>
#include <string>
#include <vector>

namespace mnemo::gpu {
class GpuTimer;
}

namespace mnemo::nn::vulkan {

// One dispatch of a run on the device (timestamp queries): the layer it belongs to (two names: a PReLU fused into its
// convolution), its kernel, and the multiply-adds its layer counts (on the layer's first dispatch).
struct StepTime {
    std::string layer, kernel;
    double ms = 0, macs = 0;
};

struct RunStats {
    double prepareMs = 0; // pipelines, weights and buffers
    double gpuMs = 0;     // uploading the inputs, recording, submitting and waiting for the dispatches
    double readbackMs = 0;
    bool timeSteps = false;      // in: time every dispatch (where each layer's time goes; bench nn --steps)
    std::vector<StepTime> steps; // out, with timeSteps: every dispatch in order (none where no timestamps are written)
};

// How a program stores the weights of its 3x3 stride-1 convolutions (stride 2 keeps fp32). Fp16: as fp16 wherever
// that holds them exactly (weights that came from fp16 in the .bin always do), halving the bytes each tap reads;
// otherwise fp32. Auto: fp16 on a GPU, fp32 on a CPU implementation such as lavapipe, where unpacking the halves cost
// more than the bytes saved (bench nn, 2026-12-03: about 7 % slower).
enum class WeightStorage { Auto, Fp32, Fp16 };

// A model prepared on the device for inputs of fixed shapes: pipelines built, weights uploaded and every tensor
// allocated once, so a stream of frames (tiles of one size) pays for that once. run() copies the inputs in, submits
// the graph and reads the outputs back. Thread: one at a time (it reuses its buffers).
class Program {
public:
    struct Shape {
        int c = 0, h = 0, w = 0;
    };
    static Result<std::unique_ptr<Program>> prepare(gpu::VulkanContext &ctx, const NcnnModel &model,
                                                    const std::map<std::string, Shape> &inputs,
                                                    std::vector<std::string> outputs = {},
                                                    WeightStorage weights = WeightStorage::Auto);
    ~Program();
    Result<std::map<std::string, Tensor>> run(const std::map<std::string, Tensor> &inputs, RunStats *stats = nullptr);
    // Device memory it holds: weights and every tensor of the graph (what a tile of this size costs).
    size_t deviceBytes() const { return m_deviceBytes; }
    const std::map<std::string, Shape> &inputShapes() const { return m_inputShapes; }
    // Multiply-adds of its convolutions and deconvolutions per run, from the shapes it was prepared for (what a
    // benchmark's GFLOP/s counts; the other layers are cheap next to them).
    double macs() const { return m_macs; }

private:
    struct Graph;
    explicit Program(gpu::VulkanContext &ctx);
    Status submitSteps(RunStats *stats);
    gpu::GpuTimer *stepTimer();
    gpu::VulkanContext &m_ctx;
    std::unique_ptr<Graph> m_graph;
    std::map<std::string, Shape> m_inputShapes;
    std::vector<std::string> m_outputs;
    std::string m_path;
    size_t m_deviceBytes = 0;
    double m_macs = 0;
};

// One run: a Program prepared for these inputs and run once.
Result<std::map<std::string, Tensor>> run(gpu::VulkanContext &ctx, const NcnnModel &model,
                                          const std::map<std::string, Tensor> &inputs,
                                          std::vector<std::string> outputs = {}, RunStats *stats = nullptr,
                                          WeightStorage weights = WeightStorage::Auto);

// One convolution (activation 0, 1 or 2), for tests and small uses: a one-layer run.
Result<Tensor> convolution(gpu::VulkanContext &ctx, const Tensor &in, const std::vector<float> &weights,
                           const std::vector<float> &bias, const cpu::ConvParams &p);

} // namespace mnemo::nn::vulkan
