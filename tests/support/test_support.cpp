#include "test_support.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace citycheck::test {
namespace fs = std::filesystem;

fs::path testdata(const std::string& relative) {
    const char* env = std::getenv("CITYCHECK_TESTDATA");
    fs::path base = env ? fs::path(env) : fs::path(CITYCHECK_TESTDATA_DIR);
    return relative.empty() ? base : base / relative;
}

std::optional<fs::path> shared_data(const std::string& relative) {
    const char* env = std::getenv("CITYCHECK_SHARED_DATA");
    fs::path base = env ? fs::path(env) : fs::path(CITYCHECK_SHARED_DATA_DIR);
    fs::path p = relative.empty() ? base : base / relative;
    if (!fs::exists(p)) return std::nullopt;
    return fs::weakly_canonical(p);
}

TempDir::TempDir(const std::string& prefix) {
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    m_path = fs::temp_directory_path() /
             (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
    fs::create_directories(m_path);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

CommandResult run_command(const std::string& command_line) {
    TempDir tmp("citycheck-cmd");
    const fs::path out = tmp / "stdout", err = tmp / "stderr";
    const std::string full = command_line + " >" + out.string() + " 2>" + err.string() + " </dev/null";
    const int status = std::system(full.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

std::string citycheck_binary() {
    const char* env = std::getenv("CITYCHECK_BIN");
    return env ? env : CITYCHECK_BIN;
}

CommandResult run_citycheck(const std::string& args) {
    const char* env = std::getenv("CITYCHECK_BIN");
    return run_command(std::string("'") + (env ? env : CITYCHECK_BIN) + "' " + args);
}

std::optional<std::string> store_location(const std::string& backend, const TempDir& dir) {
    if (backend != "postgis") return (dir / "store.gpkg").string();
    const char* pg = std::getenv("CITYCHECK_TEST_PG");
    if (!pg || !*pg) return std::nullopt;
    return std::string(pg);
}

}  // namespace citycheck::test
