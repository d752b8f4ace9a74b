#include <citycheck/core/error.hpp>
#include <citycheck/core/progress.hpp>

#include <algorithm>

namespace citycheck {

void Progress::report(double fraction, std::string_view stage) const {
    if (!m_fn) return;
    const double f = std::clamp(fraction, 0.0, 1.0);
    if (!m_fn(m_begin + f * (m_end - m_begin), stage)) throw Cancelled();
}

Progress Progress::scaled(double begin, double end) const {
    Progress child = *this;
    child.m_begin = m_begin + begin * (m_end - m_begin);
    child.m_end = m_begin + end * (m_end - m_begin);
    return child;
}

Progress Progress::until(const std::atomic<bool>& stop) const {
    return Progress([parent = *this, &stop](double fraction, std::string_view stage) {
        if (stop.load()) return false;
        parent.report(fraction, stage);
        return true;
    });
}

ProgressCounter::ProgressCounter(const Progress& progress, std::size_t total, std::string stage)
    : m_progress(progress), m_total(std::max<std::size_t>(total, 1)), m_stage(std::move(stage)) {}

void ProgressCounter::step(std::size_t n) {
    if (m_cancelled.load()) throw Cancelled();
    const std::size_t done = m_done.fetch_add(n) + n;
    const int percent = static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(m_total));
    std::lock_guard lock(m_mutex);
    if (percent <= m_last_percent) return;
    m_last_percent = percent;
    try {
        m_progress.report(static_cast<double>(done) / static_cast<double>(m_total), m_stage);
    } catch (const Cancelled&) {
        m_cancelled.store(true);
        throw;
    }
}

}  // namespace citycheck
