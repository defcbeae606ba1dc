#include "TinyWorldInputs.hpp"

#include <algorithm>
#include <cmath>

namespace mnemo::tiny_world {
namespace {

constexpr float kFx = kWidth / 2.0f; // 90 degrees horizontal, the studio's default camera
constexpr float kFy = kFx;
constexpr float kCx = kWidth / 2.0f;
constexpr float kCy = kHeight / 2.0f;
constexpr double kTranslationGain = 2.0;
constexpr float kMaskedLogit = -1.0e4f; // a source that does not reach a pixel weighs exp(-1e4) = 0 there

double at(const Pose &m, int row, int col) {
    return m[size_t(col) * 4 + size_t(row)];
}

// R_source^T R_target, computed in double and rounded to float as python/tiny_world.py does.
std::array<float, 9> relativeRotation(const Pose &target, const Pose &source) {
    std::array<float, 9> r{};
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            double sum = 0;
            for (int k = 0; k < 3; ++k)
                sum += at(source, k, i) * at(target, k, j);
            r[size_t(i) * 3 + size_t(j)] = float(sum);
        }
    }
    return r;
}

std::array<float, 3> translationCode(const Pose &target, const Pose &source) {
    std::array<float, 3> code{};
    for (int i = 0; i < 3; ++i) {
        double t = 0;
        for (int k = 0; k < 3; ++k)
            t += at(target, k, i) * (at(source, k, 3) - at(target, k, 3));
        code[size_t(i)] = float(std::tanh(kTranslationGain * t));
    }
    return code;
}

// PyTorch's grid_sample (bilinear, border padding, align_corners false) at source pixel coordinates (x, y) whose
// pixel centres are at i + 0.5.
float sample(const float *plane, float x, float y) {
    const float ix = std::clamp(x - 0.5f, 0.0f, float(kWidth - 1));
    const float iy = std::clamp(y - 0.5f, 0.0f, float(kHeight - 1));
    const int x0 = int(std::floor(ix)), y0 = int(std::floor(iy));
    const int x1 = std::min(x0 + 1, kWidth - 1), y1 = std::min(y0 + 1, kHeight - 1);
    const float wx = ix - float(x0), wy = iy - float(y0);
    const float top = plane[y0 * kWidth + x0] * (1 - wx) + plane[y0 * kWidth + x1] * wx;
    const float bottom = plane[y1 * kWidth + x0] * (1 - wx) + plane[y1 * kWidth + x1] * wx;
    return top * (1 - wy) + bottom * wy;
}

// One source's seven channels from `channel` on: reprojected RGB, inside mask, translation code.
void writeSource(nn::Tensor &input, int channel, const Pose &target, const Picture &source) {
    const std::array<float, 9> r = relativeRotation(target, source.c2w);
    const std::array<float, 3> code = translationCode(target, source.c2w);
    const size_t plane = size_t(kWidth) * kHeight;
    for (int py = 0; py < kHeight; ++py) {
        const float v = (float(py) + 0.5f - kCy) / kFy;
        for (int px = 0; px < kWidth; ++px) {
            const float u = (float(px) + 0.5f - kCx) / kFx;
            const float dx = r[0] * u + r[1] * v + r[2];
            const float dy = r[3] * u + r[4] * v + r[5];
            const float dz = r[6] * u + r[7] * v + r[8];
            const size_t i = size_t(py) * kWidth + size_t(px);
            float inside = 0;
            if (dz > 1e-3f) {
                const float x = kFx * dx / dz + kCx;
                const float y = kFy * dy / dz + kCy;
                if (x >= 0 && x <= float(kWidth) && y >= 0 && y <= float(kHeight)) {
                    inside = 1;
                    for (int c = 0; c < 3; ++c)
                        input.channel(channel + c)[i] = sample(&source.rgb[c * plane], x, y);
                }
            }
            input.channel(channel + 3)[i] = inside;
            for (int c = 0; c < 3; ++c)
                input.channel(channel + 4 + c)[i] = code[size_t(c)];
        }
    }
}

float byteToUnit(uint8_t v) {
    return float(v) / 255.0f;
}

uint8_t unitToByte(float v) {
    const float unit = v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f; // NaN reads as 0
    return uint8_t(unit * 255.0f + 0.5f);                       // rounds half up: lround without its cost
}

// Bilinear resampling of planar RGB with pixel centres aligned (edges clamped).
std::vector<float> resize(const std::vector<float> &src, int sw, int sh, int dw, int dh) {
    std::vector<float> dst(size_t(3) * size_t(dw) * size_t(dh));
    for (int y = 0; y < dh; ++y) {
        const float sy = std::clamp((float(y) + 0.5f) * float(sh) / float(dh) - 0.5f, 0.0f, float(sh - 1));
        const int y0 = int(sy), y1 = std::min(y0 + 1, sh - 1);
        const float wy = sy - float(y0);
        for (int x = 0; x < dw; ++x) {
            const float sx = std::clamp((float(x) + 0.5f) * float(sw) / float(dw) - 0.5f, 0.0f, float(sw - 1));
            const int x0 = int(sx), x1 = std::min(x0 + 1, sw - 1);
            const float wx = sx - float(x0);
            for (int c = 0; c < 3; ++c) {
                const float *p = &src[size_t(c) * size_t(sw) * size_t(sh)];
                const float top = p[y0 * sw + x0] * (1 - wx) + p[y0 * sw + x1] * wx;
                const float bottom = p[y1 * sw + x0] * (1 - wx) + p[y1 * sw + x1] * wx;
                dst[(size_t(c) * size_t(dh) + size_t(y)) * size_t(dw) + size_t(x)] = top * (1 - wy) + bottom * wy;
            }
        }
    }
    return dst;
}

} // namespace

nn::Tensor assembleInput(const Pose &target, const std::array<const Picture *, kSources> &sources) {
    nn::Tensor input(kInputChannels, kHeight, kWidth);
    for (int s = 0; s < kSources; ++s) {
        if (sources[size_t(s)] && !sources[size_t(s)]->empty()) {
            writeSource(input, s * kChannelsPerSource, target, *sources[size_t(s)]);
        }
    }
    return input;
}

Result<std::vector<float>> finishFrame(const nn::Tensor &input, const nn::Tensor &output) {
    if (output.c != kOutputChannels || output.h != kHeight || output.w != kWidth) {
        return Status(StatusCode::InvalidArgument, "the network gave " + std::to_string(output.c) + "x" +
                                                       std::to_string(output.h) + "x" + std::to_string(output.w) +
                                                       ", not " + std::to_string(kOutputChannels) +
                                                       "x36x64: weights "
                                                       "from another version of the model?");
    }
    const size_t plane = size_t(kWidth) * kHeight;
    std::vector<float> picture(kPictureFloats);
    for (size_t i = 0; i < plane; ++i) {
        std::array<float, kSources + 1> logits{};
        for (int s = 0; s < kSources; ++s) {
            const bool inside = input.channel(s * kChannelsPerSource + 3)[i] > 0.5f;
            logits[size_t(s)] = inside ? output.channel(3 + s)[i] : kMaskedLogit;
        }
        logits[kSources] = output.channel(3 + kSources)[i];
        const float top = *std::max_element(logits.begin(), logits.end());
        float sum = 0;
        for (float &l : logits)
            sum += (l = std::exp(l - top));
        for (int c = 0; c < 3; ++c) {
            float blend = 0;
            for (int s = 0; s < kSources; ++s)
                blend += logits[size_t(s)] / sum * input.channel(s * kChannelsPerSource + c)[i];
            picture[size_t(c) * plane + i] = std::clamp(blend + output.channel(c)[i], 0.0f, 1.0f);
        }
    }
    return picture;
}

std::vector<float> pictureFromRgb8(const uint8_t *rgb) {
    std::vector<float> picture(kPictureFloats);
    const size_t plane = size_t(kWidth) * kHeight;
    for (size_t i = 0; i < plane; ++i) {
        for (size_t c = 0; c < 3; ++c)
            picture[c * plane + i] = byteToUnit(rgb[i * 3 + c]);
    }
    return picture;
}

std::vector<uint8_t> rgb8FromPicture(const std::vector<float> &picture) {
    const size_t plane = size_t(kWidth) * kHeight;
    std::vector<uint8_t> rgb(plane * 3);
    for (size_t i = 0; i < plane; ++i) {
        for (size_t c = 0; c < 3; ++c)
            rgb[i * 3 + c] = unitToByte(picture[c * plane + i]);
    }
    return rgb;
}

std::vector<float> pictureFromRgba(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride) {
    std::vector<float> full(size_t(3) * width * height);
    const size_t plane = size_t(width) * height;
    for (uint32_t y = 0; y < height; ++y) {
        for (uint32_t x = 0; x < width; ++x) {
            for (size_t c = 0; c < 3; ++c)
                full[c * plane + y * width + x] = byteToUnit(pixels[y * stride + x * 4 + c]);
        }
    }
    if (width == kWidth && height == kHeight) return full;
    return resize(full, int(width), int(height), kWidth, kHeight);
}

void writeScaled(const std::vector<float> &picture, uint8_t *pixels, uint32_t width, uint32_t height, size_t stride) {
    // The taps of every column, once: a 1280x720 frame is 0.9 M pixels of four taps each.
    struct Tap {
        int x0, x1;
        float wx;
    };
    std::vector<Tap> columns(width);
    for (uint32_t x = 0; x < width; ++x) {
        const float sx = std::clamp((float(x) + 0.5f) * float(kWidth) / float(width) - 0.5f, 0.0f, float(kWidth - 1));
        columns[x] = {int(sx), std::min(int(sx) + 1, kWidth - 1), sx - float(int(sx))};
    }
    const size_t plane = size_t(kWidth) * kHeight;
    for (uint32_t y = 0; y < height; ++y) {
        const float sy =
            std::clamp((float(y) + 0.5f) * float(kHeight) / float(height) - 0.5f, 0.0f, float(kHeight - 1));
        const int y0 = int(sy), y1 = std::min(y0 + 1, kHeight - 1);
        const float wy = sy - float(y0);
        uint8_t *row = pixels + y * stride;
        for (uint32_t x = 0; x < width; ++x) {
            const Tap &t = columns[x];
            for (size_t c = 0; c < 3; ++c) {
                const float *p = &picture[c * plane];
                const float top = p[y0 * kWidth + t.x0] * (1 - t.wx) + p[y0 * kWidth + t.x1] * t.wx;
                const float bottom = p[y1 * kWidth + t.x0] * (1 - t.wx) + p[y1 * kWidth + t.x1] * t.wx;
                row[x * 4 + c] = unitToByte(top * (1 - wy) + bottom * wy);
            }
            row[x * 4 + 3] = 255;
        }
    }
}

} // namespace mnemo::tiny_world
