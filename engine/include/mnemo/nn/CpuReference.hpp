#pragma once
// The plain CPU implementation of every operator the runtime supports, with ncnn's semantics exactly (padding,
// activation codes, weight layouts, PixelShuffle's channel order, Interp's coordinates): the truth the Vulkan kernels
// are tested against, and a runner for small inputs. Straight loops, no tuning.

#include "mnemo/core/Status.hpp"
#include "mnemo/nn/NcnnModel.hpp"
#include "mnemo/nn/Tensor.hpp"

#include <map>
#include <string>
#include <vector>

namespace mnemo::nn::cpu {

// Convolution and Deconvolution parameters (ncnn ids in brackets).
struct ConvParams {
    int outputs = 0;                                          // [0]
    int kernelW = 1, kernelH = 1;                             // [1], [11]
    int dilationW = 1, dilationH = 1;                         // [2], [12]
    int strideW = 1, strideH = 1;                             // [3], [13]
    int padLeft = 0, padTop = 0, padRight = 0, padBottom = 0; // [4], [14], [15], [16]
    int activation = 0;                                       // [9]: 0 none, 1 ReLU, 2 leaky ReLU, 3 clip, 4 sigmoid
    std::vector<float> activationParams;                      // [10]
    int outputPadRight = 0, outputPadBottom = 0;              // Deconvolution [18], [19]
    static ConvParams from(const ParamDict &p);
};

struct Shape {
    int c = 0, h = 0, w = 0;
};
// The output shape of a convolution or deconvolution of a c x h x w input (sizes <= 0 when the input is too small).
Shape convolutionShape(int c, int h, int w, const ConvParams &p);
Shape deconvolutionShape(int c, int h, int w, const ConvParams &p);
// The parameters, the weight count for `inputs` channels, the bias and the output's size, checked; `what` names the
// operator in the message. Shared by the CPU and Vulkan implementations.
Status checkConvolution(int inputs, const std::vector<float> &weights, const std::vector<float> &bias,
                        const ConvParams &p, const Shape &out, const char *what);

// Weights [outputs][inputs][kernelH][kernelW] (both); bias empty or one per output. Errors on a weight count that does
// not match the input's channels.
Result<Tensor> convolution(const Tensor &in, const std::vector<float> &weights, const std::vector<float> &bias,
                           const ConvParams &p);
Result<Tensor> deconvolution(const Tensor &in, const std::vector<float> &weights, const std::vector<float> &bias,
                             const ConvParams &p);
Tensor prelu(const Tensor &in, const std::vector<float> &slopes); // one slope, or one per channel
Tensor relu(const Tensor &in, float slope);                       // slope 0: ReLU, else leaky
Tensor sigmoid(const Tensor &in);
Tensor swish(const Tensor &in); // SiLU: x * sigmoid(x) (ncnn's Swish)
// ncnn's GroupNorm: the channels in `groups` equal groups, each normalised over its channels and pixels
// ((x - mean) / sqrt(variance + eps), the population variance), then scaled and shifted per channel (gamma, beta:
// one per channel, or both empty for none). InstanceNorm is the case groups == channels.
Result<Tensor> groupNorm(const Tensor &in, int groups, float eps, const std::vector<float> &gamma,
                         const std::vector<float> &beta);
Tensor pixelShuffle(const Tensor &in, int factor); // PyTorch's pixel_shuffle (ncnn mode 0)
// type 1 nearest, 2 bilinear, 3 bicubic (half-pixel, no corner alignment); the output size, or the scales when it
// is 0.
Tensor interp(const Tensor &in, int type, float scaleH, float scaleW, int outH = 0, int outW = 0);
// How an operand of a BinaryOp spreads over the result: the same shape, one value per channel, one plane for every
// channel, or one value.
enum class Spread { None, Same, PerChannel, Plane, Scalar };
struct BinaryShape {
    int c = 0, h = 0, w = 0; // the result's
    Spread a = Spread::None, b = Spread::None;
    bool ok = false;
};
BinaryShape binaryShape(int ac, int ah, int aw, int bc, int bh, int bw);
// op: 0 add, 1 sub, 2 mul, 3 div, 4 max, 5 min, 6 pow, 7 rsub, 8 rdiv; either operand the result's shape, one value
// per channel, one plane (a mask over an image's channels), or one value.
Result<Tensor> binaryOp(const Tensor &a, const Tensor &b, int op);
// op: 0 product, 1 sum (with optional coefficients), 2 max.
Result<Tensor> eltwise(const std::vector<const Tensor *> &in, int op, const std::vector<float> &coefficients);
Result<Tensor> concatChannels(const std::vector<const Tensor *> &in);
// What a Crop by ranges keeps of a c x h x w tensor: its offsets and size, or why it cannot.
struct CropRange {
    int c0 = 0, y0 = 0, x0 = 0, c = 0, h = 0, w = 0;
    std::string error;
};
CropRange cropRange(int c, int h, int w, const std::vector<int> &starts, const std::vector<int> &ends,
                    const std::vector<int> &axes);
// ncnn's Crop by ranges: for each axis (0 channels, 1 rows, 2 columns; negative from the end; none given: all in
// order) [start, end), as ncnn reads them: -233 is the start or the end, a negative value or an end of 0 counts from
// the end, clamped to the size.
Result<Tensor> crop(const Tensor &in, const std::vector<int> &starts, const std::vector<int> &ends,
                    const std::vector<int> &axes);
// RIFE's backward warp (rife-ncnn-vulkan's rife.Warp): out(x, y) = image sampled bilinearly at (x + flow0, y + flow1),
// the four neighbours clamped into the image before the weights are taken.
Result<Tensor> warp(const Tensor &image, const Tensor &flow);

// Runs a model: its Input blobs by name; returns the blobs asked for (the model's outputs when none are named).
Result<std::map<std::string, Tensor>> run(const NcnnModel &model, const std::map<std::string, Tensor> &inputs,
                                          std::vector<std::string> outputs = {});

} // namespace mnemo::nn::cpu
