// Run outputs: per level a wide CSV (one row per zone, zone_id first) and a GPKG layer with the
// zone geometries; summary.json with every value, score and problem; provenance.json.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/runner.hpp>
#include <citycheck/engine/service_areas.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/core/text.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <fstream>

namespace citycheck::engine {

namespace fs = std::filesystem;

namespace {
std::string num(double v) {
    if (std::isnan(v)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}
std::string opt(const std::optional<double>& v) { return v ? num(*v) : ""; }
nlohmann::json jnum(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }
nlohmann::json jopt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }


std::string problems_text(const ZoneScore& s) {
    std::string out;
    for (const auto& p : s.problems) out += (out.empty() ? "" : "; ") + p.id;
    return out;
}

// One table shared by CSV and GPKG: column names and, per zone, the cell texts / numbers.
struct Column {
    std::string name;
    bool numeric = false;
};

std::vector<Column> columns_for(const HealthCheckConfig& config) {
    std::vector<Column> cols = {{"zone_id", false}, {"zone_name", false}, {"parent_id", false}, {"level", false}};
    for (const auto& ind : config.indicators) {
        const auto& id = ind.spec.id;
        cols.push_back({id, true});
        cols.push_back({id + "_numerator", true});
        cols.push_back({id + "_denominator", true});
        cols.push_back({id + "_status", false});
        cols.push_back({id + "_score", true});
        cols.push_back({id + "_grade", false});
    }
    for (const auto& d : TDT1063_DIMENSIONS) cols.push_back({"score_tdt1063_" + d, true});
    for (const auto& d : MOHURD_DIMENSIONS) cols.push_back({"score_mohurd_" + d, true});
    cols.push_back({"score_tdt1063", true});
    cols.push_back({"score_mohurd", true});
    cols.push_back({"score_overall", true});
    cols.push_back({"grade_overall", false});
    cols.push_back({"problems", false});
    return cols;
}

std::vector<std::string> row_for(const HealthCheckConfig& config, const RunResult& r, std::size_t k, std::size_t z) {
    const auto& level = r.zones.levels()[k];
    const auto& zone = level.zones[z];
    const auto& sc = r.scores[k][z];
    std::vector<std::string> row = {zone.id, zone.name, zone.parent_id, level_zh(level.level)};
    for (std::size_t i = 0; i < config.indicators.size(); ++i) {
        const auto& res = r.table.results()[i].levels[k][z];
        const auto& a = sc.items[i];
        row.push_back(num(res.value));
        row.push_back(num(res.numerator));
        row.push_back(num(res.denominator));
        row.push_back(status_zh(a.status));
        row.push_back(opt(a.score));
        row.push_back(a.grade);
    }
    for (const auto& d : sc.dimensions) row.push_back(opt(d.score));
    row.push_back(opt(sc.overall_tdt1063));
    row.push_back(opt(sc.overall_mohurd));
    row.push_back(opt(sc.overall));
    row.push_back(sc.grade);
    row.push_back(problems_text(sc));
    return row;
}

fs::path write_csv(const HealthCheckConfig& config, const RunResult& r, std::size_t k, const fs::path& dir, bool bom) {
    const fs::path path = dir / ("results_" + level_en(r.zones.levels()[k].level) + ".csv");
    std::ofstream out(path, std::ios::binary);
    if (!out) throw OutputError("cannot create the file", ErrorContext{path.string()});
    if (bom) out << "\xEF\xBB\xBF";
    const auto cols = columns_for(config);
    for (std::size_t c = 0; c < cols.size(); ++c) out << (c ? "," : "") << csv_field(cols[c].name);
    out << "\n";
    for (std::size_t z = 0; z < r.zones.levels()[k].zones.size(); ++z) {
        const auto row = row_for(config, r, k, z);
        for (std::size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << csv_field(row[c]);
        out << "\n";
    }
    out.close();
    if (!out) throw OutputError("write failed", ErrorContext{path.string()});
    return path;
}

fs::path write_gpkg(const HealthCheckConfig& config, const RunResult& r, const fs::path& dir) {
    const fs::path path = dir / "results.gpkg";
    spatial::GdalErrorScope scope;
    auto& drv = spatial::driver("GPKG");
    spatial::DatasetPtr ds(drv.Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw OutputError("cannot create the GeoPackage: " + scope.last_error(), ErrorContext{path.string()});
    const auto cols = columns_for(config);
    OGRSpatialReference srs;
    if (r.zones.crs().ogr()) srs = *r.zones.crs().ogr();
    for (std::size_t k = 0; k < r.zones.levels().size(); ++k) {
        const auto lname = level_en(r.zones.levels()[k].level);
        OGRLayer* layer = ds->CreateLayer(lname.c_str(), r.zones.crs().ogr() ? &srs : nullptr, wkbMultiPolygon, nullptr);
        if (!layer) throw OutputError("cannot create layer: " + scope.last_error(), ErrorContext{path.string(), lname});
        for (const auto& c : cols) {
            OGRFieldDefn f(c.name.c_str(), c.numeric ? OFTReal : OFTString);
            if (layer->CreateField(&f) != OGRERR_NONE)
                throw OutputError("cannot create field: " + scope.last_error(), ErrorContext{path.string(), lname, c.name});
        }
        if (layer->StartTransaction() != OGRERR_NONE) throw OutputError("cannot start a transaction: " + scope.last_error(), ErrorContext{path.string(), lname});
        for (std::size_t z = 0; z < r.zones.levels()[k].zones.size(); ++z) {
            const auto& zone = r.zones.levels()[k].zones[z];
            const auto row = row_for(config, r, k, z);
            OGRFeature feature(layer->GetLayerDefn());
            for (std::size_t c = 0; c < cols.size(); ++c) {
                if (row[c].empty()) continue;  // NULL
                if (cols[c].numeric)
                    feature.SetField(static_cast<int>(c), std::strtod(row[c].c_str(), nullptr));
                else
                    feature.SetField(static_cast<int>(c), row[c].c_str());
            }
            OGRGeometry* g = nullptr;
            if (OGRGeometryFactory::createFromWkb(zone.wkb.data(), nullptr, &g, zone.wkb.size()) == OGRERR_NONE && g) {
                g = OGRGeometryFactory::forceToMultiPolygon(g);
                feature.SetGeometryDirectly(g);
            }
            if (layer->CreateFeature(&feature) != OGRERR_NONE)
                throw OutputError("cannot write feature: " + scope.last_error(), ErrorContext{path.string(), lname, "", zone.id});
        }
        if (layer->CommitTransaction() != OGRERR_NONE) throw OutputError("cannot commit: " + scope.last_error(), ErrorContext{path.string(), lname});
    }
    ds.reset();  // close before the folder is renamed
    return path;
}

nlohmann::json summary_json(const HealthCheckConfig& config, const RunResult& r) {
    nlohmann::json j;
    j["city"] = config.city;
    j["year"] = config.year;
    nlohmann::json inds = nlohmann::json::array();
    for (std::size_t i = 0; i < config.indicators.size(); ++i) {
        const auto& spec = config.indicators[i].spec;
        const auto& res = r.table.results()[i];
        inds.push_back({{"id", spec.id}, {"name", {{"zh", spec.name.zh}, {"en", spec.name.en}}}, {"unit", spec.unit},
                        {"unit_label", unit_label(spec.unit)}, {"primitive", spec.primitive},
                        {"dimensions", {{"tdt1063", spec.dimensions.tdt1063}, {"mohurd", spec.dimensions.mohurd}}},
                        {"target", spec.target ? to_json(*spec.target) : nlohmann::json(nullptr)},
                        {"confidence", spec.confidence}, {"helper", spec.helper},
                        {"state", res.state == IndicatorState::ok ? "ok" : "failed"},
                        {"failure", res.state == IndicatorState::failed ? nlohmann::json(res.failure) : nlohmann::json(nullptr)}});
    }
    j["indicators"] = inds;
    nlohmann::json levels = nlohmann::json::array();
    for (std::size_t k = 0; k < r.zones.levels().size(); ++k) {
        const auto& level = r.zones.levels()[k];
        nlohmann::json zones = nlohmann::json::array();
        for (std::size_t z = 0; z < level.zones.size(); ++z) {
            const auto& zone = level.zones[z];
            const auto& sc = r.scores[k][z];
            nlohmann::json values = nlohmann::json::object();
            for (std::size_t i = 0; i < config.indicators.size(); ++i) {
                const auto& res = r.table.results()[i].levels[k][z];
                const auto& a = sc.items[i];
                nlohmann::json v = {{"value", jnum(res.value)}, {"numerator", jnum(res.numerator)}, {"denominator", jnum(res.denominator)},
                                    {"status", status_zh(a.status)}, {"score", jopt(a.score)}, {"grade", a.grade}};
                if (!res.note.empty()) v["note"] = res.note;
                values[config.indicators[i].spec.id] = v;
            }
            nlohmann::json dims = {{"tdt1063", nlohmann::json::object()}, {"mohurd", nlohmann::json::object()}};
            for (const auto& d : sc.dimensions)
                dims[d.system][d.dimension] = {{"score", jopt(d.score)}, {"objective", jopt(d.objective)}, {"survey", jopt(d.survey)},
                                               {"grade", d.grade}, {"indicators", d.indicators}};
            nlohmann::json problems = nlohmann::json::array();
            for (const auto& p : sc.problems)
                problems.push_back({{"id", p.id}, {"name", p.name_zh}, {"value", jnum(p.value)}, {"target", p.target},
                                    {"gap", p.gap}, {"status", status_zh(p.status)}});
            zones.push_back({{"zone_id", zone.id}, {"zone_name", zone.name}, {"parent_id", zone.parent_id},
                             {"area_m2", zone.area_m2}, {"values", values}, {"dimensions", dims},
                             {"score_overall", jopt(sc.overall)}, {"score_tdt1063", jopt(sc.overall_tdt1063)},
                             {"score_mohurd", jopt(sc.overall_mohurd)}, {"grade", sc.grade}, {"problems", problems}});
        }
        levels.push_back({{"level", level_zh(level.level)}, {"level_en", level_en(level.level)}, {"zones", zones}});
    }
    j["levels"] = levels;
    j["failed_indicators"] = r.failed;
    j["warnings"] = r.warnings;
    return j;
}

fs::path write_json(const nlohmann::json& j, const fs::path& path) {
    std::ofstream out(path, std::ios::binary);
    if (!out) throw OutputError("cannot create the file", ErrorContext{path.string()});
    out << j.dump(2) << "\n";
    out.close();
    if (!out) throw OutputError("write failed", ErrorContext{path.string()});
    return path;
}
}  // namespace

std::vector<fs::path> write_run_outputs(const HealthCheckConfig& config, const RunResult& result, const fs::path& dir,
                                        bool csv_bom, const nlohmann::json& provenance) {
    std::vector<fs::path> files;
    const auto& formats = config.outputs.formats;
    auto wants = [&](const char* f) { return std::find(formats.begin(), formats.end(), f) != formats.end(); };
    if (wants("csv"))
        for (std::size_t k = 0; k < result.zones.levels().size(); ++k) files.push_back(write_csv(config, result, k, dir, csv_bom));
    if (wants("gpkg")) files.push_back(write_gpkg(config, result, dir));
    if (wants("json")) files.push_back(write_json(summary_json(config, result), dir / "summary.json"));
    files.push_back(write_json(provenance, dir / "provenance.json"));
    if (auto sa = write_service_areas_gpkg(service_area_layers(config, result), result.zones.crs(), dir); !sa.empty()) files.push_back(sa);
    return files;
}

}  // namespace citycheck::engine
