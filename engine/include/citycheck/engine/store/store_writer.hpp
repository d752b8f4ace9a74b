#pragma once
// Writing one run into the store (`citycheck run --store`): everything in one transaction; the
// earlier current run of the same city and year is marked superseded (kept, never deleted).
#include <string>

#include <citycheck/engine/config.hpp>
#include <citycheck/engine/runner.hpp>

namespace citycheck::engine::store {

struct StoreWriteOptions {
    std::string started;        // UTC ISO 8601 start of the run; empty: now
    std::string source = "run";
    std::string provenance;     // the run's provenance.json (stored as document 'provenance'); empty: none
};

// Writes the run; returns its run id. Throws OutputError (nothing stored) on failure.
// Test hook: with CITYCHECK_TEST_STORE_PAUSE=<file> set, the writer creates <file> in the middle
// of the transaction and sleeps, so that tests can kill the process there.
std::string write_run(const std::string& location, const HealthCheckConfig& config, const RunResult& result,
                      const StoreWriteOptions& options = {});

std::string utc_now_iso();
std::string new_run_id(const std::string& city, int year);

}  // namespace citycheck::engine::store
