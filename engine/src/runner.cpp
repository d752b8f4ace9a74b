// The run: plan waves of independent indicators, compute them in parallel, roll up, score, write.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/primitive_params.hpp>
#include <citycheck/engine/runner.hpp>
#include <citycheck/engine/sha256.hpp>
#include <citycheck/engine/versions.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <map>
#include <unistd.h>

#include <tbb/parallel_for.h>

namespace citycheck::engine {

namespace fs = std::filesystem;

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Wave of each indicator: 0 without operands, else 1 + the deepest operand's wave.
std::vector<int> plan_waves(const HealthCheckConfig& config) {
    const auto& inds = config.indicators;
    std::map<std::string, std::size_t> pos;
    for (std::size_t i = 0; i < inds.size(); ++i) pos[inds[i].spec.id] = i;
    std::vector<int> wave(inds.size(), -1);
    std::function<int(std::size_t, int)> depth = [&](std::size_t i, int guard) -> int {
        if (wave[i] >= 0) return wave[i];
        if (guard > static_cast<int>(inds.size())) throw UsageError("indicator '" + inds[i].spec.id + "' depends on itself");
        int w = 0;
        for (const auto& ref : indicator_refs(inds[i].spec.primitive, inds[i].spec.params)) {
            auto it = pos.find(ref);
            if (it == pos.end()) throw UsageError("indicator '" + inds[i].spec.id + "' uses '" + ref + "', which is not configured");
            w = std::max(w, depth(it->second, guard + 1) + 1);
        }
        return wave[i] = w;
    };
    for (std::size_t i = 0; i < inds.size(); ++i) depth(i, 0);
    return wave;
}

IndicatorResult compute_one(const ConfiguredIndicator& ind, const Primitive& prim, const RunContext& ctx) {
    IndicatorResult r;
    r.id = ind.spec.id;
    const double scale = prim.scaled() ? ind.spec.scale() : 1.0;
    if (prim.derived()) {
        r.extensive = false;
        for (std::size_t k = 0; k < ctx.zones.levels().size(); ++k) {
            const auto v = prim.compute_level(ind.spec, ctx, k);
            std::vector<ZoneResult> level;
            for (std::size_t z = 0; z < v.numerator.size(); ++z)
                level.push_back(make_result(v.numerator[z], v.has_denominator ? v.denominator[z] : NaN, v.has_denominator, scale));
            r.levels.push_back(std::move(level));
            r.warnings.insert(r.warnings.end(), v.warnings.begin(), v.warnings.end());
        }
    } else {
        const auto v = prim.compute(ind.spec, ctx);
        r.extensive = !v.has_denominator;
        r.levels = roll_up(v, ctx.zones, scale);
        r.warnings = v.warnings;
        r.service_areas = v.service_areas;
    }
    std::size_t zero = 0, missing = 0;
    for (const auto& z : r.levels.back()) {
        if (z.note == "zero denominator") ++zero;
        if (z.note == "missing data") ++missing;
    }
    if (zero) r.warnings.push_back(std::to_string(zero) + " finest zones have a zero denominator (no value)");
    if (missing) r.warnings.push_back(std::to_string(missing) + " finest zones have missing data (no value)");
    return r;
}
}  // namespace

ResultTable compute_indicators(const HealthCheckConfig& config, const ZoneSet& zones, const PrimitiveRegistry& registry,
                               bool keep_going, const Progress& progress) {
    const auto waves = plan_waves(config);
    const int n_waves = waves.empty() ? 0 : *std::max_element(waves.begin(), waves.end()) + 1;
    Intermediates cache;
    ResultTable done;  // grows wave by wave; read-only while a wave runs
    std::vector<IndicatorResult> results(config.indicators.size());
    std::size_t finished = 0;
    for (int w = 0; w < n_waves; ++w) {
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < waves.size(); ++i)
            if (waves[i] == w) members.push_back(i);
        const RunContext ctx{config, zones, cache, done, Progress()};
        tbb::parallel_for(std::size_t(0), members.size(), [&](std::size_t m) {
            const auto& ind = config.indicators[members[m]];
            auto& slot = results[members[m]];
            const auto t0 = Clock::now();
            try {
                for (const auto& ref : indicator_refs(ind.spec.primitive, ind.spec.params))
                    if (const auto* op = done.find(ref); op && op->state == IndicatorState::failed)
                        throw UsageError("operand indicator '" + ref + "' failed");
                const auto* prim = registry.find(ind.spec.primitive);
                if (!prim) throw UsageError("primitive '" + ind.spec.primitive + "' is not registered in this build");
                slot = compute_one(ind, *prim, ctx);
            } catch (const Error& e) {
                slot = IndicatorResult{};
                slot.id = ind.spec.id;
                slot.state = IndicatorState::failed;
                slot.failure = e.what();
                slot.failure_code = static_cast<int>(e.code());
            } catch (const std::exception& e) {
                slot = IndicatorResult{};
                slot.id = ind.spec.id;
                slot.state = IndicatorState::failed;
                slot.failure = e.what();
                slot.failure_code = static_cast<int>(ErrorCode::internal);
            }
            slot.seconds = seconds_since(t0);
        });
        for (auto i : members) {
            auto& r = results[i];
            if (r.state == IndicatorState::failed) {
                if (!keep_going) {
                    const auto& spec = config.indicators[i].spec;
                    throw Error(static_cast<ErrorCode>(r.failure_code),
                                "indicator '" + spec.id + "' (" + spec.name.zh + ") failed: " + r.failure +
                                    "\nnothing was written; fix it, disable it (enabled: false) or use --keep-going");
                }
                // Empty levels so that writers and scorers see "failed" everywhere.
                r.levels.assign(zones.levels().size(), {});
                for (std::size_t k = 0; k < zones.levels().size(); ++k)
                    r.levels[k].assign(zones.levels()[k].zones.size(), ZoneResult{NaN, NaN, NaN, "failed"});
            }
            done.add(r);
            progress.report(static_cast<double>(++finished) / static_cast<double>(config.indicators.size()), "indicators");
        }
    }
    ResultTable table;  // config order
    for (auto& r : results) table.add(std::move(r));
    return table;
}

std::vector<std::vector<ZoneScore>> score_results(const HealthCheckConfig& config, const ZoneSet& zones,
                                                  const ResultTable& table, const SurveyTable* survey) {
    std::vector<std::vector<ZoneScore>> out(zones.levels().size());
    for (std::size_t k = 0; k < zones.levels().size(); ++k) {
        const auto& level = zones.levels()[k];
        for (std::size_t z = 0; z < level.zones.size(); ++z) {
            std::vector<ScoreItem> items;
            for (std::size_t i = 0; i < config.indicators.size(); ++i) {
                const auto& r = table.results()[i];
                ScoreItem item;
                item.spec = &config.indicators[i].spec;
                item.weight = config.indicators[i].weight;
                item.failed = r.state == IndicatorState::failed;
                item.value = item.failed ? NaN : r.levels[k][z].value;
                items.push_back(item);
            }
            out[k].push_back(score_zone(items, config.scoring, survey, level_zh(level.level), level.zones[z].id));
        }
    }
    return out;
}

namespace {
nlohmann::json file_checksums(const fs::path& path) {
    auto entry = [](const fs::path& p) {
        return nlohmann::json{{"path", p.string()}, {"bytes", fs::file_size(p)}, {"sha256", sha256_file(p)}};
    };
    nlohmann::json files = nlohmann::json::array();
    if (fs::is_directory(path)) {  // FileGDB and similar folder datasets
        std::vector<fs::path> all;
        for (const auto& e : fs::recursive_directory_iterator(path))
            if (e.is_regular_file()) all.push_back(e.path());
        std::sort(all.begin(), all.end());
        for (const auto& p : all) files.push_back(entry(p));
    } else if (fs::exists(path)) {
        files.push_back(entry(path));
        if (path.extension() == ".shp")  // the sidecars carry attributes, index, CRS and encoding
            for (const char* ext : {".dbf", ".shx", ".prj", ".cpg"}) {
                auto side = path;
                side.replace_extension(ext);
                if (fs::exists(side)) files.push_back(entry(side));
            }
    }
    return files;
}

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

nlohmann::json make_provenance(const HealthCheckConfig& config, const RunResult& r, const std::string& started,
                               const std::map<std::string, double>& seconds) {
    nlohmann::json p;
    p["tool"] = "citycheck run";
    p["started_utc"] = started;
    p["finished_utc"] = utc_now();
    nlohmann::json versions = nlohmann::json::object();
    for (const auto& v : component_versions()) versions[v.name] = v.version;
    p["versions"] = versions;
    p["catalog"] = Catalog::builtin().origin();
    p["healthcheck"] = {{"path", config.file.string()}, {"sha256", sha256_file(config.file)}, {"city", config.city}, {"year", config.year}};
    p["working_crs"] = r.zones.crs().to_user_string();
    nlohmann::json zones = nlohmann::json::array();
    for (const auto& z : config.zones)
        zones.push_back({{"level", level_zh(z.level)}, {"layer", z.layer}, {"id_field", z.id_field}, {"files", file_checksums(z.path)}});
    p["zones"] = zones;
    nlohmann::json datasets = nlohmann::json::object();
    for (const auto& [name, d] : config.datasets)
        datasets[name] = {{"role", d.role}, {"layer", d.layer}, {"where", d.where}, {"files", file_checksums(d.path)}};
    p["datasets"] = datasets;
    nlohmann::json inds = nlohmann::json::array();
    for (std::size_t i = 0; i < config.indicators.size(); ++i) {
        const auto& ci = config.indicators[i];
        const auto& res = r.table.results()[i];
        auto j = to_json(ci.spec);
        j["weight"] = ci.weight;
        j["overridden"] = ci.overridden;
        j["state"] = res.state == IndicatorState::ok ? "ok" : "failed";
        if (res.state == IndicatorState::failed) j["failure"] = res.failure;
        j["seconds"] = res.seconds;
        j["warnings"] = res.warnings;
        inds.push_back(j);
    }
    p["indicators"] = inds;
    p["scoring"] = {{"tolerance", config.scoring.tolerance},
                    {"grades", {{"优", config.scoring.grade_excellent}, {"良", config.scoring.grade_good}, {"中", config.scoring.grade_fair}}},
                    {"survey", config.scoring.survey ? nlohmann::json{{"path", config.scoring.survey->path.string()},
                                                                      {"weight", config.scoring.survey->weight},
                                                                      {"sha256", sha256_file(config.scoring.survey->path)}}
                                                     : nlohmann::json(nullptr)}};
    nlohmann::json stages = nlohmann::json::object();
    for (const auto& [k, v] : seconds) stages[k] = v;
    p["seconds"] = stages;
    p["warnings"] = r.warnings;
    nlohmann::json tiling = nlohmann::json::array();
    for (const auto& t : r.tiling)
        tiling.push_back({{"level", level_zh(t.level)}, {"zone_id", t.parent_id}, {"gap_m2", t.gap_m2}, {"overlap_m2", t.overlap_m2}, {"outside_m2", t.outside_m2}});
    p["tiling_issues"] = tiling;
    p["failed_indicators"] = r.failed;
    return p;
}

// Writes into a fresh sibling folder and swaps it in only when complete.
std::vector<fs::path> write_atomically(const HealthCheckConfig& config, const RunResult& result, const fs::path& target,
                                       bool bom, const nlohmann::json& provenance) {
    const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw OutputError("cannot create the output folder's parent: " + ec.message(), ErrorContext{parent.string()});
    const std::string tag = std::to_string(::getpid());
    const fs::path tmp = parent / ("." + target.filename().string() + ".tmp-" + tag);
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) throw OutputError("cannot create a temporary output folder: " + ec.message(), ErrorContext{tmp.string()});
    std::vector<fs::path> files;
    try {
        files = write_run_outputs(config, result, tmp, bom, provenance);
        const fs::path old = parent / ("." + target.filename().string() + ".old-" + tag);
        if (fs::exists(target)) fs::rename(target, old);
        fs::rename(tmp, target);
        fs::remove_all(old, ec);
    } catch (const fs::filesystem_error& e) {
        fs::remove_all(tmp, ec);
        throw OutputError(std::string("cannot write the outputs: ") + e.what(), ErrorContext{target.string()});
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    for (auto& f : files) f = target / f.filename();
    return files;
}
}  // namespace

RunResult run_healthcheck(const HealthCheckConfig& config, const RunOptions& options) {
    const auto& registry = options.registry ? *options.registry : PrimitiveRegistry::builtin();
    const std::string started = utc_now();
    std::map<std::string, double> seconds;
    RunResult r;
    auto t = Clock::now();
    const auto crs = working_crs(config);
    r.zones = ZoneSet::load(config, crs);
    seconds["zones"] = seconds_since(t);
    options.progress.scaled(0.0, 0.05).report(1.0, "zones");

    t = Clock::now();
    r.tiling = check_tiling(r.zones, 1e-6);
    for (const auto& ti : r.tiling) r.warnings.push_back("tiling: " + ti.to_string());
    seconds["tiling_check"] = seconds_since(t);

    t = Clock::now();
    r.table = compute_indicators(config, r.zones, registry, options.keep_going, options.progress.scaled(0.05, 0.9));
    seconds["indicators"] = seconds_since(t);
    for (const auto& res : r.table.results()) {
        seconds["indicator:" + res.id] = res.seconds;
        for (const auto& w : res.warnings) r.warnings.push_back(res.id + ": " + w);
        if (res.state == IndicatorState::failed) {
            ++r.failed;
            r.warnings.push_back(res.id + ": FAILED: " + res.failure);
        }
    }

    t = Clock::now();
    std::optional<SurveyTable> survey;
    if (config.scoring.survey) survey = load_survey_csv(config.scoring.survey->path);
    r.scores = score_results(config, r.zones, r.table, survey ? &*survey : nullptr);
    seconds["scoring"] = seconds_since(t);

    r.out_dir = options.out_dir ? *options.out_dir : config.outputs.dir;
    if (options.write) {
        t = Clock::now();
        const bool bom = options.csv_bom.value_or(config.outputs.csv_bom);
        auto provenance = make_provenance(config, r, started, seconds);
        r.files = write_atomically(config, r, r.out_dir, bom, provenance);
        seconds["outputs"] = seconds_since(t);
    }
    options.progress.report(1.0, "done");
    for (const auto& [k, v] : seconds) r.stage_seconds.emplace_back(k, v);
    return r;
}

}  // namespace citycheck::engine
