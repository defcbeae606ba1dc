#pragma once
// Frame comparison metrics for revisit and temporal-consistency evaluation.
// PSNR over RGB with a data range of 255 (identical frames give +infinity); SSIM on BT.601 luma with 8x8 windows at
// a stride of 4 and the usual constants (K1 = 0.01, K2 = 0.03), averaged over windows.

#include "mnemo/core/Status.hpp"
#include "mnemo/render/Frame.hpp"

namespace mnemo::metrics {

struct Comparison {
    double mse = 0;  // mean squared error per RGB channel value
    double psnr = 0; // dB; +inf when mse == 0
    double ssim = 0; // [-1, 1], 1 when identical
};

// Errors when the frames differ in size or are empty.
Result<Comparison> compareFrames(const Frame &a, const Frame &b);

} // namespace mnemo::metrics
