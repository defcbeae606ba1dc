#include "mnemo/metrics/Plot.hpp"

#include <stb/stb_easy_font.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mnemo::metrics {
namespace {

struct Canvas {
    Frame &f;
    void pixel(int x, int y, std::array<uint8_t, 3> c) {
        if (x < 0 || y < 0 || x >= int(f.width) || y >= int(f.height)) return;
        uint8_t *p = f.rgba.data() + (size_t(y) * f.width + size_t(x)) * 4;
        p[0] = c[0];
        p[1] = c[1];
        p[2] = c[2];
        p[3] = 255;
    }
    void rect(int x0, int y0, int x1, int y1, std::array<uint8_t, 3> c) {
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) pixel(x, y, c);
    }
    void line(double x0, double y0, double x1, double y1, std::array<uint8_t, 3> c, int thickness = 2) {
        const int steps = int(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0))) + 1;
        for (int i = 0; i <= steps; ++i) {
            const double t = double(i) / steps;
            const int x = int(std::lround(x0 + (x1 - x0) * t)), y = int(std::lround(y0 + (y1 - y0) * t));
            rect(x - thickness / 2, y - thickness / 2, x - thickness / 2 + thickness, y - thickness / 2 + thickness, c);
        }
    }
    // stb_easy_font emits axis-aligned quads (4 vertices of x, y, z floats and a colour): fill each as a rectangle.
    void text(int x, int y, const std::string &s, std::array<uint8_t, 3> c, int scale = 1) {
        static char buffer[60000];
        std::string copy = s;
        unsigned char colour[4] = {c[0], c[1], c[2], 255};
        const int quads = stb_easy_font_print(0, 0, copy.data(), colour, buffer, sizeof buffer);
        for (int q = 0; q < quads; ++q) {
            const float *v = reinterpret_cast<const float *>(buffer + q * 64);
            const float qx0 = v[0], qy0 = v[1], qx1 = v[8], qy1 = v[9];
            rect(x + int(qx0 * scale), y + int(qy0 * scale), x + int(qx1 * scale), y + int(qy1 * scale), c);
        }
    }
};

} // namespace

Frame renderPlot(const PlotSpec &spec, const std::vector<PlotSeries> &series) {
    Frame frame;
    frame.width = spec.width;
    frame.height = spec.height;
    frame.rgba.assign(size_t(spec.width) * spec.height * 4, 0);
    Canvas c{frame};
    const std::array<uint8_t, 3> bg{24, 26, 32}, grid{52, 56, 66}, axis{170, 175, 185}, text{220, 224, 232};
    c.rect(0, 0, int(spec.width), int(spec.height), bg);

    const int left = 64, right = int(spec.width) - 20, top = 60, bottom = int(spec.height) - 48;
    double xMin = INFINITY, xMax = -INFINITY;
    for (const auto &s : series) {
        for (const auto &[x, y] : s.points) {
            xMin = std::min(xMin, x);
            xMax = std::max(xMax, x);
        }
    }
    if (!(xMax > xMin)) {
        xMin = std::isfinite(xMin) ? xMin - 1 : 0;
        xMax = xMin + 2;
    }
    auto px = [&](double x) { return left + (x - xMin) / (xMax - xMin) * (right - left); };
    auto py = [&](double y) {
        const double t = (std::clamp(y, spec.yMin, spec.yMax) - spec.yMin) / (spec.yMax - spec.yMin);
        return bottom - t * (bottom - top);
    };

    char label[64];
    for (int i = 0; i <= 5; ++i) {
        const double y = spec.yMin + (spec.yMax - spec.yMin) * i / 5.0;
        c.line(left, py(y), right, py(y), grid, 1);
        std::snprintf(label, sizeof label, "%.3g", y);
        c.text(8, int(py(y)) - 4, label, axis);
        const double x = xMin + (xMax - xMin) * i / 5.0;
        c.line(px(x), top, px(x), bottom, grid, 1);
        std::snprintf(label, sizeof label, "%.0f", x);
        c.text(int(px(x)) - 8, bottom + 8, label, axis);
    }
    c.line(left, bottom, right, bottom, axis, 1);
    c.line(left, top, left, bottom, axis, 1);
    c.text(left, 12, spec.title, text, 2);
    c.text((left + right) / 2 - 40, int(spec.height) - 20, spec.xLabel, axis);
    c.text(8, top - 16, spec.yLabel, axis);

    int legendX = right - 10;
    for (auto it = series.rbegin(); it != series.rend(); ++it) {
        legendX -= int(it->label.size()) * 6 + 30;
        c.rect(legendX, 38, legendX + 14, 46, it->colour);
        c.text(legendX + 18, 36, it->label, text);
    }
    for (const auto &s : series) {
        auto points = s.points;
        std::sort(points.begin(), points.end());
        for (size_t i = 0; i < points.size(); ++i) {
            if (i > 0) c.line(px(points[i - 1].first), py(points[i - 1].second), px(points[i].first), py(points[i].second), s.colour);
            if (s.markers) {
                const int x = int(px(points[i].first)), y = int(py(points[i].second));
                c.rect(x - 2, y - 2, x + 3, y + 3, s.colour);
            }
        }
    }
    return frame;
}

} // namespace mnemo::metrics
