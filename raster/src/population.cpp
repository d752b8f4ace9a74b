// Population grid builders. Each one computes per-item weights in parallel (one GEOS context per
// thread, results kept per item) and adds them to the grid serially in item order, so the result
// is identical for any thread count.
#include <citycheck/core/compensated_sum.hpp>
#include <citycheck/raster/population.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <citycheck/core/error.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::raster {
namespace {

using spatial::GeomPtr;
using spatial::GeosContext;

using Sum = CompensatedSum;

// A share of an item's mass for one cell; the shares of an item add up to 1.
struct CellShare {
    std::int64_t cell = 0;
    double share = 0;
};

std::vector<CellShare> normalised(const std::vector<CellArea>& areas) {
    Sum s;
    for (const auto& a : areas) s.add(a.area);
    const double total = s.value();
    std::vector<CellShare> out;
    out.reserve(areas.size());
    if (total <= 0) return out;
    for (const auto& a : areas) out.push_back({a.cell, a.area / total});
    return out;
}

void add_shares(PopulationGrid& g, const std::vector<CellShare>& shares, double count) {
    for (const auto& s : shares) g.values[static_cast<std::size_t>(s.cell)] += count * s.share;
}

[[noreturn]] void unplaceable(const CountPolygon& z) {
    throw InputError("the polygon has no area inside the population grid (empty, degenerate or far from the "
                     "other data); check its geometry and CRS",
                     {.feature = z.id});
}

}  // namespace

PopulationGrid::PopulationGrid(Grid g)
    : grid(std::move(g)), values(static_cast<std::size_t>(grid.cols()) * static_cast<std::size_t>(grid.rows()), 0.0) {}

double PopulationGrid::total() const {
    Sum s;
    for (double v : values) s.add(v);
    return s.value();
}

Grid aligned_grid(const spatial::Box& extent, double cell_size, const spatial::Crs& crs) {
    if (!(cell_size > 0) || !std::isfinite(cell_size))
        throw UsageError("the grid cell size must be a positive number of metres");
    if (!(extent.xmin <= extent.xmax) || !(extent.ymin <= extent.ymax))
        throw InputError("cannot build a grid over an empty extent (no features?)");
    const double x0 = std::floor(extent.xmin / cell_size) * cell_size;
    const double y1 = std::ceil(extent.ymax / cell_size) * cell_size;
    const int cols = std::max(1, static_cast<int>(std::ceil((extent.xmax - x0) / cell_size - 1e-9)));
    const int rows = std::max(1, static_cast<int>(std::ceil((y1 - extent.ymin) / cell_size - 1e-9)));
    // Cover the right/bottom edges even when they fall exactly on a multiple.
    const int cols_ok = x0 + cols * cell_size < extent.xmax ? cols + 1 : cols;
    const int rows_ok = y1 - rows * cell_size > extent.ymin ? rows + 1 : rows;
    if (static_cast<double>(cols_ok) * rows_ok > 2e9)
        throw UsageError("the population grid would have more than 2e9 cells; use a larger --grid cell size");
    return Grid({x0, cell_size, 0, y1, 0, -cell_size}, cols_ok, rows_ok, crs);
}

PopulationGrid grid_areal_weighting(std::span<const CountPolygon> zones, const Grid& grid) {
    std::vector<std::vector<CellShare>> shares(zones.size());
    tbb::enumerable_thread_specific<GeosContext> contexts;
    tbb::parallel_for(std::size_t{0}, zones.size(), [&](std::size_t i) {
        auto& ctx = contexts.local();
        const auto g = ctx.from_wkb(zones[i].wkb);
        shares[i] = normalised(polygon_cell_areas(ctx, *g, grid));
    });
    PopulationGrid out(grid);
    for (std::size_t i = 0; i < zones.size(); ++i) {
        if (shares[i].empty()) {
            if (zones[i].count == 0) continue;
            unplaceable(zones[i]);
        }
        add_shares(out, shares[i], zones[i].count);
    }
    return out;
}

PopulationGrid grid_dasymetric(std::span<const CountPolygon> zones,
                               std::span<const std::vector<unsigned char>> residential, const Grid& grid,
                               DasymetricReport* report) {
    // Per thread: its own context, parcel geometries and tree (GEOS objects never cross threads).
    struct ThreadState {
        std::unique_ptr<GeosContext> ctx = std::make_unique<GeosContext>();
        std::vector<GeomPtr> parcels;
        std::unique_ptr<spatial::StrTree> tree;
    };
    tbb::enumerable_thread_specific<ThreadState> states;
    auto state_for_thread = [&]() -> ThreadState& {
        auto& st = states.local();
        if (!st.tree) {
            st.tree = std::make_unique<spatial::StrTree>(*st.ctx);
            st.parcels.reserve(residential.size());
            for (std::size_t k = 0; k < residential.size(); ++k) {
                st.parcels.push_back(st.ctx->from_wkb(residential[k]));
                st.tree->insert(st.ctx->envelope(*st.parcels.back()), k);
            }
            st.tree->build();
        }
        return st;
    };

    std::vector<std::vector<CellShare>> shares(zones.size());
    std::vector<char> fallback(zones.size(), 0);
    std::vector<double> used_area(zones.size(), 0.0);
    tbb::parallel_for(std::size_t{0}, zones.size(), [&](std::size_t i) {
        auto& st = state_for_thread();
        const auto& ctx = *st.ctx;
        const auto zone = ctx.from_wkb(zones[i].wkb);
        const auto prepared = ctx.prepare(*zone);
        std::vector<GeomPtr> pieces;
        std::vector<double> piece_area;
        for (std::size_t k : st.tree->query(ctx.envelope(*zone))) {
            const GEOSGeometry& parcel = *st.parcels[k];
            if (GEOSPreparedIntersects_r(ctx.get(), prepared.get(), &parcel) != 1) continue;
            GeomPtr piece = GEOSPreparedContains_r(ctx.get(), prepared.get(), &parcel) == 1
                                ? ctx.clone(parcel)
                                : ctx.intersection(*zone, parcel);
            const double a = ctx.area(*piece);
            if (a <= 0) continue;
            pieces.push_back(std::move(piece));
            piece_area.push_back(a);
        }
        Sum total;
        for (double a : piece_area) total.add(a);
        if (pieces.empty() || total.value() <= 0) {
            fallback[i] = 1;
            shares[i] = normalised(polygon_cell_areas(ctx, *zone, grid));
            return;
        }
        used_area[i] = total.value();
        // Merge the pieces' shares per cell, weighting each piece by its share of the zone's
        // residential land; then renormalise so the zone's shares add up to exactly its count.
        std::vector<CellArea> weighted;
        for (std::size_t p = 0; p < pieces.size(); ++p) {
            for (const auto& s : normalised(polygon_cell_areas(ctx, *pieces[p], grid)))
                weighted.push_back({s.cell, s.share * piece_area[p]});
        }
        std::stable_sort(weighted.begin(), weighted.end(), [](const CellArea& a, const CellArea& b) { return a.cell < b.cell; });
        std::vector<CellArea> merged;
        for (const auto& w : weighted) {
            if (!merged.empty() && merged.back().cell == w.cell)
                merged.back().area += w.area;
            else
                merged.push_back(w);
        }
        shares[i] = normalised(merged);
    });

    PopulationGrid out(grid);
    DasymetricReport rep;
    for (std::size_t i = 0; i < zones.size(); ++i) {
        if (fallback[i]) rep.fallback_zones.push_back(zones[i].id);
        rep.residential_area_m2 += used_area[i];
        if (shares[i].empty()) {
            if (zones[i].count == 0) continue;
            unplaceable(zones[i]);
        }
        add_shares(out, shares[i], zones[i].count);
    }
    if (report) *report = std::move(rep);
    return out;
}

namespace {
std::optional<std::int64_t> cell_of(const Grid& grid, double x, double y) {
    const auto& gt = grid.transform();
    const double fc = (x - gt[0]) / gt[1];
    const double fr = (gt[3] - y) / -gt[5];
    if (!(fc >= 0) || !(fr >= 0) || fc > grid.cols() || fr > grid.rows()) return std::nullopt;
    // A point on the far edge belongs to the last cell.
    const int c = std::min(static_cast<int>(fc), grid.cols() - 1);
    const int r = std::min(static_cast<int>(fr), grid.rows() - 1);
    return static_cast<std::int64_t>(r) * grid.cols() + c;
}
}  // namespace

PopulationGrid grid_points(std::span<const ValuePoint> points, const Grid& grid, double* outside) {
    // Cells found in parallel, added serially in point order (bit-identical for any thread count).
    std::vector<std::int64_t> cells(points.size(), -1);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, points.size(), 8192), [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i)
            if (const auto c = cell_of(grid, points[i].x, points[i].y)) cells[i] = *c;
    });
    PopulationGrid out(grid);
    Sum lost;
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (cells[i] >= 0)
            out.values[static_cast<std::size_t>(cells[i])] += points[i].value;
        else
            lost.add(points[i].value);
    }
    if (outside) *outside = lost.value();
    return out;
}

PopulationGrid grid_calibrated_points(std::span<const ValuePoint> heat, std::span<const CountPolygon> census,
                                      const Grid& grid, Calibration* calibration) {
    // Zone of each point (first containing or touching zone in input order), found in parallel:
    // one GEOS context, prepared zones and tree per thread; each point's answer depends on the
    // point alone, and the sums below run serially in point order, so any thread count gives
    // bit-identical factors and grids.
    struct ThreadState {
        std::unique_ptr<GeosContext> ctx = std::make_unique<GeosContext>();
        std::vector<GeomPtr> geoms;
        std::vector<spatial::PreparedPtr> prepared;
        std::unique_ptr<spatial::StrTree> tree;
    };
    tbb::enumerable_thread_specific<ThreadState> states;
    auto state_for_thread = [&]() -> ThreadState& {
        auto& st = states.local();
        if (!st.tree) {
            st.tree = std::make_unique<spatial::StrTree>(*st.ctx);
            for (std::size_t i = 0; i < census.size(); ++i) {
                st.geoms.push_back(st.ctx->from_wkb(census[i].wkb));
                st.prepared.push_back(st.ctx->prepare(*st.geoms.back()));
                st.tree->insert(st.ctx->envelope(*st.geoms.back()), i);
            }
            st.tree->build();
        }
        return st;
    };
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::vector<std::size_t> zone_of(heat.size(), none);
    constexpr std::size_t chunk = 4096;
    tbb::parallel_for(std::size_t{0}, (heat.size() + chunk - 1) / chunk, [&](std::size_t k) {
        auto& st = state_for_thread();
        const auto& ctx = *st.ctx;
        const std::size_t end = std::min(heat.size(), (k + 1) * chunk);
        for (std::size_t p = k * chunk; p < end; ++p) {
            const auto pt = ctx.make_point(heat[p].x, heat[p].y);
            std::size_t best = none;
            // The tree's order is not input order: keep the smallest matching index.
            for (std::size_t i : st.tree->query({heat[p].x, heat[p].y, heat[p].x, heat[p].y}))
                if (i < best && GEOSPreparedIntersects_r(ctx.get(), st.prepared[i].get(), pt.get()) == 1) best = i;
            zone_of[p] = best;
        }
    });
    Calibration cal;
    cal.rows.resize(census.size());
    std::vector<Sum> heat_sum(census.size());
    Sum outside;
    for (std::size_t p = 0; p < heat.size(); ++p) {
        if (zone_of[p] == none) {
            ++cal.points_outside;
            outside.add(heat[p].value);
        } else {
            heat_sum[zone_of[p]].add(heat[p].value);
            ++cal.rows[zone_of[p]].points;
        }
    }
    cal.heat_outside = outside.value();
    std::vector<CountPolygon> fallback;
    for (std::size_t i = 0; i < census.size(); ++i) {
        auto& row = cal.rows[i];
        row.zone_id = census[i].id;
        row.census = census[i].count;
        row.heat = heat_sum[i].value();
        if (row.heat > 0) {
            row.factor = row.census / row.heat;
        } else if (row.census != 0) {
            row.areal_fallback = true;
            fallback.push_back(census[i]);
        }
    }
    std::vector<ValuePoint> scaled;
    scaled.reserve(heat.size());
    for (std::size_t p = 0; p < heat.size(); ++p)
        if (zone_of[p] != none) scaled.push_back({heat[p].x, heat[p].y, heat[p].value * cal.rows[zone_of[p]].factor});
    double lost = 0;
    PopulationGrid out = grid_points(scaled, grid, &lost);
    if (lost != 0) throw InternalError("calibrated heat points fell outside the population grid");
    if (!fallback.empty()) {
        const PopulationGrid extra = grid_areal_weighting(fallback, grid);
        for (std::size_t c = 0; c < out.values.size(); ++c) out.values[c] += extra.values[c];
    }
    if (calibration) *calibration = std::move(cal);
    return out;
}

namespace {
// For each source interval [a0 + k·da, a0 + (k+1)·da], the target intervals it overlaps and the
// share of its length in each (shares of one interval add up to 1 when it lies inside the target).
struct AxisShare {
    int index = 0;
    double share = 0;
};
std::vector<std::vector<AxisShare>> axis_shares(double a0, double da, int n, double b0, double db, int m) {
    std::vector<std::vector<AxisShare>> out(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) {
        const double lo = a0 + k * da, hi = a0 + (k + 1) * da;
        const int j0 = std::max(0, static_cast<int>(std::floor((lo - b0) / db)));
        const int j1 = std::min(m - 1, static_cast<int>(std::ceil((hi - b0) / db)));
        for (int j = j0; j <= j1; ++j) {
            const double len = std::min(hi, b0 + (j + 1) * db) - std::max(lo, b0 + j * db);
            if (len > 0) out[static_cast<std::size_t>(k)].push_back({j, len / da});
        }
    }
    return out;
}
}  // namespace

PopulationGrid resample_sum(const PopulationGrid& source, const Grid& target, double* outside) {
    const auto& s = source.grid.transform();
    const auto& t = target.transform();
    if (s[5] >= 0 || t[5] >= 0 || s[2] != 0 || s[4] != 0 || t[2] != 0 || t[4] != 0)
        throw InputError("sum-preserving resampling needs north-up grids without rotation");
    // Rows run downwards: measure them as distance below the top edge of the target.
    const auto cols = axis_shares(s[0], s[1], source.grid.cols(), t[0], t[1], target.cols());
    const auto rows = axis_shares(t[3] - s[3], -s[5], source.grid.rows(), 0.0, -t[5], target.rows());
    PopulationGrid out(target);
    Sum lost;
    for (int r = 0; r < source.grid.rows(); ++r) {
        for (int c = 0; c < source.grid.cols(); ++c) {
            const double v = source.values[static_cast<std::size_t>(r) * source.grid.cols() + c];
            if (v == 0) continue;
            Sum placed;
            for (const auto& ry : rows[static_cast<std::size_t>(r)])
                for (const auto& cx : cols[static_cast<std::size_t>(c)]) {
                    const double add = v * ry.share * cx.share;
                    out.values[static_cast<std::size_t>(ry.index) * target.cols() + cx.index] += add;
                    placed.add(add);
                }
            lost.add(v - placed.value());
        }
    }
    if (outside) *outside = lost.value();
    return out;
}

}  // namespace citycheck::raster
