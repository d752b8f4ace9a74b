#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>

#include <atomic>
#include <unistd.h>

namespace citycheck {
namespace fs = std::filesystem;

AtomicOutput::AtomicOutput(fs::path target) : m_target(std::move(target)) {
    static std::atomic<unsigned> counter{0};
    const auto dir = m_target.has_parent_path() ? m_target.parent_path() : fs::path(".");
    if (!fs::is_directory(dir))
        throw OutputError("output folder does not exist; create it first", {.file = dir.string()});
    m_temp = dir / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                    m_target.filename().string());
    std::error_code ec;
    fs::remove(m_temp, ec);
}

AtomicOutput::~AtomicOutput() {
    if (m_committed) return;
    std::error_code ec;
    fs::remove(m_temp, ec);
}

void AtomicOutput::commit() {
    std::error_code ec;
    fs::rename(m_temp, m_target, ec);
    if (ec) throw OutputError("cannot move the finished output into place: " + ec.message(), {.file = m_target.string()});
    m_committed = true;
}

}  // namespace citycheck
