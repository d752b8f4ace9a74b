// Wall-clock stage times for the debug log and the run statistics.
#pragma once

#include <chrono>

namespace citycheck {

class Stopwatch {
  public:
    // Seconds since construction or the previous lap.
    double lap() {
        const auto now = Clock::now();
        const double s = std::chrono::duration<double>(now - m_last).count();
        m_last = now;
        return s;
    }

  private:
    using Clock = std::chrono::steady_clock;
    Clock::time_point m_last = Clock::now();
};

}  // namespace citycheck
