// The report's data model, filled from a RunResult in memory or from a run's output folder. Values
// are copied as the run wrote them (summary.json keeps full double precision).
#include <citycheck/engine/report/report_data.hpp>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/runner.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

namespace citycheck::engine::report {

namespace fs = std::filesystem;

std::optional<std::size_t> ReportData::indicator_index(const std::string& id) const {
    for (std::size_t i = 0; i < indicators.size(); ++i)
        if (indicators[i].id == id) return i;
    return std::nullopt;
}

const ServiceAreaLayer* find_service_areas(const ReportData& data, const std::string& indicator_id) {
    for (const auto& l : data.service_areas)
        if (l.indicator_id == indicator_id) return &l;
    return nullptr;
}

Status parse_status(const std::string& text) {
    for (Status s : {Status::met, Status::nearly_met, Status::not_met, Status::no_target, Status::no_data, Status::failed})
        if (text == status_zh(s) || text == status_en(s)) return s;
    return Status::no_data;
}

void apply_provenance_spec(IndicatorInfo& info, const nlohmann::json& prov) {
    auto str = [&](const char* key) {
        auto it = prov.find(key);
        return it != prov.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    info.description = str("description");
    info.confidence_note = str("confidence_note");
    if (info.confidence.empty()) info.confidence = str("confidence");
    if (info.target_source.empty())
        if (auto t = prov.find("target"); t != prov.end() && t->is_object())
            if (auto src = t->find("source"); src != t->end() && src->is_string()) info.target_source = src->get<std::string>();
    if (auto src = prov.find("sources"); src != prov.end() && src->is_array())
        for (const auto& x : *src)
            if (x.is_string()) info.sources.push_back(x.get<std::string>());
    if (auto p = prov.find("params"); p != prov.end()) info.params = *p;
}

namespace {

IndicatorInfo info_from_spec(const IndicatorSpec& spec) {
    IndicatorInfo info;
    info.id = spec.id;
    info.name_zh = spec.name.zh;
    info.name_en = spec.name.en;
    info.unit = spec.unit;
    info.unit_label = unit_label(spec.unit);
    info.primitive = spec.primitive;
    info.tdt1063 = spec.dimensions.tdt1063;
    info.mohurd = spec.dimensions.mohurd;
    if (spec.target) {
        info.target_text = target_text(*spec.target);
        info.target_source = spec.target->source;
    }
    info.confidence = spec.confidence;
    info.confidence_note = spec.confidence_note;
    info.description = spec.description;
    info.sources = spec.sources;
    info.params = spec.params;
    info.helper = spec.helper;
    return info;
}

nlohmann::json read_json(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read the file; is this a `citycheck run` output folder?", ErrorContext{path.string()});
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw InputError(std::string("not valid JSON: ") + e.what(), ErrorContext{path.string()});
    }
}

double jd(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : std::numeric_limits<double>::quiet_NaN();
}
std::optional<double> jopt(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it != j.end() && it->is_number()) return it->get<double>();
    return std::nullopt;
}
std::string js(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A Target back from its JSON form, for target_text().
std::optional<Target> target_from_json(const nlohmann::json& j) {
    if (!j.is_object()) return std::nullopt;
    Target t;
    if (auto op = parse_target_op(js(j, "op"))) t.op = *op;
    t.value = jopt(j, "value");
    t.min = jopt(j, "min");
    t.max = jopt(j, "max");
    t.source = js(j, "source");
    return t;
}

IndicatorInfo info_from_json(const nlohmann::json& s, const nlohmann::json* prov) {
    IndicatorInfo info;
    info.id = js(s, "id");
    if (auto n = s.find("name"); n != s.end() && n->is_object()) {
        info.name_zh = js(*n, "zh");
        info.name_en = js(*n, "en");
    }
    info.unit = js(s, "unit");
    info.unit_label = s.contains("unit_label") ? js(s, "unit_label") : unit_label(info.unit);
    info.primitive = js(s, "primitive");
    if (auto d = s.find("dimensions"); d != s.end() && d->is_object()) {
        info.tdt1063 = js(*d, "tdt1063");
        info.mohurd = js(*d, "mohurd");
    }
    if (auto t = target_from_json(s.value("target", nlohmann::json()))) {
        info.target_text = target_text(*t);
        info.target_source = t->source;
    }
    info.confidence = js(s, "confidence");
    info.helper = s.value("helper", false);
    info.failed = js(s, "state") == "failed";
    info.failure = js(s, "failure");
    if (prov) apply_provenance_spec(info, *prov);
    return info;
}

// Geometries and CRS from results.gpkg: one layer per level, named level_en, keyed by zone_id.
void load_geometries(const fs::path& gpkg, ReportData& data) {
    spatial::GdalEnvironment::ensure();
    auto ds = spatial::open_dataset(gpkg.string(), spatial::DatasetKind::vector);
    for (auto& level : data.levels) {
        OGRLayer* layer = ds->GetLayerByName(level.level_en.c_str());
        if (!layer) {
            data.warnings.push_back("results.gpkg has no layer '" + level.level_en + "': no maps for " + level.level_zh);
            continue;
        }
        if (data.crs.empty()) data.crs = spatial::Crs::from_ogr(layer->GetSpatialRef());
        std::map<std::string, std::size_t> index;
        for (std::size_t z = 0; z < level.zones.size(); ++z) index[level.zones[z].id] = z;
        const int id_field = layer->GetLayerDefn()->GetFieldIndex("zone_id");
        if (id_field < 0) throw InputError("layer has no zone_id field", ErrorContext{gpkg.string(), level.level_en, "zone_id"});
        layer->ResetReading();
        for (auto& f : *layer) {
            auto it = index.find(f->GetFieldAsString(id_field));
            const OGRGeometry* g = f->GetGeometryRef();
            if (it == index.end() || !g) continue;
            auto& wkb = level.zones[it->second].wkb;
            wkb.resize(static_cast<std::size_t>(g->WkbSize()));
            g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        }
    }
}

}  // namespace

ReportData report_data_from_run(const HealthCheckConfig& config, const RunResult& r, const nlohmann::json& provenance) {
    ReportData d;
    d.city = config.city;
    d.year = config.year;
    d.crs = r.zones.crs();
    for (std::size_t i = 0; i < config.indicators.size(); ++i) {
        auto info = info_from_spec(config.indicators[i].spec);
        const auto& res = r.table.results()[i];
        info.failed = res.state == IndicatorState::failed;
        info.failure = res.failure;
        d.indicators.push_back(std::move(info));
    }
    for (std::size_t k = 0; k < r.zones.levels().size(); ++k) {
        const auto& lv = r.zones.levels()[k];
        ReportLevel level{level_zh(lv.level), level_en(lv.level), {}};
        for (std::size_t z = 0; z < lv.zones.size(); ++z) {
            const auto& zone = lv.zones[z];
            const auto& sc = r.scores[k][z];
            ReportZone rz{zone.id, zone.name, zone.parent_id, zone.area_m2, {}, {}, sc.overall, sc.overall_tdt1063,
                          sc.overall_mohurd, sc.grade, sc.problems, zone.wkb};
            for (std::size_t i = 0; i < config.indicators.size(); ++i) {
                const auto& res = r.table.results()[i].levels[k][z];
                const auto& a = sc.items[i];
                rz.cells.push_back({res.value, res.numerator, res.denominator, a.status, a.score, a.grade, res.note});
            }
            for (const auto& dim : sc.dimensions) rz.dimensions.push_back({dim.system, dim.dimension, dim.score, dim.grade});
            level.zones.push_back(std::move(rz));
        }
        d.levels.push_back(std::move(level));
    }
    d.provenance = provenance;
    d.warnings = r.warnings;
    d.failed_indicators = r.failed;
    d.service_areas = service_area_layers(config, r);
    return d;
}

ReportData load_report_data(const fs::path& out_dir) {
    const auto summary = read_json(out_dir / "summary.json");
    ReportData d;
    if (fs::exists(out_dir / "provenance.json")) d.provenance = read_json(out_dir / "provenance.json");
    else d.warnings.push_back("no provenance.json in " + out_dir.string() + ": the appendix lists no sources");
    d.city = js(summary, "city");
    d.year = summary.value("year", 0);
    std::map<std::string, const nlohmann::json*> prov_specs;
    if (auto p = d.provenance.find("indicators"); p != d.provenance.end() && p->is_array())
        for (const auto& s : *p) prov_specs[js(s, "id")] = &s;
    for (const auto& s : summary.value("indicators", nlohmann::json::array())) {
        auto it = prov_specs.find(js(s, "id"));
        d.indicators.push_back(info_from_json(s, it == prov_specs.end() ? nullptr : it->second));
    }
    for (const auto& lv : summary.value("levels", nlohmann::json::array())) {
        ReportLevel level{js(lv, "level"), js(lv, "level_en"), {}};
        for (const auto& z : lv.value("zones", nlohmann::json::array())) {
            ReportZone rz;
            rz.id = js(z, "zone_id");
            rz.name = js(z, "zone_name");
            rz.parent_id = js(z, "parent_id");
            rz.area_m2 = z.value("area_m2", 0.0);
            const auto values = z.value("values", nlohmann::json::object());
            for (const auto& ind : d.indicators) {
                Cell c;
                if (auto v = values.find(ind.id); v != values.end()) {
                    c.value = jd(*v, "value");
                    c.numerator = jd(*v, "numerator");
                    c.denominator = jd(*v, "denominator");
                    c.status = parse_status(js(*v, "status"));
                    c.score = jopt(*v, "score");
                    c.grade = js(*v, "grade");
                    c.note = js(*v, "note");
                }
                rz.cells.push_back(std::move(c));
            }
            const auto dims = z.value("dimensions", nlohmann::json::object());
            for (const auto& [system, names] : {std::pair{"tdt1063", &TDT1063_DIMENSIONS}, std::pair{"mohurd", &MOHURD_DIMENSIONS}})
                for (const auto& name : *names) {
                    DimensionCell dc{system, name, std::nullopt, ""};
                    if (auto s = dims.find(system); s != dims.end())
                        if (auto e = s->find(name); e != s->end()) {
                            dc.score = jopt(*e, "score");
                            dc.grade = js(*e, "grade");
                        }
                    rz.dimensions.push_back(dc);
                }
            rz.overall = jopt(z, "score_overall");
            rz.overall_tdt1063 = jopt(z, "score_tdt1063");
            rz.overall_mohurd = jopt(z, "score_mohurd");
            rz.grade = js(z, "grade");
            for (const auto& p : z.value("problems", nlohmann::json::array()))
                rz.problems.push_back({js(p, "id"), js(p, "name"), jd(p, "value"), js(p, "target"), p.value("gap", 0.0),
                                       parse_status(js(p, "status"))});
            level.zones.push_back(std::move(rz));
        }
        d.levels.push_back(std::move(level));
    }
    for (const auto& w : summary.value("warnings", nlohmann::json::array()))
        if (w.is_string()) d.warnings.push_back(w.get<std::string>());
    d.failed_indicators = summary.value("failed_indicators", std::size_t(0));
    if (fs::exists(out_dir / "results.gpkg")) load_geometries(out_dir / "results.gpkg", d);
    else d.warnings.push_back("no results.gpkg in " + out_dir.string() + ": the report has no maps");
    if (fs::exists(out_dir / SERVICE_AREAS_FILE)) d.service_areas = read_service_areas_gpkg(out_dir / SERVICE_AREAS_FILE);
    if (d.crs.empty() && d.provenance.contains("working_crs"))
        d.crs = spatial::Crs::from_user_input(js(d.provenance, "working_crs"));
    return d;
}

}  // namespace citycheck::engine::report
