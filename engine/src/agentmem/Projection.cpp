#include "mnemo/agentmem/Projection.hpp"

#include <cmath>
#include <random>

namespace mnemo::agentmem {

Projection2D projectPca2D(const std::vector<float> &data, int dim, int64_t maxSample) {
    Projection2D out;
    if (dim <= 0) return out;
    const size_t n = data.size() / size_t(dim);
    out.xy.assign(n * 2, 0.0f);
    if (n == 0) return out;
    std::vector<double> mean(static_cast<size_t>(dim), 0.0);
    for (size_t i = 0; i < n; ++i)
        for (int d = 0; d < dim; ++d) mean[size_t(d)] += data[i * size_t(dim) + size_t(d)];
    for (double &m : mean) m /= double(n);

    // Covariance from an even sample.
    size_t stride = std::max<size_t>(1, n / size_t(std::max<int64_t>(1, maxSample)));
    std::vector<double> cov(size_t(dim) * size_t(dim), 0.0);
    std::vector<double> c(static_cast<size_t>(dim));
    size_t used = 0;
    for (size_t i = 0; i < n; i += stride, ++used) {
        for (int d = 0; d < dim; ++d) c[size_t(d)] = data[i * size_t(dim) + size_t(d)] - mean[size_t(d)];
        for (int a = 0; a < dim; ++a) {
            double ca = c[size_t(a)];
            if (ca == 0) continue;
            double *row = &cov[size_t(a) * size_t(dim)];
            for (int b = 0; b < dim; ++b) row[b] += ca * c[size_t(b)];
        }
    }
    double trace = 0;
    for (int d = 0; d < dim; ++d) trace += cov[size_t(d) * size_t(dim) + size_t(d)];

    std::vector<std::vector<double>> axes;
    std::mt19937 rng(11);
    std::normal_distribution<double> normal;
    for (int k = 0; k < 2; ++k) {
        std::vector<double> v(static_cast<size_t>(dim));
        for (double &x : v) x = normal(rng);
        double lambda = 0;
        for (int iter = 0; iter < 100; ++iter) {
            for (const auto &a : axes) { // deflate: stay orthogonal to the axes found so far
                double p = 0;
                for (int d = 0; d < dim; ++d) p += v[size_t(d)] * a[size_t(d)];
                for (int d = 0; d < dim; ++d) v[size_t(d)] -= p * a[size_t(d)];
            }
            std::vector<double> w(static_cast<size_t>(dim), 0.0);
            for (int a = 0; a < dim; ++a) {
                const double *row = &cov[size_t(a) * size_t(dim)];
                double s = 0;
                for (int b = 0; b < dim; ++b) s += row[b] * v[size_t(b)];
                w[size_t(a)] = s;
            }
            double norm = 0;
            for (double x : w) norm += x * x;
            norm = std::sqrt(norm);
            if (norm < 1e-20) break;
            lambda = norm;
            for (int d = 0; d < dim; ++d) v[size_t(d)] = w[size_t(d)] / norm;
        }
        axes.push_back(v);
        out.explained[k] = trace > 0 ? float(lambda / trace) : 0.0f;
    }
    for (size_t i = 0; i < n; ++i) {
        double x = 0, y = 0;
        for (int d = 0; d < dim; ++d) {
            double c0 = data[i * size_t(dim) + size_t(d)] - mean[size_t(d)];
            x += c0 * axes[0][size_t(d)];
            y += c0 * axes[1][size_t(d)];
        }
        out.xy[i * 2] = float(x);
        out.xy[i * 2 + 1] = float(y);
    }
    return out;
}

} // namespace mnemo::agentmem
