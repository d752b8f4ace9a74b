#pragma once
// Outputs are written to a temporary name beside the target and renamed when complete, so a failed
// run never leaves a half-written file under the final name.
#include <filesystem>

namespace citycheck {

class AtomicOutput {
  public:
    explicit AtomicOutput(std::filesystem::path target);
    ~AtomicOutput();  // removes the temporary if commit() was not called
    AtomicOutput(const AtomicOutput&) = delete;
    AtomicOutput& operator=(const AtomicOutput&) = delete;

    // Where to write: same folder and extension as the target, so drivers pick the same format.
    const std::filesystem::path& temp_path() const noexcept { return m_temp; }
    const std::filesystem::path& target() const noexcept { return m_target; }
    void commit();  // renames temp -> target; throws OutputError

  private:
    std::filesystem::path m_target;
    std::filesystem::path m_temp;
    bool m_committed = false;
};

}  // namespace citycheck
