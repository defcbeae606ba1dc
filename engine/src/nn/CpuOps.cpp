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

Tensor swish(const Tensor &in) {
    Tensor out = in;
    for (float &v : out.data)
        v = v / (1.f + std::exp(-v));
    return out;
}

Result<Tensor> groupNorm(const Tensor &in, int groups, float eps, const std::vector<float> &gamma,
                         const std::vector<float> &beta) {
    if (groups <= 0 || in.c % groups != 0) {
        return Status(StatusCode::InvalidArgument, std::to_string(in.c) + " channels do not split into " +
                                                       std::to_string(groups) + " groups");
    }
    const bool affine = !gamma.empty() || !beta.empty();
    if (affine && (gamma.size() != size_t(in.c) || beta.size() != size_t(in.c))) {
        return Status(StatusCode::InvalidArgument, "the scale and shift need one value per channel (" +
                                                       std::to_string(in.c) + ")");
    }
    Tensor out = in;
    const size_t plane = size_t(in.h) * size_t(in.w), span = plane * size_t(in.c / groups);
    for (int g = 0; g < groups; ++g) {
        const float *x = &in.data[size_t(g) * span];
        double sum = 0, squares = 0;
        for (size_t i = 0; i < span; ++i) sum += x[i];
        const double mean = sum / double(span);
        for (size_t i = 0; i < span; ++i) squares += (x[i] - mean) * (x[i] - mean);
        const double scale = 1.0 / std::sqrt(squares / double(span) + double(eps));
        for (size_t i = 0; i < span; ++i) {
            const size_t c = (size_t(g) * span + i) / plane;
            const double v = (x[i] - mean) * scale;
            out.data[size_t(g) * span + i] = affine ? float(v * gamma[c] + beta[c]) : float(v);
        }
    }
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

BinaryShape binaryShape(int ac, int ah, int aw, int bc, int bh, int bw) {
    BinaryShape s;
    const bool aPlane = ah * aw > 1, bPlane = bh * bw > 1;
    s.c = std::max(ac, bc);
    s.h = aPlane ? ah : bh;
    s.w = aPlane ? aw : bw;
    auto spread = [&](int c, int h, int w) {
        if (c == s.c && h == s.h && w == s.w) return Spread::Same;
        if (c == 1 && h * w == 1) return Spread::Scalar;
        if (c == s.c && h * w == 1) return Spread::PerChannel;
        if (c == 1 && h == s.h && w == s.w) return Spread::Plane;
        return Spread::None;
    };
    s.a = spread(ac, ah, aw);
    s.b = spread(bc, bh, bw);
    s.ok = s.a != Spread::None && s.b != Spread::None && !(aPlane && bPlane && (ah != bh || aw != bw));
    return s;
}

size_t spreadIndex(Spread spread, int c, size_t i, size_t plane) {
    switch (spread) {
    case Spread::Same: return size_t(c) * plane + i;
    case Spread::PerChannel: return size_t(c);
    case Spread::Plane: return i;
    default: return 0;
    }
}

Result<Tensor> binaryOp(const Tensor &a, const Tensor &b, int op) {
    const BinaryShape shape = binaryShape(a.c, a.h, a.w, b.c, b.h, b.w);
    if (!shape.ok) {
        return Status(StatusCode::InvalidArgument, "BinaryOp: shapes " + std::to_string(a.c) + "x" +
                                                       std::to_string(a.h) + "x" + std::to_string(a.w) + " and " +
                                                       std::to_string(b.c) + "x" + std::to_string(b.h) + "x" +
                                                       std::to_string(b.w) + " do not broadcast");
    }
    if (op < 0 || op > 8) return Status(StatusCode::Unsupported, "BinaryOp: operation " + std::to_string(op));
    Tensor out(shape.c, shape.h, shape.w);
    const size_t plane = out.plane();
    for (int c = 0; c < out.c; ++c) {
        float *p = out.channel(c);
        for (size_t i = 0; i < plane; ++i) {
            const float x = a.data[spreadIndex(shape.a, c, i, plane)], y = b.data[spreadIndex(shape.b, c, i, plane)];
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

CropRange cropRange(int c, int h, int w, const std::vector<int> &starts, const std::vector<int> &ends,
                    const std::vector<int> &axes) {
    CropRange r;
    if (starts.size() != ends.size() || (!axes.empty() && starts.size() != axes.size()) || starts.empty() ||
        starts.size() > 3) {
        r.error = "Crop: starts, ends (and axes, when given) must be as many, one to three";
        return r;
    }
    int from[3] = {0, 0, 0}, to[3] = {c, h, w};
    for (size_t i = 0; i < starts.size(); ++i) {
        const int axis = axes.empty() ? int(i) : axes[i] < 0 ? axes[i] + 3 : axes[i]; // no axes: all, in order
        if (axis < 0 || axis > 2) {
            r.error = "Crop: axis " + std::to_string(axes.empty() ? int(i) : axes[i]);
            return r;
        }
        // ncnn's reading: -233 is the start or the end; a negative value counts from the end, and so does an end of 0.
        const int size = to[axis];
        const int start = starts[i] == -233 ? 0 : starts[i] < 0 ? starts[i] + size : starts[i];
        const int end = ends[i] == -233 ? size : ends[i] > 0 ? ends[i] : ends[i] + size;
        from[axis] = std::clamp(start, 0, size);
        to[axis] = std::clamp(end, from[axis], size);
    }
    r.c0 = from[0], r.y0 = from[1], r.x0 = from[2];
    r.c = to[0] - from[0], r.h = to[1] - from[1], r.w = to[2] - from[2];
    if (r.c == 0 || r.h == 0 || r.w == 0) r.error = "Crop: the range is empty";
    return r;
}

Result<Tensor> crop(const Tensor &in, const std::vector<int> &starts, const std::vector<int> &ends,
                    const std::vector<int> &axes) {
    const CropRange r = cropRange(in.c, in.h, in.w, starts, ends, axes);
    if (!r.error.empty()) return Status(StatusCode::InvalidArgument, r.error);
    Tensor out(r.c, r.h, r.w);
    for (int ch = 0; ch < out.c; ++ch)
        for (int y = 0; y < out.h; ++y)
            for (int x = 0; x < out.w; ++x)
                out.at(ch, y, x) = in.at(ch + r.c0, y + r.y0, x + r.x0);
    return out;
}

Result<Tensor> warp(const Tensor &image, const Tensor &flow) {
    if (flow.c != 2 || flow.h != image.h || flow.w != image.w) {
        return Status(StatusCode::InvalidArgument, "rife.Warp: the flow must have 2 channels of the image's size");
    }
    Tensor out(image.c, image.h, image.w);
    for (int y = 0; y < image.h; ++y) {
        for (int x = 0; x < image.w; ++x) {
            const float sx = float(x) + flow.at(0, y, x), sy = float(y) + flow.at(1, y, x);
            // The corners are clamped before the weights are taken, so a sample past the border extrapolates from
            // the edge pixels, as rife-ncnn-vulkan's Warp does.
            const int x0 = std::clamp(int(std::floor(sx)), 0, image.w - 1),
                      x1 = std::clamp(int(std::floor(sx)) + 1, 0, image.w - 1);
            const int y0 = std::clamp(int(std::floor(sy)), 0, image.h - 1),
                      y1 = std::clamp(int(std::floor(sy)) + 1, 0, image.h - 1);
            const float alpha = sx - float(x0), beta = sy - float(y0);
            for (int ch = 0; ch < image.c; ++ch) {
                const float top = image.at(ch, y0, x0) * (1.f - alpha) + image.at(ch, y0, x1) * alpha;
                const float bottom = image.at(ch, y1, x0) * (1.f - alpha) + image.at(ch, y1, x1) * alpha;
                out.at(ch, y, x) = top * (1.f - beta) + bottom * beta;
            }
        }
    }
    return out;
}

} // namespace mnemo::nn::cpu
