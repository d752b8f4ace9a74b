// Runs a command in its own process and measures it: wall time, CPU time and peak RSS (wait4), so
// that each configuration's memory is its own. Shared by the benchmarks that time the CLI.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <vector>

extern char** environ;

namespace bench {

struct Run {
    double seconds = 0;
    double cpu_seconds = 0;  // user + system: the machine is shared, so wall time alone misleads
    double max_rss_mb = 0;
    int status = 0;
};

// stderr goes to stderr_path (default /dev/null); argv[0] must be a path.
inline Run run(const std::vector<std::string>& args, const std::string& stderr_path = "/dev/null") {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
        std::perror("posix_spawn");
        std::exit(1);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    const auto t1 = std::chrono::steady_clock::now();
    posix_spawn_file_actions_destroy(&actions);
    const auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + 1e-6 * static_cast<double>(tv.tv_usec); };
    return {std::chrono::duration<double>(t1 - t0).count(), secs(usage.ru_utime) + secs(usage.ru_stime),
            static_cast<double>(usage.ru_maxrss) / 1024.0, status};
}

}  // namespace bench
