// Year-over-year comparison and early warnings over the store (rules in docs/store.md).
#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/core/text.hpp>
#include <citycheck/engine/scorer.hpp>
#include <citycheck/engine/store/compare.hpp>
#include <citycheck/spatial/geos.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>

namespace citycheck::engine::store {

std::string to_string(YearSource s) {
    switch (s) {
        case YearSource::stored: return "stored";
        case YearSource::reaggregated: return "reaggregated";
        case YearSource::absent: return "absent";
        case YearSource::not_comparable: return "not_comparable";
    }
    return "";
}

std::pair<std::optional<double>, std::optional<double>> plausible_range(const std::string& unit) {
    if (unit == "percent") return {0.0, 100.0};
    static const std::set<std::string> non_negative = {"km2", "ha", "m2", "m2_per_person", "per_km2",
                                                       "km_per_km2", "count", "persons", "ratio"};
    if (non_negative.count(unit)) return {0.0, std::nullopt};
    return {std::nullopt, std::nullopt};
}

namespace {
std::string fmt(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

int level_rank(const std::string& level) {
    static const std::vector<std::string> order = {"city", "district", "subdistrict", "community"};
    auto it = std::find(order.begin(), order.end(), level);
    return it == order.end() ? 99 : static_cast<int>(it - order.begin());
}


std::string direction_of(const std::optional<Target>& t) {
    if (!t) return "unknown";
    switch (t->op) {
        case TargetOp::ge:
        case TargetOp::gt: return "higher_better";
        case TargetOp::le:
        case TargetOp::lt: return "lower_better";
        default: return "toward_target";
    }
}

// Distance outside the target (0 inside), for targets that are a range or a value.
double gap_abs(double v, const Target& t) {
    if (t.op == TargetOp::range) {
        if (t.min && v < *t.min) return *t.min - v;
        if (t.max && v > *t.max) return v - *t.max;
        return 0;
    }
    return t.value ? std::fabs(v - *t.value) : 0;
}

// How much worse cur is than prev (positive: worse), in the value's units.
std::optional<double> worsening(double prev, double cur, const std::string& direction, const std::optional<Target>& t) {
    if (direction == "higher_better") return prev - cur;
    if (direction == "lower_better") return cur - prev;
    if (direction == "toward_target" && t) return gap_abs(cur, *t) - gap_abs(prev, *t);
    return std::nullopt;
}

struct YearData {
    int year = 0;
    RunInfo run;
    std::map<std::string, IndicatorInfo> indicators;
    std::vector<std::string> indicator_order;
    std::map<std::string, ValueRow> values;        // indicator|level|zone
    std::map<std::string, ZoneInfo> zones;         // level|zone
    std::vector<std::string> zone_order;           // level|zone, coarse → fine
    std::string finest_level;
    std::vector<const ZoneInfo*> finest;
};

std::string key3(const std::string& a, const std::string& b, const std::string& c) { return a + "\x1f" + b + "\x1f" + c; }
std::string key2(const std::string& a, const std::string& b) { return a + "\x1f" + b; }

YearData load_year(const StoreReader& reader, const std::string& city, int year) {
    YearData d;
    d.year = year;
    auto run = reader.current_run(city, year);
    if (!run)
        throw UsageError("the store has no run of " + city + " for " + std::to_string(year) +
                         "; run `citycheck run --store` for that year first");
    d.run = *run;
    for (auto& i : reader.indicators(run->run_id)) {
        d.indicator_order.push_back(i.indicator_id);
        d.indicators[i.indicator_id] = std::move(i);
    }
    for (auto& v : reader.values(run->run_id)) d.values[key3(v.indicator_id, v.level, v.zone_id)] = std::move(v);
    for (auto& z : reader.zones(run->run_id, "", true)) {
        const auto k = key2(z.level, z.zone_id);
        d.zone_order.push_back(k);
        if (d.finest_level.empty() || level_rank(z.level) > level_rank(d.finest_level)) d.finest_level = z.level;
        d.zones[k] = std::move(z);
    }
    for (const auto& k : d.zone_order)
        if (d.zones[k].level == d.finest_level) d.finest.push_back(&d.zones[k]);
    return d;
}

// Re-aggregates one indicator of an older year onto a newer zone boundary: finest zones of the
// older year, weighted by the share of their area inside the boundary. Empty with a reason when
// that cannot be done.
struct Reaggregated {
    std::optional<double> value;
    std::string reason;
};

class Reaggregator {
  public:
    Reaggregated run(const YearData& old, const std::string& indicator, const ZoneInfo& target, const std::string& target_crs) {
        if (old.run.crs != target_crs) return {std::nullopt, "working CRS differs (" + old.run.crs + " vs " + target_crs + ")"};
        auto info = old.indicators.find(indicator);
        if (info == old.indicators.end()) return {std::nullopt, "indicator not computed"};
        if (info->second.primitive == "expression" || info->second.primitive == "import")
            return {std::nullopt, "a " + info->second.primitive + " indicator cannot be re-aggregated by area"};
        if (target.wkb.empty()) return {std::nullopt, "no geometry stored"};
        const auto [scale, extensive] = scale_for(old, indicator);
        const auto& weights = weights_for(old, target);
        if (!weights.reason.empty()) return {std::nullopt, weights.reason};
        double num = 0, den = 0;
        bool any = false;
        for (const auto& [f, w] : weights.items) {
            auto it = old.values.find(key3(indicator, f->level, f->zone_id));
            if (it == old.values.end() || !it->second.numerator || (!extensive && !it->second.denominator))
                return {std::nullopt, "finest zone " + f->zone_id + " has no numerator/denominator"};
            num += w * *it->second.numerator;
            if (!extensive) den += w * *it->second.denominator;
            any = true;
        }
        if (!any) return {std::nullopt, "no finest zone of " + std::to_string(old.year) + " overlaps the boundary"};
        if (!extensive && den == 0) return {std::nullopt, "zero denominator after re-aggregation"};
        const double ratio = extensive ? num : num / den;
        if (!scale) {
            if (ratio == 0) return {0.0, ""};
            return {std::nullopt, "cannot tell the unit scale from the stored values"};
        }
        return {*scale * ratio, ""};
    }

    // Same boundary: areas within tol and the overlap covers all but tol of the larger zone.
    bool same_boundary(const ZoneInfo& a, const ZoneInfo& b, double tol) {
        const double big = std::max(a.area_m2, b.area_m2);
        if (big <= 0) return a.area_m2 == b.area_m2;
        if (std::fabs(a.area_m2 - b.area_m2) > tol * big) return false;
        if (a.wkb.empty() || b.wkb.empty()) return true;  // area is all we know
        const auto ga = m_ctx.from_wkb(a.wkb), gb = m_ctx.from_wkb(b.wkb);
        const double aa = m_ctx.area(*ga), ab = m_ctx.area(*gb);
        const double overlap = m_ctx.area(*m_ctx.intersection(*ga, *gb));
        return overlap >= (1.0 - tol) * std::max(aa, ab);
    }

  private:
    // value = scale × numerator / denominator: the scale is read off any stored finest value;
    // extensive when no finest value has a denominator. Cached per (year, indicator).
    std::pair<std::optional<double>, bool> scale_for(const YearData& old, const std::string& indicator) {
        const auto key = std::to_string(old.year) + "\x1f" + indicator;
        if (auto it = m_scales.find(key); it != m_scales.end()) return it->second;
        std::optional<double> scale;
        bool extensive = true;
        for (const auto* f : old.finest) {
            auto it = old.values.find(key3(indicator, f->level, f->zone_id));
            if (it == old.values.end()) continue;
            const auto& v = it->second;
            if (v.denominator) extensive = false;
            if (!scale && v.value && v.numerator && *v.numerator != 0) {
                const double ratio = v.denominator ? *v.numerator / *v.denominator : *v.numerator;
                if (ratio != 0) scale = *v.value / ratio;
            }
        }
        return m_scales[key] = {scale, extensive};
    }

    struct Weights {
        std::vector<std::pair<const ZoneInfo*, double>> items;  // finest zone of the old year, share inside
        std::string reason;
    };
    // Cached per (old year, target zone): every indicator reuses the overlay.
    const Weights& weights_for(const YearData& old, const ZoneInfo& target) {
        const auto key = std::to_string(old.year) + "\x1f" + key2(target.level, target.zone_id);
        auto it = m_weights.find(key);
        if (it != m_weights.end()) return it->second;
        Weights w;
        const auto tgeom = m_ctx.from_wkb(target.wkb);
        const auto tbox = m_ctx.envelope(*tgeom);
        for (const auto* f : old.finest) {
            if (f->wkb.empty()) {
                w.reason = "no geometry stored for " + f->zone_id;
                break;
            }
            const auto g = m_ctx.from_wkb(f->wkb);
            const auto b = m_ctx.envelope(*g);
            if (b.xmax < tbox.xmin || b.xmin > tbox.xmax || b.ymax < tbox.ymin || b.ymin > tbox.ymax) continue;
            const double area = m_ctx.area(*g);
            if (area <= 0) continue;
            const double share = m_ctx.area(*m_ctx.intersection(*g, *tgeom)) / area;
            if (share > 1e-9) w.items.emplace_back(f, share);
        }
        return m_weights[key] = std::move(w);
    }

    spatial::GeosContext m_ctx;
    std::map<std::string, Weights> m_weights;
    std::map<std::string, std::pair<std::optional<double>, bool>> m_scales;
};

std::string status_for(double value, const std::optional<Target>& t) {
    if (!t) return "no_target";
    return status_en(assess(value, t, ScoringConfig{}).status);
}
}  // namespace

CompareResult compare_years(const StoreReader& reader, const CompareOptions& options) {
    CompareResult out;
    out.worsen_share = options.worsen_share;
    out.city = options.city;
    if (out.city.empty()) {
        const auto cities = reader.cities();
        if (cities.size() != 1) {
            std::string list;
            for (const auto& c : cities) list += (list.empty() ? "" : ", ") + c;
            throw UsageError(cities.empty() ? "the store holds no runs" : "the store holds several cities (" + list + "); choose one with --city");
        }
        out.city = cities.front();
    }
    out.years = options.years.empty() ? reader.years(out.city) : options.years;
    std::sort(out.years.begin(), out.years.end());
    out.years.erase(std::unique(out.years.begin(), out.years.end()), out.years.end());
    if (out.years.size() < 2) throw UsageError("compare needs at least two years with runs of " + out.city);
    if (options.worsen_share < 0) throw UsageError("--worsen-share must be ≥ 0");

    std::vector<YearData> data;
    for (int y : out.years) data.push_back(load_year(reader, out.city, y));
    const YearData& last = data.back();
    const std::size_t n = data.size();

    // Indicators: the newest year's order, then any only older years had.
    std::vector<std::string> indicators = last.indicator_order;
    for (const auto& d : data)
        for (const auto& id : d.indicator_order)
            if (std::find(indicators.begin(), indicators.end(), id) == indicators.end()) indicators.push_back(id);

    // Zones: the newest year's, then zones that disappeared.
    std::vector<std::pair<std::string, std::string>> zones;  // level, zone
    std::set<std::string> seen;
    for (const auto& k : last.zone_order) {
        const auto& z = last.zones.at(k);
        zones.emplace_back(z.level, z.zone_id);
        seen.insert(k);
    }
    for (const auto& d : data)
        for (const auto& k : d.zone_order)
            if (!seen.count(k)) {
                seen.insert(k);
                zones.emplace_back(d.zones.at(k).level, d.zones.at(k).zone_id);
            }
    std::stable_sort(zones.begin(), zones.end(), [](const auto& a, const auto& b) { return level_rank(a.first) < level_rank(b.first); });

    Reaggregator reagg;
    for (const auto& [level, zone_id] : zones) {
        if (!options.level.empty() && level != options.level) continue;
        const auto zk = key2(level, zone_id);
        const ZoneInfo* newest = nullptr;
        for (auto it = data.rbegin(); it != data.rend() && !newest; ++it)
            if (auto z = it->zones.find(zk); z != it->zones.end()) newest = &z->second;
        const bool in_last = last.zones.count(zk) > 0;
        std::vector<bool> same_as_last(n, false);  // per year: the zone's boundary equals the newest one
        for (std::size_t y = 0; y < n && in_last; ++y) {
            auto z = data[y].zones.find(zk);
            same_as_last[y] = z != data[y].zones.end() &&
                              (y == n - 1 || (data[y].run.crs == last.run.crs &&
                                              reagg.same_boundary(z->second, last.zones.at(zk), options.area_tolerance)));
        }
        for (const auto& ind : indicators) {
            ChangeRow row;
            row.indicator_id = ind;
            row.level = level;
            row.zone_id = zone_id;
            row.zone_name = newest ? newest->zone_name : "";
            const IndicatorInfo* info = nullptr;
            for (auto it = data.rbegin(); it != data.rend() && !info; ++it)
                if (auto f = it->indicators.find(ind); f != it->indicators.end()) info = &f->second;
            if (info) {
                row.name_zh = info->name_zh;
                row.unit = info->unit;
            }
            const auto target = info ? stored_target(*info) : std::nullopt;
            row.direction = direction_of(target);
            std::vector<std::string> notes;
            for (std::size_t y = 0; y < n; ++y) {
                const auto& d = data[y];
                std::optional<double> value;
                std::string status;
                YearSource src = YearSource::absent;
                auto z = d.zones.find(zk);
                auto v = d.values.find(key3(ind, level, zone_id));
                if (!in_last) {
                    src = YearSource::not_comparable;
                    if (v != d.values.end()) value = v->second.value;
                    if (v != d.values.end()) status = v->second.status;
                } else if (z == d.zones.end() || v == d.values.end()) {
                    src = YearSource::absent;
                } else {
                    const double a_new = last.zones.at(zk).area_m2, a_old = z->second.area_m2;
                    if (same_as_last[y]) {
                        src = YearSource::stored;
                        value = v->second.value;
                        status = v->second.status;
                    } else {
                        const auto r = reagg.run(d, ind, last.zones.at(zk), last.run.crs);
                        if (r.value) {
                            src = YearSource::reaggregated;
                            value = r.value;
                            const auto* yi = d.indicators.count(ind) ? &d.indicators.at(ind) : nullptr;
                            status = status_for(*value, yi ? stored_target(*yi) : target);
                            notes.push_back(std::to_string(d.year) + " re-aggregated (boundary area " + fmt(a_old) + " → " + fmt(a_new) + " m²)");
                        } else {
                            src = YearSource::not_comparable;
                            notes.push_back(std::to_string(d.year) + ": boundary changed; " + r.reason);
                        }
                    }
                }
                if (src == YearSource::absent && in_last) notes.push_back(std::to_string(d.year) + ": no value");
                row.values.push_back(src == YearSource::not_comparable ? std::nullopt : value);
                row.statuses.push_back(src == YearSource::not_comparable ? std::string() : status);
                row.sources.push_back(src);
            }
            if (!in_last) {
                row.comparability = "not_comparable";
                row.comparability_note = "zone not in " + std::to_string(last.year);
            } else if (std::count(row.sources.begin(), row.sources.end(), YearSource::not_comparable)) {
                row.comparability = "not_comparable";
            } else if (std::count(row.sources.begin(), row.sources.end(), YearSource::reaggregated)) {
                row.comparability = "reaggregated";
            } else {
                row.comparability = "comparable";
            }
            if (row.comparability_note.empty())
                for (const auto& s : notes) row.comparability_note += (row.comparability_note.empty() ? "" : "; ") + s;

            // Change, slope and trend over the years with a value.
            std::vector<std::pair<double, double>> pts;
            for (std::size_t y = 0; y < n; ++y)
                if (row.values[y] && std::isfinite(*row.values[y])) pts.emplace_back(out.years[y], *row.values[y]);
            row.trend_points = static_cast<int>(pts.size());
            if (pts.size() >= 2) {
                row.change = pts.back().second - pts.front().second;
                if (pts.front().second != 0) row.change_share = *row.change / std::fabs(pts.front().second);
                auto fit = [&](const std::vector<std::pair<double, double>>& p) {
                    double mx = 0, my = 0;
                    for (const auto& [x, yv] : p) mx += x, my += yv;
                    mx /= static_cast<double>(p.size());
                    my /= static_cast<double>(p.size());
                    double sxy = 0, sxx = 0;
                    for (const auto& [x, yv] : p) sxy += (x - mx) * (yv - my), sxx += (x - mx) * (x - mx);
                    return sxx > 0 ? sxy / sxx : 0.0;
                };
                row.slope = fit(pts);
                double mean_abs = 0;
                for (const auto& p : pts) mean_abs += std::fabs(p.second);
                mean_abs /= static_cast<double>(pts.size());
                const double span = pts.back().first - pts.front().first;
                double better_slope = 0;  // positive: improving
                if (row.direction == "higher_better") better_slope = *row.slope;
                else if (row.direction == "lower_better") better_slope = -*row.slope;
                else if (row.direction == "toward_target") {
                    auto gaps = pts;
                    for (auto& g : gaps) g.second = gap_abs(g.second, *target);
                    better_slope = -fit(gaps);
                }
                if (row.direction == "unknown") {
                    row.trend = "unknown";
                    row.trend_zh = "方向未知";
                } else if (std::fabs(better_slope * span) <= 0.01 * mean_abs) {
                    row.trend = "stable";
                    row.trend_zh = "持平";
                } else if (better_slope > 0) {
                    row.trend = "improving";
                    row.trend_zh = "改善";
                } else {
                    row.trend = "worsening";
                    row.trend_zh = "恶化";
                }
            } else {
                row.trend = "insufficient";
                row.trend_zh = "数据不足";
            }

            // Warnings.
            const std::string where = row.name_zh + " (" + ind + "), " + level + " " + zone_id +
                                      (row.zone_name.empty() ? "" : " " + row.zone_name);
            const auto [lo, hi] = plausible_range(row.unit);
            for (std::size_t y = 0; y < n; ++y) {
                if (!row.values[y] || !std::isfinite(*row.values[y])) continue;
                const double v = *row.values[y];
                // Plausibility catches gross errors, not measurement noise: a zone wholly built up
                // computes as 100.0002 % when clipped parcel areas carry ppm-level rounding.
                const auto slack = [](double bound) { return 1e-4 * std::max(1.0, std::abs(bound)); };
                if ((lo && v < *lo - slack(*lo)) || (hi && v > *hi + slack(*hi))) {
                    CompareWarning w{"implausible", ind, level, zone_id, out.years[y], out.years[y], v, v, ""};
                    w.message = where + ": " + std::to_string(out.years[y]) + " value " + fmt(v) + " is outside the plausible range " +
                                (lo ? fmt(*lo) : std::string("−∞")) + "–" + (hi ? fmt(*hi) : std::string("∞")) + " " +
                                unit_label(row.unit);
                    out.warnings.push_back(std::move(w));
                }
            }
            for (std::size_t y = 1; y < n; ++y) {
                // Consecutive years, skipping years without a value.
                std::size_t p = y;
                while (p > 0 && !(row.values[p - 1] && std::isfinite(*row.values[p - 1]))) --p;
                if (p == 0 || !row.values[y] || !std::isfinite(*row.values[y])) continue;
                const std::size_t prev = p - 1;
                const double a = *row.values[prev], b = *row.values[y];
                const std::string span = std::to_string(out.years[prev]) + " → " + std::to_string(out.years[y]);
                if (row.statuses[prev] == "met" && (row.statuses[y] == "not_met" || row.statuses[y] == "nearly_met")) {
                    CompareWarning w{"target_crossed", ind, level, zone_id, out.years[prev], out.years[y], a, b, ""};
                    w.message = where + ": 达标 → " + status_zh(row.statuses[y] == "not_met" ? Status::not_met : Status::nearly_met) +
                                " (" + span + ": " + fmt(a) + " → " + fmt(b) + (info ? ", target " + info->target : std::string()) + ")";
                    out.warnings.push_back(std::move(w));
                }
                const auto worse = worsening(a, b, row.direction, target);
                if (worse && *worse > 0 && *worse > options.worsen_share * std::fabs(a)) {
                    CompareWarning w{"worsened", ind, level, zone_id, out.years[prev], out.years[y], a, b, ""};
                    w.message = where + ": worsened by " + fmt(*worse) + " " + unit_label(row.unit) + " (" + span + ": " + fmt(a) +
                                " → " + fmt(b) + (a != 0 ? ", " + fmt(100.0 * *worse / std::fabs(a)) + "%" : std::string()) +
                                " > " + fmt(100.0 * options.worsen_share) + "%)";
                    out.warnings.push_back(std::move(w));
                }
            }
            out.rows.push_back(std::move(row));
        }
    }
    return out;
}

namespace {
nlohmann::json jopt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
std::string copt(const std::optional<double>& v) {
    if (!v || !std::isfinite(*v)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", *v);
    return buf;
}
}  // namespace

nlohmann::json to_json(const CompareResult& r) {
    nlohmann::json j;
    j["city"] = r.city;
    j["years"] = r.years;
    j["worsen_share"] = r.worsen_share;
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : r.rows) {
        nlohmann::json years = nlohmann::json::object();
        for (std::size_t y = 0; y < r.years.size(); ++y)
            years[std::to_string(r.years[y])] = {{"value", jopt(row.values[y])}, {"status", row.statuses[y]},
                                                 {"source", to_string(row.sources[y])}};
        rows.push_back({{"zone_id", row.zone_id}, {"zone_name", row.zone_name}, {"level", row.level},
                        {"indicator_id", row.indicator_id}, {"indicator_name", row.name_zh}, {"unit", row.unit},
                        {"years", years}, {"comparability", row.comparability}, {"comparability_note", row.comparability_note},
                        {"change", jopt(row.change)}, {"change_share", jopt(row.change_share)}, {"slope_per_year", jopt(row.slope)},
                        {"trend_points", row.trend_points}, {"direction", row.direction}, {"trend", row.trend},
                        {"trend_zh", row.trend_zh}});
    }
    j["changes"] = rows;
    nlohmann::json warnings = nlohmann::json::array();
    for (const auto& w : r.warnings)
        warnings.push_back({{"kind", w.kind}, {"indicator_id", w.indicator_id}, {"level", w.level}, {"zone_id", w.zone_id},
                            {"year_from", w.year_from}, {"year_to", w.year_to}, {"value_from", jopt(w.value_from)},
                            {"value_to", jopt(w.value_to)}, {"message", w.message}});
    j["warnings"] = warnings;
    return j;
}

std::vector<std::filesystem::path> write_compare(const CompareResult& r, const std::filesystem::path& path) {
    auto ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto write_text = [](const std::filesystem::path& p, const std::string& text) {
        AtomicOutput out(p);
        std::ofstream f(out.temp_path(), std::ios::binary);
        if (!f) throw OutputError("cannot create the file", ErrorContext{p.string()});
        f << text;
        f.close();
        if (!f) throw OutputError("write failed", ErrorContext{p.string()});
        out.commit();
    };
    if (ext == ".json") {
        write_text(path, to_json(r).dump(2) + "\n");
        return {path};
    }
    if (ext != ".csv") throw UsageError("compare writes .csv or .json, not '" + ext + "'", ErrorContext{path.string()});
    auto line = [](const std::vector<std::string>& cells) {
        std::string s;
        for (std::size_t i = 0; i < cells.size(); ++i) s += (i ? "," : "") + csv_field(cells[i]);
        return s + "\n";
    };
    std::vector<std::string> head = {"zone_id", "zone_name", "level", "indicator_id", "indicator_name", "unit"};
    for (int y : r.years) head.push_back("value_" + std::to_string(y));
    for (int y : r.years) head.push_back("status_" + std::to_string(y));
    for (std::size_t y = 1; y < r.years.size(); ++y) head.push_back("change_" + std::to_string(r.years[y]));
    for (const char* c : {"change", "change_share", "slope_per_year", "trend_points", "direction", "trend", "trend_zh",
                          "comparability", "comparability_note"})
        head.push_back(c);
    std::string text = line(head);
    for (const auto& row : r.rows) {
        std::vector<std::string> cells = {row.zone_id, row.zone_name, row.level, row.indicator_id, row.name_zh, row.unit};
        for (const auto& v : row.values) cells.push_back(copt(v));
        for (const auto& s : row.statuses) cells.push_back(s);
        for (std::size_t y = 1; y < r.years.size(); ++y)
            cells.push_back(row.values[y] && row.values[y - 1] ? copt(*row.values[y] - *row.values[y - 1]) : "");
        cells.push_back(copt(row.change));
        cells.push_back(copt(row.change_share));
        cells.push_back(copt(row.slope));
        cells.push_back(std::to_string(row.trend_points));
        cells.push_back(row.direction);
        cells.push_back(row.trend);
        cells.push_back(row.trend_zh);
        cells.push_back(row.comparability);
        cells.push_back(row.comparability_note);
        text += line(cells);
    }
    write_text(path, text);
    auto wpath = path.parent_path() / (path.stem().string() + "_warnings.csv");
    std::string wt = line({"zone_id", "level", "indicator_id", "kind", "year_from", "year_to", "value_from", "value_to", "message"});
    for (const auto& w : r.warnings)
        wt += line({w.zone_id, w.level, w.indicator_id, w.kind, std::to_string(w.year_from), std::to_string(w.year_to),
                    copt(w.value_from), copt(w.value_to), w.message});
    write_text(wpath, wt);
    return {path, wpath};
}

}  // namespace citycheck::engine::store
