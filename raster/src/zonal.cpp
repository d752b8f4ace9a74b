// Zonal statistics: raster-major, parallel over windows, deterministic merge per (zone, unit).
#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/core/per_thread.hpp>
#include <citycheck/raster/cell_area.hpp>
#include <citycheck/raster/zonal.hpp>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>

namespace citycheck::raster {

namespace {

std::string number_text(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

double parse_number(std::string_view s, std::string_view stat) {
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
        throw UsageError("'" + std::string(s) + "' is not a number in statistic '" + std::string(stat) + "'");
    return v;
}

bool is_number(std::string_view s) {
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

[[noreturn]] void too_many_classes(const ZoneSet& zones, std::size_t z, const ValueSource& source, std::size_t cap) {
    throw InputError("zone '" + zones.zones[z].id + "' has more than " + std::to_string(cap) + " distinct values in " +
                         source.name() +
                         ": majority and frac are for categorical rasters (land cover classes); use mean, min, max or "
                         "frac_gt/frac_in on a continuous raster, or raise --max-classes",
                     {.file = zones.source, .field = zones.id_field, .feature = zones.zones[z].id});
}

struct Partial {
    long long unit;
    std::vector<ZoneAccumulator> acc;  // per source
};

// One row of a zone's coverage inside a read window: its cell area, the fractions, and the offset
// of its first cell in the window's blocks.
struct CoverageRow {
    double cell_area;
    const double* fractions;
    std::size_t base;
};

CoverageRow coverage_row(const Coverage& cov, const Window& win, const std::vector<double>& areas, int r) {
    const auto& cw = cov.window;
    const int row = cw.row_off + r;
    return {areas[static_cast<std::size_t>(row)], cov.fractions.data() + static_cast<std::size_t>(r) * cw.cols,
            static_cast<std::size_t>(row - win.row_off) * win.cols + static_cast<std::size_t>(cw.col_off - win.col_off)};
}

// The weighted moments of one zone over one window, in a tight loop of locals. Sums are shifted by
// the first valid value: a stable variance without a division per cell.
struct Moments {
    double cover = 0, weight = 0, area = 0, sum = 0, d1 = 0, d2 = 0, shift = 0;
    double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity();
};

Moments moments(const Coverage& cov, const Window& win, const Block& values, const std::vector<double>& areas) {
    Moments m;
    bool first = true;
    const auto& cw = cov.window;
    for (int r = 0; r < cw.rows; ++r) {
        const auto [a, f, base] = coverage_row(cov, win, areas, r);
        const double* vals = values.values.data() + base;
        const std::uint8_t* ok = values.valid.data() + base;
        double cover = 0, weight = 0, sum = 0, d1 = 0, d2 = 0, lo = m.min, hi = m.max;
        for (int c = 0; c < cw.cols; ++c) {
            const double w = f[c];
            cover += w;
            if (w <= 0 || !ok[c]) continue;
            const double v = vals[c];
            if (first) m.shift = v, first = false;
            const double d = v - m.shift;
            weight += w;
            sum += w * v;
            d1 += w * d;
            d2 += w * d * d;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        m.cover += cover;
        m.weight += weight;
        m.area += weight * a;  // one cell area per row
        m.sum += sum;
        m.d1 += d1;
        m.d2 += d2;
        m.min = lo;
        m.max = hi;
    }
    return m;
}

// Adds one zone's coverage of one window of one source to acc (a fresh partial). Returns whether
// any cell of the zone lies in the window.
template <class OnTooManyClasses>
bool accumulate_source(ZoneAccumulator& acc, const Coverage& cov, const Window& win, const Block& values, const Block* weights,
                       const std::vector<double>& areas, const std::vector<StatSpec>& stats, const std::vector<std::size_t>& conds,
                       bool need_hist, OnTooManyClasses&& on_too_many, std::size_t max_classes) {
    const Moments m = moments(cov, win, values, areas);
    acc.cover_all = m.cover;
    acc.cond_weight.assign(conds.size(), 0.0);
    acc.cond_area.assign(conds.size(), 0.0);
    if (m.weight > 0) {
        acc.weight = m.weight;
        acc.area = m.area;
        acc.sum = m.sum;
        acc.mean = m.shift + m.d1 / m.weight;
        acc.m2 = std::max(0.0, m.d2 - m.d1 * m.d1 / m.weight);
        acc.min = m.min;
        acc.max = m.max;
    }
    if (m.weight > 0 && (!conds.empty() || need_hist || weights)) {  // the per-cell extras, in a second pass
        const auto& cw = cov.window;
        for (int r = 0; r < cw.rows; ++r) {
            const auto [a, f, base] = coverage_row(cov, win, areas, r);
            for (int c = 0; c < cw.cols; ++c) {
                const double w = f[c];
                const std::size_t i = base + static_cast<std::size_t>(c);
                if (w <= 0 || !values.valid[i]) continue;
                const double v = values.values[i];
                for (std::size_t k = 0; k < conds.size(); ++k)
                    if (stats[conds[k]].holds(v)) acc.cond_weight[k] += w, acc.cond_area[k] += w * a;
                if (need_hist) {
                    acc.histogram[v] += w;
                    if (acc.histogram.size() > max_classes) on_too_many();
                }
                if (weights && weights->valid[i]) {
                    acc.wsum += w * weights->values[i] * v;
                    acc.wweight += w * weights->values[i];
                }
            }
        }
    }
    return m.cover > 0;
}

}  // namespace

BandSource::BandSource(const Raster& raster, int band) : m_raster(raster), m_band(band) { raster.check_band(band); }

bool StatSpec::holds(double v) const noexcept {
    switch (kind) {
        case StatKind::frac_gt: return v > threshold;
        case StatKind::frac_ge: return v >= threshold;
        case StatKind::frac_lt: return v < threshold;
        case StatKind::frac_le: return v <= threshold;
        case StatKind::frac_in: return std::find(classes.begin(), classes.end(), v) != classes.end();
        default: return false;
    }
}

std::vector<StatSpec> parse_stats(std::string_view text) {
    static const std::pair<std::string_view, StatKind> plain[] = {
        {"count", StatKind::count},   {"sum", StatKind::sum},           {"mean", StatKind::mean},
        {"min", StatKind::min},       {"max", StatKind::max},           {"stdev", StatKind::stdev},
        {"majority", StatKind::majority}, {"frac", StatKind::frac},     {"weighted_mean", StatKind::weighted_mean},
        {"weighted_sum", StatKind::weighted_sum}, {"valid_frac", StatKind::valid_frac}, {"area", StatKind::area}};
    static const std::pair<std::string_view, StatKind> conditions[] = {
        {"frac_gt", StatKind::frac_gt}, {"frac_ge", StatKind::frac_ge}, {"frac_lt", StatKind::frac_lt},
        {"frac_le", StatKind::frac_le}, {"frac_in", StatKind::frac_in}};
    std::vector<StatSpec> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto end = text.find(',', pos);
        if (end == std::string_view::npos) end = text.size();
        const auto tok = text.substr(pos, end - pos);
        pos = end + 1;
        if (tok.empty()) {
            if (end == text.size()) break;
            continue;
        }
        if (is_number(tok) && !out.empty() && out.back().kind == StatKind::frac_in) {
            out.back().classes.push_back(parse_number(tok, "frac_in"));
            out.back().name += "_" + std::string(tok);
            continue;
        }
        StatSpec s;
        const auto colon = tok.find(':');
        const auto head = tok.substr(0, colon);
        bool known = false;
        if (colon == std::string_view::npos) {
            for (const auto& [n, k] : plain)
                if (n == head) s.kind = k, known = true;
            s.name = std::string(head);
        } else {
            const auto arg = tok.substr(colon + 1);
            for (const auto& [n, k] : conditions)
                if (n == head) s.kind = k, known = true;
            if (known && s.kind == StatKind::frac_in) {
                s.classes.push_back(parse_number(arg, tok));
                s.name = "frac_in_" + std::string(arg);
            } else if (known) {
                s.threshold = parse_number(arg, tok);
                s.name = std::string(head) + "_" + std::string(arg);
            }
        }
        if (!known)
            throw UsageError("unknown statistic '" + std::string(tok) +
                             "'; use count, sum, mean, min, max, stdev, majority, frac, frac_gt:X, frac_ge:X, frac_lt:X, "
                             "frac_le:X, frac_in:A,B,C, weighted_mean, weighted_sum, valid_frac, area");
        out.push_back(std::move(s));
        if (end == text.size()) break;
    }
    if (out.empty()) throw UsageError("no statistics given (e.g. --stats mean,count)");
    return out;
}

void ZoneAccumulator::merge(const ZoneAccumulator& o) {
    cover_all += o.cover_all;
    if (o.weight > 0) {
        const double n = weight + o.weight;
        const double delta = o.mean - mean;
        mean += delta * o.weight / n;
        m2 += o.m2 + delta * delta * weight * o.weight / n;
        weight = n;
    }
    area += o.area;
    sum += o.sum;
    min = std::min(min, o.min);
    max = std::max(max, o.max);
    wsum += o.wsum;
    wweight += o.wweight;
    if (cond_weight.size() < o.cond_weight.size()) {
        cond_weight.resize(o.cond_weight.size(), 0.0);
        cond_area.resize(o.cond_area.size(), 0.0);
    }
    for (std::size_t k = 0; k < o.cond_weight.size(); ++k) {
        cond_weight[k] += o.cond_weight[k];
        cond_area[k] += o.cond_area[k];
    }
    for (const auto& [v, w] : o.histogram) histogram[v] += w;
}

ZonalResult compute_zonal(const ZonalInput& input, const ZoneSet& zones, const ZonalOptions& options,
                          const Progress& progress) {
    if (input.sources.empty()) throw InternalError("zonal statistics without a value source");
    const Grid& grid = input.sources[0]->grid();
    if (grid.crs().empty())
        throw InputError("the raster has no CRS; assign one (gdal_edit.py -a_srs EPSG:...)", {.file = input.sources[0]->name()});
    for (const auto* s : input.sources)
        if (!s->grid().aligned_with(grid))
            throw InputError("rasters are on different grids: " + grid.describe() + " vs " + s->grid().describe() +
                             "; resample one onto the other first (gdalwarp -tr/-te) or use --align");
    if (input.weights && !input.weights->grid().aligned_with(grid))
        throw InputError("the weight raster's grid " + input.weights->grid().describe() + " differs from the value raster's grid " +
                         grid.describe() + "; resample it (gdalwarp) or pass --align");
    bool need_hist = false;
    std::vector<std::size_t> conds;
    for (std::size_t i = 0; i < input.stats.size(); ++i) {
        const auto& s = input.stats[i];
        if (s.kind == StatKind::majority || s.kind == StatKind::frac) need_hist = true;
        if (s.is_condition()) conds.push_back(i);
        if ((s.kind == StatKind::weighted_mean || s.kind == StatKind::weighted_sum) && !input.weights)
            throw UsageError("statistic '" + s.name + "' needs a weight raster (--weights)");
    }
    const auto areas = cell_areas_m2(grid);
    const std::size_t nz = zones.zones.size(), ns = input.sources.size();

    // Zone rings (plain coordinates, shared read-only by every worker) and windows.
    std::vector<std::vector<PolygonRings>> rings(nz);
    std::vector<Window> zone_windows(nz);
    {
        PerThread<spatial::GeosContext> geos([] { return spatial::GeosContext(); });
        tbb::parallel_for(std::size_t(0), nz, [&](std::size_t z) {
            const auto& zone = zones.zones[z];
            if (zone.wkb.empty()) return;
            auto& ctx = geos.local();
            rings[z] = polygon_rings(*ctx.from_wkb(zone.wkb), ctx);
            zone_windows[z] = window_for_box(grid, zone.box);
        });
    }
    // In fractional mode a zone's size in cells is its geometric area, parts outside the grid
    // included, so valid_frac counts those parts as missing data.
    std::vector<double> zone_cells(nz, 0.0);
    if (options.mode == CoverageMode::fractional)
        for (std::size_t z = 0; z < nz; ++z)
            for (const auto& poly : rings[z])
                for (std::size_t i = 0; i < poly.rings.size(); ++i) {
                    const auto& xy = poly.rings[i];
                    double s2 = 0;
                    for (std::size_t k = 0; k + 3 < xy.size(); k += 2) s2 += xy[k] * xy[k + 3] - xy[k + 2] * xy[k + 1];
                    if (xy.size() >= 4) s2 += xy[xy.size() - 2] * xy[1] - xy[0] * xy[xy.size() - 1];
                    zone_cells[z] += (i == 0 ? 1 : -1) * std::abs(s2) / 2 / std::abs(grid.cell_width() * grid.cell_height());
                }
    Window area{};
    bool any = false;
    for (const auto& w : zone_windows) {
        if (w.cells() == 0) continue;
        if (!any) {
            area = w;
            any = true;
            continue;
        }
        const int c0 = std::min(area.col_off, w.col_off), r0 = std::min(area.row_off, w.row_off);
        const int c1 = std::max(area.col_off + area.cols, w.col_off + w.cols);
        const int r1 = std::max(area.row_off + area.rows, w.row_off + w.rows);
        area = {c0, r0, c1 - c0, r1 - r0};
    }
    ZonalResult result(nz, std::vector<ZoneAccumulator>(ns));
    for (auto& row : result)
        for (auto& a : row) a.cond_weight.assign(conds.size(), 0.0), a.cond_area.assign(conds.size(), 0.0);
    auto finish = [&] {
        for (std::size_t z = 0; z < nz; ++z)
            for (auto& a : result[z]) a.cover_all = std::max(a.cover_all, zone_cells[z]);
        return std::move(result);
    };
    if (!any) return finish();

    // Enough windows for every worker; results do not depend on the window size.
    const BlockPlan plan(grid.cols(), grid.rows(), input.sources[0]->native_block(), options.max_cells, area,
                         4 * tbb::this_task_arena::max_concurrency());
    const auto unit = plan.unit();
    std::unordered_map<long long, std::vector<std::uint32_t>> buckets;  // unit → zones, ascending
    for (std::size_t z = 0; z < nz; ++z) {
        const auto& w = zone_windows[z];
        if (w.cells() == 0) continue;
        for (int ur = w.row_off / unit.rows; ur <= (w.row_off + w.rows - 1) / unit.rows; ++ur)
            for (int uc = w.col_off / unit.cols; uc <= (w.col_off + w.cols - 1) / unit.cols; ++uc)
                buckets[plan.unit_index(uc * unit.cols, ur * unit.rows)].push_back(static_cast<std::uint32_t>(z));
    }

    const auto& windows = plan.windows();
    std::vector<std::vector<std::pair<std::uint32_t, Partial>>> per_window(windows.size());
    ProgressCounter counter(progress, windows.size(), "zonal statistics");
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, windows.size(), 1), [&](const tbb::blocked_range<std::size_t>& range) {
        std::vector<Block> blocks(ns);
        Block weights;
        for (std::size_t wi = range.begin(); wi != range.end(); ++wi) {
            const Window& win = windows[wi];
            const auto units = plan.units_in(win);
            bool has_zones = false;
            for (const auto& u : units) has_zones = has_zones || buckets.count(plan.unit_index(u.col_off, u.row_off));
            if (has_zones) {
                for (std::size_t s = 0; s < ns; ++s) input.sources[s]->read(win, blocks[s]);
                if (input.weights) input.weights->read(win, weights);
            }
            for (const auto& u : units) {
                if (!has_zones) break;
                const long long ui = plan.unit_index(u.col_off, u.row_off);
                const auto it = buckets.find(ui);
                if (it == buckets.end()) continue;
                for (const auto z : it->second) {
                    const auto cov = compute_coverage(grid, std::span<const PolygonRings>(rings[z]), options.mode, u);
                    if (cov.empty()) continue;
                    Partial p{ui, std::vector<ZoneAccumulator>(ns)};
                    bool touched = false;
                    for (std::size_t s = 0; s < ns; ++s)
                        touched = accumulate_source(p.acc[s], cov, win, blocks[s], input.weights ? &weights : nullptr, areas,
                                                    input.stats, conds, need_hist, [&] {
                                                        too_many_classes(zones, z, *input.sources[s], options.max_classes);
                                                    }, options.max_classes) || touched;
                    if (touched) per_window[wi].emplace_back(z, std::move(p));
                }
            }
            counter.step();
        }
    });

    // Deterministic merge: each zone's partials in ascending unit order.
    std::vector<std::vector<const Partial*>> by_zone(nz);
    for (const auto& list : per_window)
        for (const auto& [z, p] : list) by_zone[z].push_back(&p);
    tbb::parallel_for(std::size_t(0), nz, [&](std::size_t z) {
        auto& parts = by_zone[z];
        std::sort(parts.begin(), parts.end(), [](const Partial* a, const Partial* b) { return a->unit < b->unit; });
        for (const auto* p : parts)
            for (std::size_t s = 0; s < ns; ++s) {
                result[z][s].merge(p->acc[s]);
                if (result[z][s].histogram.size() > options.max_classes)
                    too_many_classes(zones, z, *input.sources[s], options.max_classes);
            }
    });
    return finish();
}

ZonalTable make_table(const ZonalInput& input, const ZoneSet& zones, const ZonalResult& result, std::size_t max_classes) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::size_t ns = input.sources.size();
    ZonalTable t;
    // Classes seen per source for "frac".
    std::vector<std::vector<double>> classes(ns);
    for (std::size_t s = 0; s < ns; ++s) {
        std::map<double, bool> seen;
        for (const auto& row : result)
            for (const auto& [v, w] : row[s].histogram) seen[v] = true;
        for (const auto& [v, b] : seen) classes[s].push_back(v);
        const bool wants_frac = std::any_of(input.stats.begin(), input.stats.end(),
                                            [](const StatSpec& st) { return st.kind == StatKind::frac; });
        if (wants_frac && classes[s].size() > max_classes)
            throw InputError("the zones together hold " + std::to_string(classes[s].size()) + " distinct values of " +
                                 input.sources[s]->name() + ", more than " + std::to_string(max_classes) +
                                 " frac columns; frac is for categorical rasters (or raise --max-classes)",
                             {.file = zones.source});
    }
    for (std::size_t s = 0; s < ns; ++s) {
        const std::string prefix = ns > 1 ? input.sources[s]->name() + "_" : "";
        for (const auto& st : input.stats) {
            if (st.kind == StatKind::frac) {
                for (double v : classes[s]) t.columns.push_back(prefix + "frac_" + number_text(v));
            } else {
                t.columns.push_back(prefix + st.name);
            }
        }
    }
    for (std::size_t z = 0; z < zones.zones.size(); ++z) {
        t.zone_ids.push_back(zones.zones[z].id);
        std::vector<double> row;
        for (std::size_t s = 0; s < ns; ++s) {
            const auto& a = result[z][s];
            const bool has = a.weight > 0;
            std::size_t cond = 0;
            for (const auto& st : input.stats) {
                switch (st.kind) {
                    case StatKind::count: row.push_back(a.weight); break;
                    case StatKind::sum: row.push_back(a.sum); break;
                    case StatKind::mean: row.push_back(has ? a.sum / a.weight : nan); break;
                    case StatKind::min: row.push_back(has ? a.min : nan); break;
                    case StatKind::max: row.push_back(has ? a.max : nan); break;
                    case StatKind::stdev: row.push_back(has ? std::sqrt(std::max(0.0, a.m2 / a.weight)) : nan); break;
                    case StatKind::majority: {
                        double best = nan, bw = -1;
                        for (const auto& [v, w] : a.histogram)
                            if (w > bw) best = v, bw = w;  // ties: the smaller value (ascending order)
                        row.push_back(best);
                        break;
                    }
                    case StatKind::frac:
                        for (double v : classes[s]) {
                            const auto it = a.histogram.find(v);
                            row.push_back(!has ? nan : it == a.histogram.end() ? 0.0 : it->second / a.weight);
                        }
                        break;
                    case StatKind::frac_gt:
                    case StatKind::frac_ge:
                    case StatKind::frac_lt:
                    case StatKind::frac_le:
                    case StatKind::frac_in:
                        row.push_back(has ? a.cond_weight[cond] / a.weight : nan);
                        ++cond;
                        break;
                    case StatKind::weighted_mean: row.push_back(a.wweight != 0 ? a.wsum / a.wweight : nan); break;
                    case StatKind::weighted_sum: row.push_back(a.wsum); break;
                    case StatKind::valid_frac: row.push_back(a.cover_all > 0 ? a.weight / a.cover_all : 0.0); break;
                    case StatKind::area: row.push_back(a.area); break;
                }
            }
        }
        t.rows.push_back(std::move(row));
    }
    return t;
}

void warn_empty_zones(const ZoneSet& zones, const ZonalResult& result) {
    std::vector<std::string> ids;
    for (std::size_t z = 0; z < zones.zones.size(); ++z)
        if (result[z].empty() || result[z][0].weight <= 0) ids.push_back(zones.zones[z].id);
    if (ids.empty()) return;
    std::string list;
    for (std::size_t i = 0; i < ids.size() && i < 10; ++i) list += (i ? ", " : "") + ids[i];
    if (ids.size() > 10) list += ", …";
    log::warning(std::to_string(ids.size()) + " zone(s) do not overlap valid raster data (valid_frac 0): " + list);
}

}  // namespace citycheck::raster
