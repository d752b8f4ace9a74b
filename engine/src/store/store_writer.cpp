// One run → the store, in one transaction (see docs/store.md: transactions and supersession).
#include <citycheck/core/error.hpp>
#include <citycheck/engine/service_areas.hpp>
#include <citycheck/engine/sha256.hpp>
#include <citycheck/engine/store/store_db.hpp>
#include <citycheck/engine/store/store_writer.hpp>
#include <citycheck/engine/versions.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <limits>
#include <random>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace citycheck::engine::store {

std::string utc_now_iso() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string new_run_id(const std::string& city, int year) {
    // Unique without a central sequence, so that writers on one PostgreSQL server never collide.
    std::random_device rd;
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const std::string seed = city + "|" + std::to_string(year) + "|" + std::to_string(now.count()) + "|" +
                             std::to_string(::getpid()) + "|" + std::to_string(rd()) + std::to_string(rd());
    return std::to_string(year) + "-" + sha256_hex(seed).substr(0, 16);
}

namespace {
void set(OGRFeature& f, const char* name, const std::string& v) { f.SetField(name, v.c_str()); }
void set(OGRFeature& f, const char* name, double v) {
    if (std::isfinite(v))
        f.SetField(name, v);
    else
        f.SetFieldNull(f.GetFieldIndex(name));
}
void set(OGRFeature& f, const char* name, const std::optional<double>& v) { set(f, name, v ? *v : std::numeric_limits<double>::quiet_NaN()); }
void set_int(OGRFeature& f, const char* name, int v) { f.SetField(name, v); }

void insert(StoreDb& db, OGRLayer& layer, OGRFeature& f, const std::string& table) {
    spatial::GdalErrorScope scope;
    if (layer.CreateFeature(&f) != OGRERR_NONE)
        throw OutputError("cannot write to the store (nothing was stored): " + scope.last_error(),
                          ErrorContext{db.postgres() ? std::string("PostgreSQL store") : db.location(), table});
}

void test_pause_hook() {
    const char* marker = std::getenv("CITYCHECK_TEST_STORE_PAUSE");
    if (!marker || !*marker) return;
    const char* secs = std::getenv("CITYCHECK_TEST_STORE_PAUSE_SECONDS");
    { std::ofstream(marker) << ::getpid() << "\n"; }
    std::this_thread::sleep_for(std::chrono::seconds(secs ? std::atoi(secs) : 120));
}
}  // namespace

std::string write_run(const std::string& location, const HealthCheckConfig& config, const RunResult& result,
                      const StoreWriteOptions& options) {
    if (config.city.empty() || config.year <= 0)
        throw UsageError("a stored run needs city: and year: in the health-check file", ErrorContext{config.file.string()});
    auto db = StoreDb::open(location, true, true);
    const std::string id = new_run_id(config.city, config.year);
    nlohmann::json versions = nlohmann::json::object();
    for (const auto& v : component_versions()) versions[v.name] = v.version;
    const std::string sha = std::filesystem::exists(config.file) ? sha256_file(config.file) : std::string();

    Transaction tx(db);
    if (db.postgres())  // serialises writers of the same city and year only
        db.query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(" +
                 sql_quote(config.city + "|" + std::to_string(config.year)) + "))) AS l");
    db.execute("UPDATE runs SET status = 'superseded', superseded_by = " + sql_quote(id) + " WHERE city = " +
               sql_quote(config.city) + " AND year = " + std::to_string(config.year) + " AND status = 'current'");
    {
        auto& l = db.layer("runs");
        OGRFeature f(l.GetLayerDefn());
        set(f, "run_id", id);
        set(f, "city", config.city);
        set_int(f, "year", config.year);
        set(f, "status", std::string("current"));
        set(f, "config_sha256", sha);
        set(f, "config_path", config.file.string());
        set(f, "versions", versions.dump());
        set(f, "started", options.started.empty() ? utc_now_iso() : options.started);
        set(f, "finished", utc_now_iso());
        set(f, "crs", result.zones.crs().to_user_string());
        set_int(f, "failed_indicators", static_cast<int>(result.failed));
        set(f, "source", options.source);
        const auto& sc = config.scoring;
        set(f, "scoring", nlohmann::json{{"tolerance", sc.tolerance},
                                         {"grades", {sc.grade_excellent, sc.grade_good, sc.grade_fair}},
                                         {"survey_weight", sc.survey ? sc.survey->weight : 0.0}}
                              .dump());
        insert(db, l, f, "runs");
    }
    {
        auto& l = db.layer("run_indicators");
        for (std::size_t i = 0; i < config.indicators.size(); ++i) {
            const auto& ci = config.indicators[i];
            const auto& spec = ci.spec;
            OGRFeature f(l.GetLayerDefn());
            set(f, "run_id", id);
            set(f, "indicator_id", spec.id);
            set(f, "name_zh", spec.name.zh);
            set(f, "name_en", spec.name.en);
            set(f, "unit", spec.unit);
            set(f, "primitive", spec.primitive);
            if (spec.target) {
                set(f, "target", target_text(*spec.target));
                set(f, "target_op", to_string(spec.target->op));
                set(f, "target_value", spec.target->value);
                set(f, "target_min", spec.target->min);
                set(f, "target_max", spec.target->max);
            }
            set(f, "dimension_tdt1063", spec.dimensions.tdt1063);
            set(f, "dimension_mohurd", spec.dimensions.mohurd);
            set(f, "weight", ci.weight);
            set_int(f, "helper", spec.helper ? 1 : 0);
            const auto* res = i < result.table.results().size() ? &result.table.results()[i] : nullptr;
            const bool failed = res && res->state == IndicatorState::failed;
            set(f, "state", std::string(failed ? "failed" : "ok"));
            if (failed) set(f, "failure", res->failure);
            insert(db, l, f, "run_indicators");
        }
    }
    const auto& levels = result.zones.levels();
    {
        auto& l = db.layer("zones");
        for (std::size_t k = 0; k < levels.size(); ++k)
            for (const auto& z : levels[k].zones) {
                OGRFeature f(l.GetLayerDefn());
                set(f, "run_id", id);
                set(f, "level", level_en(levels[k].level));
                set_int(f, "level_rank", static_cast<int>(levels[k].level));
                set(f, "zone_id", z.id);
                set(f, "zone_name", z.name);
                set(f, "parent_id", z.parent_id);
                set(f, "area_m2", z.area_m2);
                OGRGeometry* g = nullptr;
                if (!z.wkb.empty() &&
                    OGRGeometryFactory::createFromWkb(z.wkb.data(), nullptr, &g, z.wkb.size()) == OGRERR_NONE && g)
                    f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g));
                insert(db, l, f, "zones");
            }
    }
    test_pause_hook();
    {
        auto& l = db.layer("indicator_values");
        for (std::size_t i = 0; i < result.table.results().size(); ++i) {
            const auto& res = result.table.results()[i];
            const std::string unit = i < config.indicators.size() ? config.indicators[i].spec.unit : std::string();
            for (std::size_t k = 0; k < levels.size() && k < res.levels.size(); ++k)
                for (std::size_t z = 0; z < levels[k].zones.size() && z < res.levels[k].size(); ++z) {
                    const auto& v = res.levels[k][z];
                    const auto& a = result.scores[k][z].items[i];
                    OGRFeature f(l.GetLayerDefn());
                    set(f, "run_id", id);
                    set(f, "indicator_id", res.id);
                    set(f, "level", level_en(levels[k].level));
                    set(f, "zone_id", levels[k].zones[z].id);
                    set(f, "numerator", v.numerator);
                    set(f, "denominator", v.denominator);
                    set(f, "value", v.value);
                    set(f, "unit", unit);
                    set(f, "status", status_en(a.status));
                    set(f, "status_zh", status_zh(a.status));
                    set(f, "score", a.score);
                    set(f, "grade", a.grade);
                    set(f, "note", v.note);
                    set(f, "source", std::string("run"));
                    insert(db, l, f, "indicator_values");
                }
        }
    }
    {
        auto& l = db.layer("dimension_scores");
        for (std::size_t k = 0; k < levels.size(); ++k)
            for (std::size_t z = 0; z < levels[k].zones.size(); ++z) {
                const auto& sc = result.scores[k][z];
                auto row = [&](const std::string& system, const std::string& dim, const std::optional<double>& score,
                               const std::optional<double>& objective, const std::optional<double>& survey,
                               const std::string& grade, int count) {
                    OGRFeature f(l.GetLayerDefn());
                    set(f, "run_id", id);
                    set(f, "level", level_en(levels[k].level));
                    set(f, "zone_id", levels[k].zones[z].id);
                    set(f, "system", system);
                    set(f, "dimension", dim);
                    set(f, "score", score);
                    set(f, "objective", objective);
                    set(f, "survey", survey);
                    set(f, "grade", grade);
                    set_int(f, "indicators", count);
                    insert(db, l, f, "dimension_scores");
                };
                for (const auto& d : sc.dimensions) row(d.system, d.dimension, d.score, d.objective, d.survey, d.grade, d.indicators);
                auto grade = [&](const std::optional<double>& s) { return s ? grade_for(*s, config.scoring) : std::string(); };
                row("overall", "", sc.overall, std::nullopt, std::nullopt, sc.grade, 0);
                row("tdt1063", "", sc.overall_tdt1063, std::nullopt, std::nullopt, grade(sc.overall_tdt1063), 0);
                row("mohurd", "", sc.overall_mohurd, std::nullopt, std::nullopt, grade(sc.overall_mohurd), 0);
            }
    }
    {
        auto& l = db.layer("zone_problems");
        for (std::size_t k = 0; k < levels.size(); ++k)
            for (std::size_t z = 0; z < levels[k].zones.size(); ++z) {
                int rank = 0;
                for (const auto& p : result.scores[k][z].problems) {
                    OGRFeature f(l.GetLayerDefn());
                    set(f, "run_id", id);
                    set(f, "level", level_en(levels[k].level));
                    set(f, "zone_id", levels[k].zones[z].id);
                    set_int(f, "rank", rank++);
                    set(f, "indicator_id", p.id);
                    set(f, "name_zh", p.name_zh);
                    set(f, "value", p.value);
                    set(f, "target", p.target);
                    set(f, "gap", p.gap);
                    set(f, "status", status_en(p.status));
                    insert(db, l, f, "zone_problems");
                }
            }
    }
    {  // always a row: a run with documents also has its problem list stored (see StoreReader::problems_stored)
        auto& l = db.layer("run_documents");
        OGRFeature f(l.GetLayerDefn());
        set(f, "run_id", id);
        set(f, "name", std::string("provenance"));
        set(f, "content", options.provenance.empty() ? std::string("{}") : options.provenance);
        insert(db, l, f, "run_documents");
    }
    {
        auto& l = db.layer("service_areas");
        for (const auto& sa : service_area_layers(config, result)) {
            for (std::size_t z = 0; z < sa.zone_ids.size(); ++z) {
                OGRFeature f(l.GetLayerDefn());
                set(f, "run_id", id);
                set(f, "indicator_id", sa.indicator_id);
                set(f, "kind", std::string("area"));
                set(f, "zone_id", sa.zone_ids[z]);
                set(f, "covered", sa.covered[z]);
                OGRGeometry* g = nullptr;
                if (OGRGeometryFactory::createFromWkb(sa.zone_wkb[z].data(), nullptr, &g, sa.zone_wkb[z].size()) == OGRERR_NONE && g)
                    f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g));
                insert(db, l, f, "service_areas");
            }
            OGRFeature f(l.GetLayerDefn());
            set(f, "run_id", id);
            set(f, "indicator_id", sa.indicator_id);
            set(f, "kind", std::string("facilities"));
            auto* points = new OGRMultiPoint();
            for (const auto& p : sa.facilities) points->addGeometryDirectly(new OGRPoint(p.x, p.y));
            f.SetGeometryDirectly(points);
            insert(db, l, f, "service_areas");
        }
    }
    {
        auto& l = db.layer("run_warnings");
        int seq = 0;
        for (const auto& w : result.warnings) {
            OGRFeature f(l.GetLayerDefn());
            set(f, "run_id", id);
            set_int(f, "seq", seq++);
            set(f, "message", w);
            insert(db, l, f, "run_warnings");
        }
    }
    tx.commit();
    return id;
}

}  // namespace citycheck::engine::store
