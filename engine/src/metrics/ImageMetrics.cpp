#include "mnemo/metrics/ImageMetrics.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace mnemo::metrics {
namespace {

std::vector<float> luma(const Frame &f) {
    std::vector<float> y(size_t(f.width) * f.height);
    for (size_t i = 0; i < y.size(); ++i) {
        const uint8_t *p = f.rgba.data() + i * 4;
        y[i] = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
    }
    return y;
}

double ssimLuma(const Frame &a, const Frame &b) {
    constexpr int kWindow = 8, kStride = 4;
    constexpr double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
    const auto ya = luma(a), yb = luma(b);
    const int w = int(a.width), h = int(a.height);
    if (w < kWindow || h < kWindow) {
        // Too small for windows: one global window.
        double ma = 0, mb = 0;
        for (size_t i = 0; i < ya.size(); ++i) {
            ma += ya[i];
            mb += yb[i];
        }
        ma /= double(ya.size());
        mb /= double(ya.size());
        double va = 0, vb = 0, cov = 0;
        for (size_t i = 0; i < ya.size(); ++i) {
            va += (ya[i] - ma) * (ya[i] - ma);
            vb += (yb[i] - mb) * (yb[i] - mb);
            cov += (ya[i] - ma) * (yb[i] - mb);
        }
        const double n = double(ya.size());
        return ((2 * ma * mb + c1) * (2 * cov / n + c2)) / ((ma * ma + mb * mb + c1) * (va / n + vb / n + c2));
    }
    double total = 0;
    int windows = 0;
    for (int y0 = 0; y0 + kWindow <= h; y0 += kStride) {
        for (int x0 = 0; x0 + kWindow <= w; x0 += kStride) {
            double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
            for (int y = y0; y < y0 + kWindow; ++y) {
                for (int x = x0; x < x0 + kWindow; ++x) {
                    const double va = ya[size_t(y) * size_t(w) + size_t(x)], vb = yb[size_t(y) * size_t(w) + size_t(x)];
                    sa += va;
                    sb += vb;
                    saa += va * va;
                    sbb += vb * vb;
                    sab += va * vb;
                }
            }
            const double n = kWindow * kWindow;
            const double ma = sa / n, mb = sb / n;
            const double va = saa / n - ma * ma, vb = sbb / n - mb * mb, cov = sab / n - ma * mb;
            total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            ++windows;
        }
    }
    return total / windows;
}

} // namespace

Result<Comparison> compareFrames(const Frame &a, const Frame &b) {
    if (a.width != b.width || a.height != b.height) {
        return Status(StatusCode::InvalidArgument, "cannot compare a " + std::to_string(a.width) + "x" +
                                                       std::to_string(a.height) + " frame with a " +
                                                       std::to_string(b.width) + "x" + std::to_string(b.height) + " one");
    }
    const size_t pixels = size_t(a.width) * a.height;
    if (pixels == 0 || a.rgba.size() < pixels * 4 || b.rgba.size() < pixels * 4) {
        return Status(StatusCode::InvalidArgument, "cannot compare empty frames");
    }
    double sum = 0;
    for (size_t i = 0; i < pixels; ++i) {
        for (int c = 0; c < 3; ++c) {
            const double d = double(a.rgba[i * 4 + size_t(c)]) - double(b.rgba[i * 4 + size_t(c)]);
            sum += d * d;
        }
    }
    Comparison out;
    out.mse = sum / double(pixels * 3);
    out.psnr = out.mse == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(255.0 * 255.0 / out.mse);
    out.ssim = ssimLuma(a, b);
    return out;
}

} // namespace mnemo::metrics
