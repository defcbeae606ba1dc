#pragma once
// Seeded random values in [-1, 1] for the neural runtime's tests (CPU reference and Vulkan kernels alike).

#include "mnemo/nn/Tensor.hpp"

#include <cstdint>
#include <random>
#include <vector>

namespace mnemo::test {

inline std::vector<float> randomValues(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    std::vector<float> v(n);
    for (float &x : v) x = u(rng);
    return v;
}

inline nn::Tensor randomTensor(int c, int h, int w, uint32_t seed) {
    nn::Tensor t(c, h, w);
    t.data = randomValues(t.data.size(), seed);
    return t;
}

} // namespace mnemo::test
