// The population task: inputs → grid → per-zone summary. Logic lives in spatial/ and raster/;
// this file wires them together and checks that no person is lost on the way.
#include <citycheck/engine/population.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <citycheck/core/atomic_file.hpp>
#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/spatial/feature_read.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/core/text.hpp>
#include <citycheck/raster/table_output.hpp>

namespace citycheck::engine {
namespace {

using spatial::Box;
using spatial::Crs;

void grow(Box& b, const Box& o) {
    b.xmin = std::min(b.xmin, o.xmin);
    b.ymin = std::min(b.ymin, o.ymin);
    b.xmax = std::max(b.xmax, o.xmax);
    b.ymax = std::max(b.ymax, o.ymax);
}

Box empty_box() {
    constexpr double inf = std::numeric_limits<double>::infinity();
    return {inf, inf, -inf, -inf};
}

std::string feature_id(const spatial::ReadFeature& f, std::size_t value_index, bool has_id) {
    if (has_id && value_index < f.values.size() && f.values[value_index]) return *f.values[value_index];
    return std::to_string(f.fid);
}

// Census-like polygons with a count field, in the analysis CRS.
std::vector<raster::CountPolygon> read_counts(const std::string& path, const std::string& count_field,
                                              const std::string& id_field, spatial::CoordSystem coords,
                                              const Crs& crs, Box& extent) {
    if (count_field.empty())
        throw UsageError("--count-field is required with census polygons (the field holding the head count)");
    spatial::FeatureReadOptions o;
    o.fields = {count_field};
    if (!id_field.empty()) o.fields.push_back(id_field);
    o.coords = coords;
    o.target = crs;
    const auto set = spatial::read_features(path, o);
    if (set.repaired) log::warning(fmt::format("{}: {} invalid polygons repaired", path, set.repaired));
    std::vector<raster::CountPolygon> out;
    out.reserve(set.features.size());
    for (const auto& f : set.features) {
        const std::string id = feature_id(f, 1, !id_field.empty());
        if (!f.values[0])
            throw InputError("the count is empty; give every zone a count (0 if nobody lives there)",
                             {.file = path, .field = count_field, .feature = id});
        const auto v = spatial::parse_attribute_number(*f.values[0]);
        if (!v || *v < 0)
            throw InputError("the count '" + *f.values[0] + "' is not a non-negative number",
                             {.file = path, .field = count_field, .feature = id});
        out.push_back({id, f.wkb, *v});
    }
    if (out.empty()) throw InputError("no polygons with geometry", {.file = path});
    grow(extent, set.extent());
    return out;
}

double sum_counts(const std::vector<raster::CountPolygon>& zones) {
    double s = 0, c = 0;
    for (const auto& z : zones) {
        const double t = s + z.count;
        c += std::abs(s) >= std::abs(z.count) ? (s - t) + z.count : (z.count - t) + s;
        s = t;
    }
    return s + c;
}

bool has_residential_code(const std::string& code, const std::vector<std::string>& prefixes) {
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const std::string& p) { return code.compare(0, p.size(), p) == 0; });
}

void check_conserved(double got, double want, const std::string& what) {
    const double tol = 1e-9 * std::max(std::abs(want), 1.0);
    if (std::abs(got - want) > tol)
        throw InternalError(fmt::format("{}: the grid holds {:.6f} persons but the source has {:.6f}", what, got, want));
}

}  // namespace

PopulationResult build_population(const PopulationRequest& rq, const Progress& progress) {
    const int sources = int(!rq.census_path.empty()) + int(!rq.points_path.empty()) + int(!rq.raster_path.empty());
    if (sources != 1) throw UsageError("give exactly one population source: --census, --points or --raster");
    if (rq.zones_path.empty()) throw UsageError("--zones is required");
    if (!rq.landuse_path.empty() && rq.census_path.empty() && !rq.dense_on_construction)
        throw UsageError("--landuse (dasymetric mapping) refines census polygons: use it with --census "
                         "(or with --dense-on-construction)");
    if (rq.dense_on_construction && rq.landuse_path.empty())
        throw UsageError("--dense-on-construction needs the land-use parcels: give --landuse");
    if (!rq.calibrate_path.empty() && rq.points_path.empty())
        throw UsageError("--calibrate-to scales heat points: use it with --points");
    if (!(rq.cell_size > 0)) throw UsageError("--grid must be a positive cell size in metres");

    PopulationResult res;
    progress.report(0.0, "reading zones");
    const Crs crs = rq.crs.empty() ? spatial::analysis_crs_for(rq.zones_path) : Crs::from_user_input(rq.crs);
    if (!crs.is_projected()) throw UsageError("the analysis CRS must be projected (metres): " + crs.name());

    spatial::FeatureReadOptions zo;
    if (!rq.zone_id_field.empty()) zo.fields = {rq.zone_id_field};
    zo.coords = rq.zones_coords;
    zo.target = crs;
    const auto zone_set = spatial::read_features(rq.zones_path, zo);
    if (zone_set.features.empty()) throw InputError("the zones layer has no features with geometry", {.file = rq.zones_path});
    if (zone_set.repaired) log::warning(fmt::format("{}: {} invalid zone polygons repaired", rq.zones_path, zone_set.repaired));
    Box extent = zone_set.extent();
    std::vector<std::vector<unsigned char>> zone_wkb;
    for (const auto& f : zone_set.features) {
        res.zone_ids.push_back(feature_id(f, 0, !rq.zone_id_field.empty()));
        zone_wkb.push_back(f.wkb);
    }
    res.zone_wkb = zone_wkb;

    progress.report(0.1, "reading the population source");
    std::vector<raster::CountPolygon> census;
    std::vector<raster::ValuePoint> points;
    if (!rq.census_path.empty()) {
        census = read_counts(rq.census_path, rq.count_field, rq.census_id_field, rq.coords, crs, extent);
        res.source_total = sum_counts(census);
    } else if (!rq.points_path.empty()) {
        auto po = rq.points;
        po.coords = rq.coords;
        auto csv = spatial::read_csv_points(rq.points_path, po);
        if (!csv.bad_rows.empty()) {
            log::warning(fmt::format("{}: {}; left out (--skip-bad-rows)", rq.points_path,
                                     spatial::describe_bad_rows(csv.bad_rows)));
            res.bad_rows = csv.bad_rows;
        }
        std::vector<double> xs, ys;
        for (const auto& p : csv.points) {
            if (p.value < 0)
                throw InputError(fmt::format("a negative value ({}) cannot be a head count or heat", p.value),
                                 {.file = rq.points_path, .field = csv.value_column, .feature = fmt::format("line {}", p.line)});
            xs.push_back(p.x);
            ys.push_back(p.y);
        }
        Crs pcrs = rq.points_crs.empty() ? Crs::from_epsg(4326) : Crs::from_user_input(rq.points_crs);
        if (rq.points_crs.empty()) {
            for (const auto& p : csv.points)
                if (std::abs(p.x) > 180 || std::abs(p.y) > 90)
                    throw InputError("the coordinates are not longitude/latitude; give their CRS with --points-crs",
                                     {.file = rq.points_path, .feature = fmt::format("line {}", p.line)});
        }
        spatial::require_lonlat_for(pcrs, rq.coords, rq.points_path);
        if (!pcrs.same_as(crs)) spatial::Transform(pcrs, crs).apply(xs, ys);
        Box pb = empty_box();
        for (std::size_t i = 0; i < xs.size(); ++i) {
            points.push_back({xs[i], ys[i], csv.points[i].value});
            grow(pb, {xs[i], ys[i], xs[i], ys[i]});
        }
        if (!points.empty()) grow(extent, pb);
        res.source_total = csv.value_total();
        res.notes.push_back(fmt::format("{} points read ({}; delimiter '{}'; columns {}, {}{})", points.size(),
                                        csv.encoding, csv.delimiter == '\t' ? std::string("\\t") : std::string(1, csv.delimiter),
                                        csv.x_column, csv.y_column,
                                        csv.value_column.empty() ? std::string(", each counts 1") : ", value " + csv.value_column));
    } else {
        grow(extent, raster::raster_extent_in(rq.raster_path, crs));
    }
    if (!rq.calibrate_path.empty())
        census = read_counts(rq.calibrate_path, rq.count_field, rq.census_id_field, spatial::CoordSystem::wgs84, crs, extent);

    progress.report(0.3, "building the population grid");
    const raster::Grid grid = raster::aligned_grid(extent, rq.cell_size, crs);
    // Land-use parcels (codes as text), read once for dasymetric mapping and construction land.
    std::optional<spatial::FeatureSet> parcels;
    if (!rq.landuse_path.empty()) {
        spatial::FeatureReadOptions lo;
        lo.fields = {rq.code_field};
        lo.target = crs;
        parcels = spatial::read_features(rq.landuse_path, lo);
    }
    auto parcels_with = [&](const std::vector<std::string>& prefixes) {
        std::vector<std::vector<unsigned char>> out;
        for (const auto& f : parcels->features)
            if (f.values[0] && has_residential_code(*f.values[0], prefixes)) out.push_back(f.wkb);
        return out;
    };
    if (!rq.census_path.empty() && rq.landuse_path.empty()) {
        res.method = "areal weighting";
        res.grid = raster::grid_areal_weighting(census, grid);
    } else if (!rq.census_path.empty()) {
        res.method = "dasymetric";
        const auto residential = parcels_with(rq.residential_codes);
        res.notes.push_back(fmt::format("{} of {} land-use parcels are residential (codes {})", residential.size(),
                                        parcels->features.size(), fmt::join(rq.residential_codes, ",")));
        raster::DasymetricReport rep;
        res.grid = raster::grid_dasymetric(census, residential, grid, &rep);
        if (!rep.fallback_zones.empty()) {
            const std::size_t shown = std::min<std::size_t>(rep.fallback_zones.size(), 10);
            log::warning(fmt::format("{} census zones have no residential land; spread by areal weighting instead: {}{}",
                                     rep.fallback_zones.size(),
                                     fmt::join(rep.fallback_zones.begin(), rep.fallback_zones.begin() + static_cast<long>(shown), ", "),
                                     rep.fallback_zones.size() > shown ? ", …" : ""));
        }
        res.dasymetric = std::move(rep);
    } else if (!rq.points_path.empty() && rq.calibrate_path.empty()) {
        res.method = "points";
        double outside = 0;
        res.grid = raster::grid_points(points, grid, &outside);
        if (outside != 0) throw InternalError("points fell outside the population grid");
    } else if (!rq.points_path.empty()) {
        res.method = "calibrated heat";
        raster::Calibration cal;
        res.grid = raster::grid_calibrated_points(points, census, grid, &cal);
        res.source_total = sum_counts(census);
        if (cal.points_outside)
            log::warning(fmt::format("{} heat points ({} heat) lie outside every census zone and were left out",
                                     cal.points_outside, cal.heat_outside));
        std::size_t fallback = 0;
        for (const auto& r : cal.rows) fallback += r.areal_fallback ? 1 : 0;
        if (fallback)
            log::warning(fmt::format("{} census zones have people but no heat; spread by areal weighting instead", fallback));
        res.calibration = std::move(cal);
    } else {
        res.method = "raster";
        res.grid = raster::grid_from_raster(rq.raster_path, grid, &res.source_total, rq.window_cells);
    }
    check_conserved(res.grid.total(), res.source_total, res.method);

    progress.report(0.7, "summarising zones");
    const auto cells = raster::zone_cell_areas(zone_wkb, grid);
    raster::DensityOptions dopt;
    dopt.threshold_per_km2 = rq.density_threshold;
    std::vector<std::vector<unsigned char>> construction;
    if (rq.dense_on_construction) {
        construction = parcels_with(rq.construction_codes);
        res.notes.push_back(fmt::format("density judged on construction land: {} of {} parcels (codes {})",
                                        construction.size(), parcels->features.size(),
                                        fmt::join(rq.construction_codes, ",")));
    }
    std::vector<double> share;
    if (rq.dense_on_construction && (rq.density_cell_size <= 0 || rq.density_cell_size == rq.cell_size)) {
        share = raster::land_share_from_polygons(construction, grid);
        dopt.land_share = share;
    }
    res.zones = raster::zone_population(res.grid, cells, dopt);
    if (rq.density_cell_size > 0 && rq.density_cell_size != rq.cell_size) {
        // Judge density on coarser (or finer) cells: resample the persons, keep the zone totals.
        const raster::Grid dgrid = raster::aligned_grid(grid.extent(), rq.density_cell_size, crs);
        const auto dpop = raster::resample_sum(res.grid, dgrid);
        const auto dcells = raster::zone_cell_areas(zone_wkb, dgrid);
        if (rq.dense_on_construction) {
            share = raster::land_share_from_polygons(construction, dgrid);
            dopt.land_share = share;
        }
        const auto dz = raster::zone_population(dpop, dcells, dopt);
        for (std::size_t i = 0; i < res.zones.size(); ++i) res.zones[i].area_above_threshold_km2 = dz[i].area_above_threshold_km2;
    }
    for (const auto& z : res.zones) res.zones_total += z.population;
    res.notes.push_back(fmt::format("method: {}; grid {} × {} cells of {} m in {}", res.method, grid.cols(), grid.rows(),
                                    rq.cell_size, crs.to_user_string().substr(0, 60)));
    res.notes.push_back(fmt::format("persons: source {:.3f}, grid {:.3f}, in zones {:.3f}", res.source_total,
                                    res.grid.total(), res.zones_total));
    progress.report(1.0, "done");
    return res;
}

namespace {

template <class WriteBody>
void write_csv(const std::string& path, const WriteBody& body) {
    const std::string driver = spatial::driver_for_extension(path);
    if (driver != "CSV") throw UsageError("this table is written as .csv; name the output '*.csv'", {.file = path});
    AtomicOutput out(path);
    {
        std::ofstream f(out.temp_path(), std::ios::binary);
        if (!f) throw OutputError("cannot create the output file", {.file = path});
        body(f);
        f.flush();
        if (!f) throw OutputError("cannot write the output file", {.file = path});
    }
    out.commit();
}
}  // namespace

void write_population_table(const PopulationResult& r, const std::string& path) {
    if (spatial::driver_for_extension(path) != "CSV") {
        // Layers with geometry (.gpkg, .geojson): the shared zone-table writer (atomic).
        raster::ZoneTable table;
        table.columns = {"population", "area_km2", "density_per_km2", "area_above_threshold_km2"};
        raster::ZoneSet zones;
        zones.source = path;
        for (std::size_t i = 0; i < r.zones.size(); ++i) {
            const auto& z = r.zones[i];
            table.zone_ids.push_back(r.zone_ids[i]);
            table.rows.push_back({z.population, z.area_km2, z.density_per_km2, z.area_above_threshold_km2});
            raster::Zone zone;
            zone.id = r.zone_ids[i];
            if (i < r.zone_wkb.size()) zone.wkb = r.zone_wkb[i];
            zones.zones.push_back(std::move(zone));
        }
        raster::write_zone_table(path, table, &zones, r.grid.grid.crs());
        return;
    }
    write_csv(path, [&](std::ofstream& f) {
        f << "zone_id,population,area_km2,density_per_km2,area_above_threshold_km2\n";
        for (std::size_t i = 0; i < r.zones.size(); ++i) {
            const auto& z = r.zones[i];
            f << csv_field(r.zone_ids[i]) << fmt::format(",{:.3f},{:.6f},{:.3f},{:.6f}\n", z.population, z.area_km2,
                                                          z.density_per_km2, z.area_above_threshold_km2);
        }
    });
}

void write_calibration_table(const raster::Calibration& c, const std::string& path) {
    write_csv(path, [&](std::ofstream& f) {
        f << "zone_id,census,heat,points,factor,areal_fallback\n";
        for (const auto& r : c.rows)
            f << csv_field(r.zone_id)
              << fmt::format(",{},{},{},{},{}\n", r.census, r.heat, r.points, r.factor, r.areal_fallback ? "yes" : "no");
    });
}

}  // namespace citycheck::engine
