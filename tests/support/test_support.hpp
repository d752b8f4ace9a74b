#pragma once
// Helpers shared by every test binary: where test data lives, temporary folders, running the CLI.
#include <filesystem>
#include <optional>
#include <string>

namespace citycheck::test {

// testdata/<relative> in the source tree (or $CITYCHECK_TESTDATA).
std::filesystem::path testdata(const std::string& relative = "");

// ../shared/data/<relative> (or $CITYCHECK_SHARED_DATA) if it exists; nullopt otherwise.
// Tests that need it call GTEST_SKIP() with a message when it is absent.
std::optional<std::filesystem::path> shared_data(const std::string& relative = "");

// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
  public:
    explicit TempDir(const std::string& prefix = "citycheck-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const noexcept { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

  private:
    std::filesystem::path m_path;
};

struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

// Runs a shell command line, capturing stdout and stderr.
CommandResult run_command(const std::string& command_line);

// Runs the citycheck binary under test with the given arguments (already shell-quoted as needed).
CommandResult run_citycheck(const std::string& args);

// Path of the citycheck binary under test (for tests that fork/exec it themselves).
std::string citycheck_binary();

std::string read_file(const std::filesystem::path& path);

// The store location for a parameterised store test: a GeoPackage in dir for "gpkg", the
// CITYCHECK_TEST_PG connection for "postgis"; nullopt when that is not set (the test skips, with
// kNoPostgisMessage).
std::optional<std::string> store_location(const std::string& backend, const TempDir& dir);
inline constexpr const char* kNoPostgisMessage =
    "CITYCHECK_TEST_PG is not set (scripts/test.sh starts a PostGIS cluster); PostGIS store tests skipped";

}  // namespace citycheck::test
