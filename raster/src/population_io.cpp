// Population rasters in and out: a gridded-population file resampled onto the analysis grid by
// exact area overlap, and the grid written as a tiled GeoTIFF.
#include <citycheck/core/compensated_sum.hpp>
#include <citycheck/raster/population.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/core/per_thread.hpp>
#include <citycheck/raster/raster.hpp>
#include <citycheck/spatial/gdal.hpp>

namespace citycheck::raster {

spatial::Box raster_extent_in(const std::string& path, const spatial::Crs& crs) {
    auto ds = spatial::open_dataset(path, spatial::DatasetKind::raster);
    const Grid g = Grid::from_dataset(*ds);
    const spatial::Box e = g.extent();
    if (g.crs().empty() || g.crs().same_as(crs)) return e;
    std::vector<double> xs, ys;
    constexpr int steps = 20;
    for (int i = 0; i <= steps; ++i) {
        const double fx = e.xmin + (e.xmax - e.xmin) * i / steps;
        const double fy = e.ymin + (e.ymax - e.ymin) * i / steps;
        xs.insert(xs.end(), {fx, fx, e.xmin, e.xmax});
        ys.insert(ys.end(), {e.ymin, e.ymax, fy, fy});
    }
    spatial::Transform(g.crs(), crs).apply(xs, ys);
    return {*std::min_element(xs.begin(), xs.end()), *std::min_element(ys.begin(), ys.end()),
            *std::max_element(xs.begin(), xs.end()), *std::max_element(ys.begin(), ys.end())};
}

namespace {

using Sum = CompensatedSum;

struct Add {
    std::int64_t cell;
    double value;
};

// One accumulation unit's contribution: its valid source total and what it adds to each target
// cell (merged per cell in ascending cell order; within a cell, in source-cell order).
struct UnitResult {
    double total = 0;
    std::vector<Add> adds;
};

void merge_adds(std::vector<Add>& adds) {
    std::stable_sort(adds.begin(), adds.end(), [](const Add& a, const Add& b) { return a.cell < b.cell; });
    std::size_t k = 0;
    for (std::size_t i = 0; i < adds.size(); ++i) {
        if (k > 0 && adds[k - 1].cell == adds[i].cell)
            adds[k - 1].value += adds[i].value;
        else
            adds[k++] = adds[i];
    }
    adds.resize(k);
}

// For each source interval [a0 + k·da, a0 + (k+1)·da], the target intervals it overlaps and the
// share of its length in each.
struct AxisShare {
    int index = 0;
    double share = 0;
};
std::vector<AxisShare> axis_shares(double lo, double hi, double b0, double db, int m) {
    std::vector<AxisShare> out;
    const int j0 = std::max(0, static_cast<int>(std::floor((lo - b0) / db)));
    const int j1 = std::min(m - 1, static_cast<int>(std::ceil((hi - b0) / db)));
    for (int j = j0; j <= j1; ++j) {
        const double len = std::min(hi, b0 + (j + 1) * db) - std::max(lo, b0 + j * db);
        if (len > 0) out.push_back({j, len / (hi - lo)});
    }
    return out;
}

}  // namespace

// Streams the source window by window (BlockPlan under max_cells, one GDAL handle per thread).
// Windows of a plan list their units in global row-major unit order whatever the budget, and the
// units never depend on it, so applying unit results in that order makes the grid bit-identical
// for any window budget and thread count. Memory: one batch of windows plus the target grid.
PopulationGrid grid_from_raster(const std::string& path, const Grid& target, double* source_total, long long max_cells) {
    const Raster src(path);
    const Grid& sg = src.grid();
    if (sg.crs().empty())
        throw InputError("the population raster has no CRS; assign one (gdal_edit.py -a_srs) and retry", {.file = path});
    if (sg.transform()[5] >= 0 || sg.transform()[2] != 0 || sg.transform()[4] != 0)
        throw InputError("the population raster is not north-up; warp it first", {.file = path});
    const auto& t = target.transform();
    if (t[5] >= 0 || t[2] != 0 || t[4] != 0) throw InternalError("population target grid is not north-up");
    const bool same_crs = sg.crs().same_as(target.crs());
    const int concurrency = tbb::this_task_arena::max_concurrency();
    // Read only the source cells near the target (a national raster for one city): the target's
    // extent in the source CRS, densified edges, plus one cell of margin.
    Window area{0, 0, sg.cols(), sg.rows()};
    {
        const spatial::Box e = target.extent();
        std::vector<double> xs, ys;
        constexpr int steps = 32;
        for (int i = 0; i <= steps; ++i) {
            const double fx = e.xmin + (e.xmax - e.xmin) * i / steps, fy = e.ymin + (e.ymax - e.ymin) * i / steps;
            xs.insert(xs.end(), {fx, fx, e.xmin, e.xmax});
            ys.insert(ys.end(), {e.ymin, e.ymax, fy, fy});
        }
        if (!same_crs) spatial::Transform(target.crs(), sg.crs()).apply(xs, ys);
        const auto& g = sg.transform();
        const auto [x0, x1] = std::minmax_element(xs.begin(), xs.end());
        const auto [y0, y1] = std::minmax_element(ys.begin(), ys.end());
        const double c0 = std::floor((*x0 - g[0]) / g[1]) - 1, c1 = std::ceil((*x1 - g[0]) / g[1]) + 1;
        const double r0 = std::floor((*y1 - g[3]) / g[5]) - 1, r1 = std::ceil((*y0 - g[3]) / g[5]) + 1;
        if (std::isfinite(c0) && std::isfinite(c1) && std::isfinite(r0) && std::isfinite(r1)) {
            const int ic0 = static_cast<int>(std::clamp(c0, 0.0, double(sg.cols())));
            const int ic1 = static_cast<int>(std::clamp(c1, 0.0, double(sg.cols())));
            const int ir0 = static_cast<int>(std::clamp(r0, 0.0, double(sg.rows())));
            const int ir1 = static_cast<int>(std::clamp(r1, 0.0, double(sg.rows())));
            area = {ic0, ir0, ic1 - ic0, ir1 - ir0};
        }
    }
    PopulationGrid out(target);
    if (area.cols <= 0 || area.rows <= 0) {
        if (source_total) *source_total = 0;
        return out;
    }
    const BlockPlan plan(sg.cols(), sg.rows(), src.band(1).block, std::max(1LL, max_cells), area, 4 * concurrency);

    // Same CRS: separable shares per source column and row (small: cols + rows lists).
    std::vector<std::vector<AxisShare>> col_shares, row_shares;
    if (same_crs) {
        col_shares.resize(static_cast<std::size_t>(sg.cols()));
        for (int c = 0; c < sg.cols(); ++c)
            col_shares[static_cast<std::size_t>(c)] = axis_shares(sg.x_of_col(c), sg.x_of_col(c + 1), t[0], t[1], target.cols());
        // Rows run downwards: measured as distance below the target's top edge.
        row_shares.resize(static_cast<std::size_t>(sg.rows()));
        for (int r = 0; r < sg.rows(); ++r)
            row_shares[static_cast<std::size_t>(r)] =
                axis_shares(t[3] - sg.y_of_row(r), t[3] - sg.y_of_row(r + 1), 0.0, -t[5], target.rows());
    }
    PerThread<spatial::GeosContext> contexts([] { return spatial::GeosContext(); });
    PerThread<spatial::Transform> transforms([&] { return spatial::Transform(sg.crs(), target.crs()); });

    auto unit_result = [&](const Block& block, const Window& u) {
        UnitResult res;
        Sum total;
        const Window& w = block.window;
        std::vector<double> cx, cy;
        if (!same_crs) {
            // Corners of the unit's cells; shared corners are transformed pointwise, so
            // neighbouring quadrilaterals (also across units) tile without gaps or overlaps.
            cx.reserve(static_cast<std::size_t>(u.cols + 1) * (u.rows + 1));
            cy.reserve(cx.capacity());
            for (int r = 0; r <= u.rows; ++r)
                for (int c = 0; c <= u.cols; ++c) {
                    cx.push_back(sg.x_of_col(u.col_off + c));
                    cy.push_back(sg.y_of_row(u.row_off + r));
                }
            transforms.local().apply(cx, cy);
        }
        for (int r = 0; r < u.rows; ++r) {
            for (int c = 0; c < u.cols; ++c) {
                const std::size_t i = static_cast<std::size_t>(u.row_off - w.row_off + r) * w.cols + (u.col_off - w.col_off + c);
                if (!block.valid[i]) continue;
                const double v = block.values[i];
                if (v == 0 || std::isnan(v)) continue;
                total.add(v);
                if (same_crs) {
                    for (const auto& ry : row_shares[static_cast<std::size_t>(u.row_off + r)])
                        for (const auto& cxs : col_shares[static_cast<std::size_t>(u.col_off + c)])
                            res.adds.push_back({static_cast<std::int64_t>(ry.index) * target.cols() + cxs.index, v * ry.share * cxs.share});
                    continue;
                }
                auto& ctx = contexts.local();
                auto corner = [&](int rr, int cc) { return static_cast<std::size_t>(rr) * (u.cols + 1) + cc; };
                const std::size_t k[5] = {corner(r, c), corner(r, c + 1), corner(r + 1, c + 1), corner(r + 1, c), corner(r, c)};
                GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx.get(), 5, 2);
                for (unsigned q = 0; q < 5; ++q) GEOSCoordSeq_setXY_r(ctx.get(), seq, q, cx[k[q]], cy[k[q]]);
                GEOSGeometry* ring = GEOSGeom_createLinearRing_r(ctx.get(), seq);
                const auto quad = ctx.own(GEOSGeom_createPolygon_r(ctx.get(), ring, nullptr, 0), "source cell polygon");
                const auto areas = polygon_cell_areas(ctx, *quad, target);
                double quad_area = 0;
                for (const auto& a : areas) quad_area += a.area;
                if (quad_area <= 0) continue;  // outside the target: shows in the totals
                for (const auto& a : areas) res.adds.push_back({a.cell, v * (a.area / quad_area)});
            }
        }
        res.total = total.value();
        merge_adds(res.adds);
        return res;
    };

    Sum total;
    const auto& windows = plan.windows();
    const std::size_t batch = static_cast<std::size_t>(std::max(1, 2 * concurrency));
    for (std::size_t b0 = 0; b0 < windows.size(); b0 += batch) {
        const std::size_t b1 = std::min(windows.size(), b0 + batch);
        std::vector<std::vector<UnitResult>> results(b1 - b0);
        tbb::parallel_for(b0, b1, [&](std::size_t wi) {
            Block block;
            src.read(1, windows[wi], block);
            auto& list = results[wi - b0];
            for (const auto& u : plan.units_in(windows[wi])) list.push_back(unit_result(block, u));
        });
        for (const auto& list : results)
            for (const auto& ur : list) {
                total.add(ur.total);
                for (const auto& a : ur.adds) out.values[static_cast<std::size_t>(a.cell)] += a.value;
            }
    }
    if (source_total) *source_total = total.value();
    return out;
}

void write_population_geotiff(const PopulationGrid& grid, const std::string& path) {
    spatial::GdalErrorScope errors;
    AtomicOutput output(path);
    {
        GDALDriver& drv = spatial::driver("GTiff");
        CPLStringList options;
        options.SetNameValue("TILED", "YES");
        options.SetNameValue("BLOCKXSIZE", "256");
        options.SetNameValue("BLOCKYSIZE", "256");
        options.SetNameValue("COMPRESS", "DEFLATE");
        options.SetNameValue("PREDICTOR", "3");
        options.SetNameValue("BIGTIFF", "IF_SAFER");
        spatial::DatasetPtr ds(drv.Create(output.temp_path().string().c_str(), grid.grid.cols(), grid.grid.rows(), 1,
                                          GDT_Float64, options.List()));
        if (!ds) throw OutputError("cannot create the GeoTIFF: " + errors.last_error(), {.file = path});
        GeoTransform gt = grid.grid.transform();
        ds->SetGeoTransform(gt.data());
        if (!grid.grid.crs().empty()) ds->SetProjection(grid.grid.crs().to_wkt().c_str());
        GDALRasterBand* band = ds->GetRasterBand(1);
        band->SetDescription("population (persons per cell)");
        if (band->RasterIO(GF_Write, 0, 0, grid.grid.cols(), grid.grid.rows(),
                           const_cast<double*>(grid.values.data()), grid.grid.cols(), grid.grid.rows(), GDT_Float64,
                           0, 0) != CE_None)
            throw OutputError("cannot write the GeoTIFF: " + errors.last_error(), {.file = path});
        ds->FlushCache(true);
        if (!errors.last_error().empty())
            throw OutputError("cannot finish the GeoTIFF: " + errors.last_error(), {.file = path});
    }
    output.commit();
}

}  // namespace citycheck::raster
