#pragma once
// A small line-chart renderer for reports the CLI writes (no GUI toolkit in the engine): axes, grid, labelled
// series, drawn into an RGBA frame. Text uses Debian's stb_easy_font.

#include "mnemo/render/Frame.hpp"

#include <array>
#include <string>
#include <vector>

namespace mnemo::metrics {

struct PlotSeries {
    std::string label;
    std::array<uint8_t, 3> colour{255, 255, 255};
    std::vector<std::pair<double, double>> points; // (x, y), drawn in x order
    bool markers = true;
};

struct PlotSpec {
    std::string title;
    std::string xLabel;
    std::string yLabel;
    double yMin = 0, yMax = 1; // fixed y range (values outside are clamped to the frame)
    uint32_t width = 900, height = 420;
};

Frame renderPlot(const PlotSpec &spec, const std::vector<PlotSeries> &series);

} // namespace mnemo::metrics
