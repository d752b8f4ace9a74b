// Population rasters in and out: a gridded-population file resampled onto the analysis grid by
// exact area overlap, and the grid written as a tiled GeoTIFF.
#include <citycheck/raster/population.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/spatial/gdal.hpp>

namespace citycheck::raster {
namespace {

struct SourceBand {
    Grid grid;
    std::vector<double> values;  // nodata and NaN cells as 0
    double total = 0;
};

SourceBand read_band(const std::string& path) {
    spatial::GdalErrorScope errors;
    auto ds = spatial::open_dataset(path, spatial::DatasetKind::raster);
    SourceBand out;
    out.grid = Grid::from_dataset(*ds);
    if (out.grid.crs().empty())
        throw InputError("the population raster has no CRS; assign one (gdal_edit.py -a_srs) and retry", {.file = path});
    if (out.grid.transform()[5] >= 0)
        throw InputError("the population raster is not north-up; warp it first", {.file = path});
    GDALRasterBand* band = ds->GetRasterBand(1);
    int has_nodata = 0;
    const double nodata = band->GetNoDataValue(&has_nodata);
    const int cols = out.grid.cols(), rows = out.grid.rows();
    out.values.assign(static_cast<std::size_t>(cols) * rows, 0.0);
    // Row by row keeps the reads aligned with GDAL's strips/tiles caching.
    for (int r = 0; r < rows; ++r) {
        double* row = out.values.data() + static_cast<std::size_t>(r) * cols;
        if (band->RasterIO(GF_Read, 0, r, cols, 1, row, cols, 1, GDT_Float64, 0, 0) != CE_None)
            throw InputError("cannot read the population raster: " + errors.last_error(),
                             {.file = path, .feature = "row " + std::to_string(r)});
    }
    double sum = 0, c = 0;  // compensated
    for (double& v : out.values) {
        if (std::isnan(v) || (has_nodata && v == nodata)) v = 0;
        const double t = sum + v;
        c += std::abs(sum) >= std::abs(v) ? (sum - t) + v : (v - t) + sum;
        sum = t;
    }
    out.total = sum + c;
    return out;
}

}  // namespace

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

PopulationGrid grid_from_raster(const std::string& path, const Grid& target, double* source_total) {
    SourceBand src = read_band(path);
    if (source_total) *source_total = src.total;
    const int cols = src.grid.cols(), rows = src.grid.rows();
    if (src.grid.crs().same_as(target.crs())) {
        PopulationGrid in(src.grid);
        in.values = std::move(src.values);
        return resample_sum(in, target);
    }
    // Different CRS: every source cell becomes the quadrilateral of its reprojected corners,
    // spread over the target cells by exact overlap. Corners are shared between neighbours, so
    // the quadrilaterals tile the plane without gaps or overlaps.
    std::vector<double> cx, cy;
    cx.reserve(static_cast<std::size_t>(cols + 1) * (rows + 1));
    cy.reserve(cx.capacity());
    for (int r = 0; r <= rows; ++r)
        for (int c = 0; c <= cols; ++c) {
            cx.push_back(src.grid.x_of_col(c));
            cy.push_back(src.grid.y_of_row(r));
        }
    spatial::Transform(src.grid.crs(), target.crs()).apply(cx, cy);

    struct Add {
        std::int64_t cell;
        double value;
    };
    std::vector<std::vector<Add>> per_row(static_cast<std::size_t>(rows));
    tbb::enumerable_thread_specific<spatial::GeosContext> contexts;
    tbb::parallel_for(0, rows, [&](int r) {
        auto& ctx = contexts.local();
        auto& adds = per_row[static_cast<std::size_t>(r)];
        for (int c = 0; c < cols; ++c) {
            const double v = src.values[static_cast<std::size_t>(r) * cols + c];
            if (v == 0) continue;
            auto corner = [&](int rr, int cc) { return static_cast<std::size_t>(rr) * (cols + 1) + cc; };
            const std::size_t k[5] = {corner(r, c), corner(r, c + 1), corner(r + 1, c + 1), corner(r + 1, c), corner(r, c)};
            GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx.get(), 5, 2);
            for (unsigned i = 0; i < 5; ++i) GEOSCoordSeq_setXY_r(ctx.get(), seq, i, cx[k[i]], cy[k[i]]);
            GEOSGeometry* ring = GEOSGeom_createLinearRing_r(ctx.get(), seq);
            const auto quad = ctx.own(GEOSGeom_createPolygon_r(ctx.get(), ring, nullptr, 0), "source cell polygon");
            const auto areas = polygon_cell_areas(ctx, *quad, target);
            double total = 0;
            for (const auto& a : areas) total += a.area;
            if (total <= 0) continue;  // outside the target: reported through the totals
            for (const auto& a : areas) adds.push_back({a.cell, v * (a.area / total)});
        }
    });
    PopulationGrid out(target);
    for (const auto& adds : per_row)
        for (const auto& a : adds) out.values[static_cast<std::size_t>(a.cell)] += a.value;
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
