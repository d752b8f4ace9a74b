#pragma once
// Neumaier's compensated sum: totals exact to about one ulp whatever the number of terms, and
// deterministic for a fixed order of additions (mass-conserving aggregation relies on both).
#include <cmath>

namespace citycheck {

class CompensatedSum {
  public:
    void add(double v) noexcept {
        const double t = m_sum + v;
        m_c += std::abs(m_sum) >= std::abs(v) ? (m_sum - t) + v : (v - t) + m_sum;
        m_sum = t;
    }
    double value() const noexcept { return m_sum + m_c; }

  private:
    double m_sum = 0, m_c = 0;
};

}  // namespace citycheck
