// The element-wise, layout and resampling operators on the CPU, as ncnn computes them.
#include "mnemo/nn/CpuReference.hpp"

#include <algorithm>
#include <cmath>

namespace mnemo::nn::cpu {

Tensor prelu(const Tensor &in, const std::vector<float> &slopes) {
    Tensor out = in;
    for (int c = 0; c < in.c; ++c) {
        const float slope = slopes.size() > size_t(c) ? slopes[size_t(c)] : (slopes.empty() ? 0.f : slopes[0]);
        float *p = out.channel(c);
        for (size_t i = 0; i < out.plane(); ++i)
            p[i] = p[i] < 0 ? p[i] * slope : p[i];
    }
    return out;
}

Tensor relu(const Tensor &in, float slope) {
    Tensor out = in;
    for (float &v : out.data)
        v = v < 0 ? v * slope : v;
    return out;
}

Tensor sigmoid(const Tensor &in) {
    Tensor out = in;
    for (float &v : out.data)
        v = 1.f / (1.f + std::exp(-v));
    return out;
}

Tensor pixelShuffle(const Tensor &in, int r) {
    Tensor out(in.c / (r * r), in.h * r, in.w * r);
    for (int c = 0; c < out.c; ++c) {
        for (int sy = 0; sy < r; ++sy) {
            for (int sx = 0; sx < r; ++sx) {
                const int from = c * r * r + sy * r + sx;
                for (int y = 0; y < in.h; ++y) {
                    for (int x = 0; x < in.w; ++x)
                        out.at(c, y * r + sy, x * r + sx) = in.at(from, y, x);
                }
            }
        }
    }
    return out;
}

namespace {

// ncnn's linear coefficients: the source index and weight of the next pixel, half-pixel centres, clamped at edges.
void linearCoeff(int dst, float scale, int size, int &src, float &frac) {
    float f = (float(dst) + 0.5f) * scale - 0.5f;
    src = int(std::floor(f));
    frac = f - float(src);
    if (src < 0) {
        src = 0;
        frac = 0.f;
    }
    if (src >= size - 1) {
        src = std::max(0, size - 2);
        frac = size > 1 ? 1.f : 0.f;
    }
}

// Keys' cubic weights (A = -0.75, as ncnn and OpenCV) of the four taps around a fraction.
void cubicWeights(float f, float w[4]) {
    const float A = -0.75f, f0 = f + 1, f1 = f, f2 = 1 - f;
    w[0] = A * f0 * f0 * f0 - 5 * A * f0 * f0 + 8 * A * f0 - 4 * A;
    w[1] = (A + 2) * f1 * f1 * f1 - (A + 3) * f1 * f1 + 1;
    w[2] = (A + 2) * f2 * f2 * f2 - (A + 3) * f2 * f2 + 1;
    w[3] = 1.f - w[0] - w[1] - w[2];
}

// Bicubic at one output pixel, half-pixel centres; taps outside the image take the edge's value, which is what ncnn's
// folding of the weights at the borders amounts to.
float bicubicAt(const Tensor &in, int c, int y, int x, float hs, float ws) {
    const float fy = (float(y) + 0.5f) * hs - 0.5f, fx = (float(x) + 0.5f) * ws - 0.5f;
    const int sy = int(std::floor(fy)), sx = int(std::floor(fx));
    float wy[4], wx[4];
    cubicWeights(fy - float(sy), wy);
    cubicWeights(fx - float(sx), wx);
    float sum = 0;
    for (int i = 0; i < 4; ++i) {
        const int yy = std::clamp(sy - 1 + i, 0, in.h - 1);
        float row = 0;
        for (int j = 0; j < 4; ++j)
            row += wx[j] * in.at(c, yy, std::clamp(sx - 1 + j, 0, in.w - 1));
        sum += wy[i] * row;
    }
    return sum;
}

} // namespace

Tensor interp(const Tensor &in, int type, float scaleH, float scaleW, int outH, int outW) {
    if (outH <= 0) outH = int(float(in.h) * scaleH);
    if (outW <= 0) outW = int(float(in.w) * scaleW);
    Tensor out(in.c, outH, outW);
    const float hs = float(in.h) / float(outH), ws = float(in.w) / float(outW);
    for (int c = 0; c < in.c; ++c) {
        for (int y = 0; y < outH; ++y) {
            for (int x = 0; x < outW; ++x) {
                if (type == 3) {
                    out.at(c, y, x) = bicubicAt(in, c, y, x, hs, ws);
                    continue;
                }
                if (type != 2) { // nearest
                    out.at(c, y, x) =
                        in.at(c, std::min(int(float(y) * hs), in.h - 1), std::min(int(float(x) * ws), in.w - 1));
                    continue;
                }
                int sy, sx;
                float fy, fx;
                linearCoeff(y, hs, in.h, sy, fy);
                linearCoeff(x, ws, in.w, sx, fx);
                const int sy1 = std::min(sy + 1, in.h - 1), sx1 = std::min(sx + 1, in.w - 1);
                const float top = in.at(c, sy, sx) * (1 - fx) + in.at(c, sy, sx1) * fx;
                const float bottom = in.at(c, sy1, sx) * (1 - fx) + in.at(c, sy1, sx1) * fx;
                out.at(c, y, x) = top * (1 - fy) + bottom * fy;
            }
        }
    }
    return out;
}

Result<Tensor> binaryOp(const Tensor &a, const Tensor &b, int op) {
    const bool same = a.sameShape(b), perChannel = b.c == a.c && b.h * b.w == 1, scalar = b.data.size() == 1;
    if (!same && !perChannel && !scalar) {
        return Status(StatusCode::InvalidArgument, "BinaryOp: shapes " + std::to_string(a.c) + "x" +
                                                       std::to_string(a.h) + "x" + std::to_string(a.w) + " and " +
                                                       std::to_string(b.c) + "x" + std::to_string(b.h) + "x" +
                                                       std::to_string(b.w) + " do not broadcast");
    }
    if (op < 0 || op > 8) return Status(StatusCode::Unsupported, "BinaryOp: operation " + std::to_string(op));
    Tensor out = a;
    for (int c = 0; c < a.c; ++c) {
        float *p = out.channel(c);
        for (size_t i = 0; i < a.plane(); ++i) {
            const float x = p[i], y = same ? b.channel(c)[i] : perChannel ? b.data[size_t(c)] : b.data[0];
            switch (op) {
            case 0: p[i] = x + y; break;
            case 1: p[i] = x - y; break;
            case 2: p[i] = x * y; break;
            case 3: p[i] = x / y; break;
            case 4: p[i] = std::max(x, y); break;
            case 5: p[i] = std::min(x, y); break;
            case 6: p[i] = std::pow(x, y); break;
            case 7: p[i] = y - x; break;
            default: p[i] = y / x; break;
            }
        }
    }
    return out;
}

Result<Tensor> eltwise(const std::vector<const Tensor *> &in, int op, const std::vector<float> &coefficients) {
    if (in.empty()) return Status(StatusCode::InvalidArgument, "Eltwise: no inputs");
    for (const Tensor *t : in) {
        if (!t->sameShape(*in[0])) return Status(StatusCode::InvalidArgument, "Eltwise: inputs of different shapes");
    }
    Tensor out(in[0]->c, in[0]->h, in[0]->w, op == 0 ? 1.f : op == 2 ? -INFINITY : 0.f);
    for (size_t k = 0; k < in.size(); ++k) {
        const float coeff = coefficients.size() > k ? coefficients[k] : 1.f;
        for (size_t i = 0; i < out.data.size(); ++i) {
            const float v = in[k]->data[i];
            out.data[i] = op == 0 ? out.data[i] * v : op == 2 ? std::max(out.data[i], v) : out.data[i] + coeff * v;
        }
    }
    return out;
}

Result<Tensor> concatChannels(const std::vector<const Tensor *> &in) {
    if (in.empty()) return Status(StatusCode::InvalidArgument, "Concat: no inputs");
    int channels = 0;
    for (const Tensor *t : in) {
        if (t->h != in[0]->h || t->w != in[0]->w) return Status(StatusCode::InvalidArgument, "Concat: different sizes");
        channels += t->c;
    }
    Tensor out(channels, in[0]->h, in[0]->w);
    size_t at = 0;
    for (const Tensor *t : in) {
        std::copy(t->data.begin(), t->data.end(), out.data.begin() + long(at));
        at += t->data.size();
    }
    return out;
}

} // namespace mnemo::nn::cpu
