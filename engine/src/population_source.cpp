// A run's population grid from a raster, census polygons or points: see population_source.hpp.
#include <citycheck/engine/population_source.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/spatial/csv_points.hpp>
#include <citycheck/spatial/feature_read.hpp>
#include <citycheck/spatial/gdal.hpp>

namespace citycheck::engine {

namespace {

void grow(spatial::Box& b, const spatial::Box& o) {
    b.xmin = std::min(b.xmin, o.xmin);
    b.ymin = std::min(b.ymin, o.ymin);
    b.xmax = std::max(b.xmax, o.xmax);
    b.ymax = std::max(b.ymax, o.ymax);
}

bool is_csv(const std::string& path) {
    auto ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".csv" || ext == ".txt" || ext == ".tsv";
}

double compensated_total(const std::vector<double>& values) {
    double s = 0, c = 0;
    for (double v : values) {
        const double t = s + v;
        c += std::abs(s) >= std::abs(v) ? (s - t) + v : (v - t) + s;
        s = t;
    }
    return s + c;
}

PopulationSourceGrid from_points(std::vector<raster::ValuePoint> points, double total, const spatial::Crs& crs,
                                 spatial::Box extent, double cell_m) {
    for (const auto& p : points) grow(extent, {p.x, p.y, p.x, p.y});
    PopulationSourceGrid out;
    out.method = "points";
    out.source_total = total;
    double outside = 0;
    out.grid = raster::grid_points(points, raster::aligned_grid(extent, cell_m, crs), &outside);
    if (outside != 0) throw InternalError("population points fell outside their own grid");
    return out;
}

}  // namespace

bool is_raster_dataset(const std::string& path) {
    if (is_csv(path)) return false;
    spatial::GdalErrorScope quiet;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    return ds && ds->GetRasterCount() > 0;
}

PopulationSource population_source_of(const DatasetSource& ds) {
    PopulationSource src;
    src.path = ds.path.string();
    src.layer = ds.layer;
    src.where = ds.where;
    src.encoding = ds.encoding;
    return src;
}

PopulationSourceGrid population_grid_from_source(const PopulationSource& src, const spatial::Crs& crs,
                                                 const spatial::Box& extent, double cell_m) {
    if (!crs.is_projected()) throw UsageError("the population grid needs a projected (metric) CRS: " + crs.name());
    if (is_raster_dataset(src.path)) {
        PopulationSourceGrid out;
        out.method = "raster";
        out.grid = raster::grid_from_raster(src.path, raster::aligned_grid(extent, cell_m, crs), &out.source_total);
        return out;
    }
    if (is_csv(src.path)) {
        spatial::CsvPointOptions o;
        o.value_column = src.count_field;
        o.coords = src.coords;
        o.encoding = src.encoding;
        const auto csv = spatial::read_csv_points(src.path, o);
        std::vector<double> xs, ys;
        for (const auto& p : csv.points) {
            if (std::abs(p.x) > 180 || std::abs(p.y) > 90)
                throw InputError("population CSV points must be longitude/latitude (WGS84/CGCS2000, GCJ-02 or BD-09 with coords)",
                                 {.file = src.path, .feature = fmt::format("line {}", p.line)});
            xs.push_back(p.x);
            ys.push_back(p.y);
        }
        spatial::Transform(spatial::Crs::from_epsg(4326), crs).apply(xs, ys);
        std::vector<raster::ValuePoint> points;
        for (std::size_t i = 0; i < xs.size(); ++i) points.push_back({xs[i], ys[i], csv.points[i].value});
        return from_points(std::move(points), csv.value_total(), crs, extent, cell_m);
    }

    spatial::FeatureReadOptions o;
    o.layer = src.layer;
    o.where = src.where;
    o.coords = src.coords;
    o.target = crs;
    if (!src.count_field.empty()) o.fields = {src.count_field};
    const auto set = spatial::read_features(src.path, o);
    if (set.features.empty()) throw InputError("the population layer has no features with geometry", {.file = src.path});
    std::vector<double> counts;
    for (const auto& f : set.features) {
        double v = 1;
        if (!src.count_field.empty()) {
            const auto parsed = f.values[0] ? spatial::parse_attribute_number(*f.values[0]) : std::nullopt;
            if (!parsed || *parsed < 0)
                throw InputError("the count is empty or not a non-negative number",
                                 {.file = src.path, .layer = set.layer, .field = src.count_field, .feature = std::to_string(f.fid)});
            v = *parsed;
        }
        counts.push_back(v);
    }
    // Geometry type from the first feature's WKB (ISO WKB: byte order, then the type).
    const auto& w0 = set.features.front().wkb;
    std::uint32_t type = 0;
    if (w0.size() >= 5) type = w0[0] == 1 ? (w0[1] | w0[2] << 8 | w0[3] << 16 | std::uint32_t(w0[4]) << 24)
                                          : (w0[4] | w0[3] << 8 | w0[2] << 16 | std::uint32_t(w0[1]) << 24);
    type %= 1000;
    if (type == 1 || type == 4) {
        std::vector<raster::ValuePoint> points;
        for (std::size_t i = 0; i < set.features.size(); ++i) {
            const auto& wkb = set.features[i].wkb;
            const spatial::GeosContext ctx;
            const auto g = ctx.from_wkb(wkb);
            const int n = GEOSGetNumGeometries_r(ctx.get(), g.get());
            for (int k = 0; k < n; ++k) {
                const GEOSGeometry* pt = GEOSGetGeometryN_r(ctx.get(), g.get(), k);
                double x = 0, y = 0;
                GEOSGeomGetX_r(ctx.get(), pt, &x);
                GEOSGeomGetY_r(ctx.get(), pt, &y);
                points.push_back({x, y, counts[i] / n});
            }
        }
        return from_points(std::move(points), compensated_total(counts), crs, extent, cell_m);
    }
    if (type != 3 && type != 6)
        throw InputError("a population layer holds polygons with a head count (census) or points (heat)",
                         {.file = src.path, .layer = set.layer});
    if (src.count_field.empty())
        throw UsageError("census polygons need the field holding the head count (count_field)", {.file = src.path});
    std::vector<raster::CountPolygon> zones;
    for (std::size_t i = 0; i < set.features.size(); ++i)
        zones.push_back({std::to_string(set.features[i].fid), set.features[i].wkb, counts[i]});
    spatial::Box box = extent;
    grow(box, set.extent());
    const auto grid = raster::aligned_grid(box, cell_m, crs);
    PopulationSourceGrid out;
    out.source_total = compensated_total(counts);
    if (src.residential.empty()) {
        out.method = "areal weighting";
        out.grid = raster::grid_areal_weighting(zones, grid);
    } else {
        out.method = "dasymetric";
        raster::DasymetricReport rep;
        out.grid = raster::grid_dasymetric(zones, src.residential, grid, &rep);
        out.fallback_zones = std::move(rep.fallback_zones);
        if (!out.fallback_zones.empty())
            log::warning(fmt::format("{}: {} census zones have no residential land; spread by areal weighting instead",
                                     src.path, out.fallback_zones.size()));
    }
    const double got = out.grid.total();
    if (std::abs(got - out.source_total) > 1e-9 * std::max(1.0, std::abs(out.source_total)))
        throw InternalError(fmt::format("{}: the grid holds {} persons but the census has {}", out.method, got, out.source_total));
    return out;
}

}  // namespace citycheck::engine
