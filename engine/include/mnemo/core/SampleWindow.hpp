#pragma once
// The last N samples of a measurement (step time, latency) with percentiles. Not thread-safe: guard it.

#include <algorithm>
#include <cstddef>
#include <vector>

namespace mnemo {

class SampleWindow {
public:
    explicit SampleWindow(size_t capacity = 512) : m_capacity(capacity) { m_values.reserve(capacity); }

    void push(double v) {
        if (m_values.size() < m_capacity) {
            m_values.push_back(v);
        } else {
            m_values[m_next] = v;
        }
        m_next = (m_next + 1) % m_capacity;
        ++m_total;
    }
    size_t count() const { return m_values.size(); }
    size_t totalPushed() const { return m_total; }
    double last() const { return m_values.empty() ? 0.0 : m_values[(m_next + m_capacity - 1) % m_capacity]; }

    // p in [0, 1]; nearest-rank on the retained samples; 0 when empty.
    double percentile(double p) const {
        if (m_values.empty()) return 0.0;
        std::vector<double> sorted = m_values;
        const size_t rank = std::min(sorted.size() - 1, size_t(p * double(sorted.size() - 1) + 0.5));
        std::nth_element(sorted.begin(), sorted.begin() + long(rank), sorted.end());
        return sorted[rank];
    }
    double mean() const {
        if (m_values.empty()) return 0.0;
        double s = 0;
        for (double v : m_values) s += v;
        return s / double(m_values.size());
    }
    // Oldest-first copy, for graphs.
    std::vector<float> ordered() const {
        std::vector<float> out;
        out.reserve(m_values.size());
        const size_t start = m_values.size() < m_capacity ? 0 : m_next;
        for (size_t i = 0; i < m_values.size(); ++i) out.push_back(float(m_values[(start + i) % m_values.size()]));
        return out;
    }
    void clear() {
        m_values.clear();
        m_next = 0;
    }

private:
    size_t m_capacity;
    std::vector<double> m_values;
    size_t m_next = 0;
    size_t m_total = 0;
};

} // namespace mnemo
