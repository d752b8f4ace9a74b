// ReportData from the store's current run of one city and year (see report_store.hpp).
#include <citycheck/engine/report/report_store.hpp>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/report/report_history.hpp>
#include <citycheck/engine/store/store_reader.hpp>
#include <citycheck/spatial/geos.hpp>

#include <limits>
#include <map>

namespace citycheck::engine::report {

namespace {

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

std::string pick_city(const store::StoreReader& reader, const std::string& location, const std::string& wanted) {
    const auto cities = reader.cities();
    if (cities.empty()) throw InputError("the store holds no runs yet; write one with `citycheck run --store`", ErrorContext{location});
    if (!wanted.empty()) {
        for (const auto& c : cities)
            if (c == wanted) return c;
        throw UsageError("the store has no runs of '" + wanted + "'; its cities: " + joined(cities), ErrorContext{location});
    }
    if (cities.size() > 1)
        throw UsageError("the store holds several cities (" + joined(cities) + "): choose one with --city", ErrorContext{location});
    return cities.front();
}

int pick_year(const store::StoreReader& reader, const std::string& location, const std::string& city, std::optional<int> wanted) {
    const auto years = reader.years(city);
    std::vector<std::string> text;
    for (int y : years) text.push_back(std::to_string(y));
    if (years.empty()) throw InputError("the store has no current run of " + city, ErrorContext{location});
    if (!wanted) return years.back();
    for (int y : years)
        if (y == *wanted) return y;
    throw UsageError("the store has no run of " + city + " for " + std::to_string(*wanted) + "; years in the store: " + joined(text),
                     ErrorContext{location});
}

// The run's provenance.json when stored; else what the runs row holds (versions, CRS, times,
// health-check file, scoring), marked as partial.
nlohmann::json provenance_of(const store::StoreReader& reader, const store::RunInfo& run) {
    if (auto doc = reader.document(run.run_id, "provenance")) {
        auto j = nlohmann::json::parse(*doc, nullptr, false);
        if (j.is_object() && !j.empty()) return j;
    }
    nlohmann::json p;
    p["note"] = "provenance.json is not in the store for this run (written before citycheck stored it): data sources and timings are unknown";
    p["started_utc"] = run.started;
    p["finished_utc"] = run.finished;
    p["working_crs"] = run.crs;
    p["healthcheck"] = {{"path", run.config_path}, {"sha256", run.config_sha256}};
    if (auto v = nlohmann::json::parse(run.versions, nullptr, false); v.is_object()) p["versions"] = v;
    if (auto sc = nlohmann::json::parse(run.scoring, nullptr, false); !sc.is_discarded()) p["scoring"] = sc;
    return p;
}

}  // namespace

ReportData load_report_data_from_store(const std::string& location, const StoreSelection& selection) {
    const auto reader = store::StoreReader::open(location);
    const std::string city = pick_city(reader, location, selection.city);
    const int year = pick_year(reader, location, city, selection.year);
    const auto run = reader.current_run(city, year);
    if (!run) throw InternalError("the current run of " + city + " " + std::to_string(year) + " vanished while reading", ErrorContext{location});

    ReportData d;
    d.city = city;
    d.year = year;
    d.crs = run->crs.empty() ? spatial::Crs() : spatial::Crs::from_user_input(run->crs);
    d.provenance = provenance_of(reader, *run);
    d.warnings = reader.warnings(run->run_id);
    d.failed_indicators = static_cast<std::size_t>(run->failed_indicators);
    d.source_note = location + " · run " + run->run_id + (run->source == "import" ? " (import-values)" : "") + " · " + run->finished;

    std::map<std::string, const nlohmann::json*> prov_specs;
    if (auto p = d.provenance.find("indicators"); p != d.provenance.end() && p->is_array())
        for (const auto& s : *p)
            if (s.is_object() && s.contains("id") && s["id"].is_string()) prov_specs[s["id"].get<std::string>()] = &s;
    std::map<std::string, std::size_t> ind_index;
    for (const auto& si : reader.indicators(run->run_id)) {
        IndicatorInfo info;
        info.id = si.indicator_id;
        info.name_zh = si.name_zh;
        info.name_en = si.name_en;
        info.unit = si.unit;
        info.unit_label = unit_label(si.unit);
        info.primitive = si.primitive;
        info.tdt1063 = si.dimension_tdt1063;
        info.mohurd = si.dimension_mohurd;
        info.target_text = si.target;
        info.helper = si.helper;
        info.failed = si.state == "failed";
        info.failure = si.failure;
        if (auto it = prov_specs.find(info.id); it != prov_specs.end()) apply_provenance_spec(info, *it->second);
        ind_index[info.id] = d.indicators.size();
        d.indicators.push_back(std::move(info));
    }

    // Levels and zones (with geometry), coarse to fine, in the order the run wrote them.
    std::map<std::string, std::size_t> level_index;
    std::map<std::pair<std::size_t, std::string>, std::size_t> zone_index;
    for (auto& z : reader.zones(run->run_id, "", true)) {
        auto [it, added] = level_index.try_emplace(z.level, d.levels.size());
        if (added) {
            const auto lv = parse_level(z.level);
            d.levels.push_back({lv ? level_zh(*lv) : z.level, z.level, {}});
        }
        auto& level = d.levels[it->second];
        ReportZone rz;
        rz.id = z.zone_id;
        rz.name = z.zone_name;
        rz.parent_id = z.parent_id;
        rz.area_m2 = z.area_m2;
        rz.cells.resize(d.indicators.size());
        rz.wkb = std::move(z.wkb);
        for (const auto& [system, names] : {std::pair{"tdt1063", &TDT1063_DIMENSIONS}, std::pair{"mohurd", &MOHURD_DIMENSIONS}})
            for (const auto& name : *names) rz.dimensions.push_back({system, name, std::nullopt, ""});
        zone_index[{it->second, rz.id}] = level.zones.size();
        level.zones.push_back(std::move(rz));
    }
    auto zone_of = [&](const std::string& level, const std::string& id) -> ReportZone* {
        auto l = level_index.find(level);
        if (l == level_index.end()) return nullptr;
        auto z = zone_index.find({l->second, id});
        return z == zone_index.end() ? nullptr : &d.levels[l->second].zones[z->second];
    };
    for (const auto& v : reader.values(run->run_id)) {
        auto* zone = zone_of(v.level, v.zone_id);
        auto ind = ind_index.find(v.indicator_id);
        if (!zone || ind == ind_index.end()) continue;
        Cell& c = zone->cells[ind->second];
        if (v.value) c.value = *v.value;
        if (v.numerator) c.numerator = *v.numerator;
        if (v.denominator) c.denominator = *v.denominator;
        c.status = parse_status(v.status);
        c.score = v.score;
        c.grade = v.grade;
        c.note = v.note;
    }
    for (const auto& r : reader.dimensions(run->run_id)) {
        auto* zone = zone_of(r.level, r.zone_id);
        if (!zone) continue;
        if (r.dimension.empty()) {
            if (r.system == "overall") {
                zone->overall = r.score;
                zone->grade = r.grade;
            } else if (r.system == "tdt1063") {
                zone->overall_tdt1063 = r.score;
            } else if (r.system == "mohurd") {
                zone->overall_mohurd = r.score;
            }
            continue;
        }
        for (auto& dc : zone->dimensions)
            if (dc.system == r.system && dc.dimension == r.dimension) {
                dc.score = r.score;
                dc.grade = r.grade;
            }
    }
    d.problems_known = reader.problems_stored(*run);
    if (d.problems_known)
        for (const auto& p : reader.problems(run->run_id)) {  // in the scorer's order (rank)
            auto* zone = zone_of(p.level, p.zone_id);
            if (!zone) continue;
            zone->problems.push_back({p.indicator_id, p.name_zh, p.value.value_or(std::numeric_limits<double>::quiet_NaN()), p.target, p.gap,
                                      parse_status(p.status)});
        }

    std::map<std::string, std::size_t> sa_index;
    for (auto& row : reader.service_areas(run->run_id)) {
        auto [it, added] = sa_index.try_emplace(row.indicator_id, d.service_areas.size());
        if (added) d.service_areas.push_back({row.indicator_id, {}, {}, {}, {}});
        auto& layer = d.service_areas[it->second];
        if (row.kind == "facilities") {
            spatial::GeosContext geos;
            if (row.wkb.empty()) continue;
            auto g = geos.from_wkb(row.wkb);
            const int n = GEOSGetNumGeometries_r(geos.get(), g.get());
            for (int i = 0; i < n; ++i) {
                double x = 0, y = 0;
                const GEOSGeometry* p = GEOSGetGeometryN_r(geos.get(), g.get(), i);
                if (GEOSGeomGetX_r(geos.get(), p, &x) && GEOSGeomGetY_r(geos.get(), p, &y)) layer.facilities.push_back({x, y});
            }
        } else if (!row.wkb.empty()) {
            layer.zone_ids.push_back(row.zone_id);
            layer.covered.push_back(row.covered.value_or(0));
            layer.zone_wkb.push_back(std::move(row.wkb));
        }
    }

    load_history(d, location);  // earlier years of the same store: trends and the change from last year
    return d;
}

}  // namespace citycheck::engine::report
