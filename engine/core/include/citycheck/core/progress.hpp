#pragma once
// Progress reporting that can cancel. Library code receives a Progress and reports fractions in
// [0, 1] with a stage text; the callback returns false to cancel, which throws Cancelled.
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace citycheck {

using ProgressFn = std::function<bool(double fraction, std::string_view stage)>;

class Progress {
  public:
    Progress() = default;  // silent, never cancels
    explicit Progress(ProgressFn fn) : m_fn(std::move(fn)) {}

    // Reports fraction (of this Progress' range) and throws Cancelled if the callback says stop.
    void report(double fraction, std::string_view stage) const;

    // A child covering [begin, end] of this one's range (GDAL's scaled progress).
    Progress scaled(double begin, double end) const;

    // The same progress, also cancelled as soon as `stop` is set (e.g. by a sibling task that
    // failed): its next report throws Cancelled. `stop` must outlive it.
    Progress until(const std::atomic<bool>& stop) const;

  private:
    ProgressFn m_fn;
    double m_begin = 0.0;
    double m_end = 1.0;
};

// Counts finished work items from many threads and forwards throttled reports (one per percent)
// to a Progress under a mutex. A cancel is remembered and raised on the next step().
class ProgressCounter {
  public:
    ProgressCounter(const Progress& progress, std::size_t total, std::string stage);
    void step(std::size_t n = 1);  // thread-safe; throws Cancelled once cancelled
    bool cancelled() const noexcept { return m_cancelled.load(); }

  private:
    const Progress& m_progress;
    std::size_t m_total;
    std::string m_stage;
    std::atomic<std::size_t> m_done{0};
    std::atomic<bool> m_cancelled{false};
    std::mutex m_mutex;
    int m_last_percent = -1;
};

}  // namespace citycheck
