#pragma once
// `citycheck run`: zones → indicators (independent ones in parallel, derived ones after their
// operands) → four-level roll-up → scores → outputs written into a temporary folder that replaces
// the output folder only when everything succeeded.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <citycheck/core/progress.hpp>
#include <citycheck/engine/config.hpp>
#include <citycheck/engine/primitive.hpp>
#include <citycheck/engine/result_table.hpp>
#include <citycheck/engine/scorer.hpp>
#include <citycheck/engine/zones.hpp>

namespace citycheck::engine {

struct RunOptions {
    bool keep_going = false;                     // failing indicators are marked failed; the run finishes
    std::optional<std::filesystem::path> out_dir;  // overrides outputs.dir
    std::optional<bool> csv_bom;                 // overrides outputs.csv_bom
    bool write = true;                           // false: compute and score only (tests, tools)
    Progress progress;
    const PrimitiveRegistry* registry = nullptr;  // default: PrimitiveRegistry::builtin()
};

struct RunResult {
    ZoneSet zones;
    ResultTable table;                            // in config order
    std::vector<std::vector<ZoneScore>> scores;   // [level position][zone position]
    std::vector<TilingIssue> tiling;
    std::vector<std::string> warnings;
    std::vector<std::pair<std::string, double>> stage_seconds;  // in order
    std::size_t failed = 0;
    std::filesystem::path out_dir;
    std::vector<std::filesystem::path> files;     // written, final paths
};

// Computes every configured indicator on zones. Without keep_going the first failure (in config
// order within a wave) is rethrown as an Error naming the indicator.
ResultTable compute_indicators(const HealthCheckConfig& config, const ZoneSet& zones, const PrimitiveRegistry& registry,
                               bool keep_going, const Progress& progress = {});

// Scores every zone of every level.
std::vector<std::vector<ZoneScore>> score_results(const HealthCheckConfig& config, const ZoneSet& zones,
                                                  const ResultTable& table, const SurveyTable* survey);

// The whole run. Throws on failure (nothing is written); with keep_going, failed indicators are
// counted in RunResult::failed (the CLI exits 5).
RunResult run_healthcheck(const HealthCheckConfig& config, const RunOptions& options);

// Writers (outputs.cpp): every file into dir.
std::vector<std::filesystem::path> write_run_outputs(const HealthCheckConfig& config, const RunResult& result,
                                                     const std::filesystem::path& dir, bool csv_bom,
                                                     const nlohmann::json& provenance);

}  // namespace citycheck::engine
