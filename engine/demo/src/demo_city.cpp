// Orchestrates the demo city: every dataset is written into a private temporary folder inside DIR
// and moved into place only when all of them are complete, then the manifest with the known answers.
#include <citycheck/core/error.hpp>
#include <citycheck/demo/demo_city.hpp>

#include <fstream>
#include <optional>
#include <system_error>

#include <unistd.h>

#include <cpl_conv.h>
#include <nlohmann/json.hpp>

#include "city_model.hpp"
#include "writers.hpp"

namespace citycheck::demo {

namespace fs = std::filesystem;
using namespace detail;

namespace {

class TempFolder {  // removed with its contents unless released
  public:
    explicit TempFolder(const fs::path& dir) : m_path(dir / (".citycheck-demo-" + std::to_string(::getpid()))) {
        std::error_code ec;
        fs::remove_all(m_path, ec);
        if (!fs::create_directory(m_path, ec) || ec)
            throw OutputError("cannot write into the output folder (" + ec.message() + "); choose a writable folder",
                              {.file = dir.string()});
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    const fs::path& path() const noexcept { return m_path; }

  private:
    fs::path m_path;
};

// Sets a GDAL configuration option for this thread while alive.
class ThreadConfig {
  public:
    ThreadConfig(const char* key, const char* value) : m_key(key) {
        if (const char* old = CPLGetThreadLocalConfigOption(key, nullptr)) m_old = old;
        CPLSetThreadLocalConfigOption(key, value);
    }
    ~ThreadConfig() { CPLSetThreadLocalConfigOption(m_key, m_old ? m_old->c_str() : nullptr); }
    ThreadConfig(const ThreadConfig&) = delete;
    ThreadConfig& operator=(const ThreadConfig&) = delete;

  private:
    const char* m_key;
    std::optional<std::string> m_old;
};

nlohmann::ordered_json manifest(const CityModel& m, const DemoOptions& o, const Stats& s,
                                const std::vector<std::string>& datasets) {
    using nlohmann::ordered_json;
    const long long side = m.side_m();
    ordered_json j;
    j["generator"] = "citycheck demo";
    j["seed"] = o.seed;
    j["size_km"] = side / 1000.0;
    j["requested_size_km"] = o.size_km;
    j["crs"] = "EPSG:4547";
    j["extent"] = {origin_x, origin_y, origin_x + side, origin_y + side};
    j["datasets"] = datasets;

    ordered_json k;
    k["city_area_m2"] = side * side;
    k["zones"] = {{"city", 1},
                  {"district", m.districts().size()},
                  {"subdistrict", m.subdistricts().size()},
                  {"community", m.communities().size()}};
    long long total_pop = 0, total_res = 0;
    for (auto p : s.community_population) total_pop += p;
    for (auto a : s.community_residential) total_res += a;
    k["census_total"] = total_pop;
    k["population_raster_total"] = total_pop;
    k["heat_value_total"] = total_pop;
    k["heat_points"] = s.heat_points;
    ordered_json land;
    long long area_sum = 0;
    for (int l = 0; l < land_count; ++l) {
        const auto idx = static_cast<std::size_t>(l);
        area_sum += s.land_area[idx];
        land[land_info(static_cast<Land>(l)).dlbm] = {{"dlmc", land_info(static_cast<Land>(l)).dlmc},
                                                      {"parcels", s.land_parcels[idx]},
                                                      {"area_m2", s.land_area[idx]}};
    }
    k["parcels"] = s.parcels;
    k["parcel_area_total_m2"] = area_sum;
    k["tbdlmj_total_m2"] = static_cast<double>(area_sum * 100 - s.deduction_area_cm2) / 100.0;
    k["kcmj_total_m2"] = static_cast<double>(s.deduction_area_cm2) / 100.0;
    k["landuse_by_dlbm"] = land;
    k["residential_area_m2"] = total_res;

    const auto q = static_cast<std::size_t>(m.quarter_green_community());
    const Zone& qc = m.communities()[q];
    const long long qarea = qc.blocks.area() * block_m * block_m;
    k["green_coverage_community"] = {
        {"code", qc.code},
        {"name", qc.name},
        {"area_m2", qarea},
        {"vegetated_area_m2", s.community_vegetated[q]},
        {"vegetated_pixels", s.community_vegetated[q] / 100},
        {"green_coverage_percent", 100.0 * static_cast<double>(s.community_vegetated[q]) / static_cast<double>(qarea)},
        {"ndvi_threshold", 0.3}};

    const Rect park = m.benchmark_park_world();
    k["benchmark_park"] = {
        {"name", "基准游园"},
        {"park_id", s.bench_park_id},
        {"dltb_bsm", s.bench_park_bsm},
        {"area_m2", park.area()},
        {"extent", {origin_x + park.x0, origin_y + park.y0, origin_x + park.x1, origin_y + park.y1}},
        {"residential_within_300m_m2", s.bench_residential_300},
        {"residential_within_500m_m2", s.bench_residential_500},
        {"note", "0701/0702 parcels are wholly inside or wholly outside each buffer (>= 5 m margin)"}};
    k["parks"] = {{"count", s.parks},
                  {"area_m2", s.park_area},
                  {"at_least_5000_m2", s.parks_large},
                  {"from_2000_to_5000_m2", s.parks_medium},
                  {"below_2000_m2", s.parks_small}};
    ordered_json roads, road_counts;
    long long road_total = 0;
    for (const auto& [cls, len] : s.road_length) {
        roads[cls] = len;
        road_total += len;
    }
    for (const auto& [cls, n] : s.road_features) road_counts[cls] = n;
    k["road_length_m"] = roads;
    k["road_length_total_m"] = road_total;
    k["road_features"] = road_counts;
    k["bridges"] = s.bridges;
    k["overpasses"] = s.overpasses;
    k["dead_ends"] = s.dead_ends;
    ordered_json fac;
    for (int f = 0; f < facility_layers; ++f) fac[facility_layer_name(f)] = s.facilities[static_cast<std::size_t>(f)];
    k["facilities"] = fac;
    const long long block_area = 1LL * block_m * block_m;
    k["urban_area"] = {{"area_m2", s.urban_area_m2}, {"population", s.urban_area_population},
                       {"note", "城区 = every community (社区 or 村) with built-up land; population_urban is this population exactly"}};
    k["builtup_area"] = {{"area_m2", s.builtup_blocks * block_area}, {"blocks", s.builtup_blocks}};
    k["development_boundary"] = {{"area_m2", s.development_blocks * block_area}, {"blocks", s.development_blocks}};
    k["shelters"] = {{"count", s.shelters}, {"fixed", s.shelters_fixed}, {"area_m2", s.shelter_area},
                     {"per_capita_urban_m2", s.urban_area_population > 0 ? static_cast<double>(s.shelter_area) / static_cast<double>(s.urban_area_population) : 0.0},
                     {"note", "every shelter lies in 城区, so shelter_area = area_m2 and shelter_per_capita = per_capita_urban_m2"}};
    const long long wl = s.facilities[static_cast<std::size_t>(static_cast<int>(Facility::waterlogging_point))];
    k["waterlogging_points"] = {{"count", wl},
                                {"per_km2_builtup", s.builtup_blocks > 0 ? static_cast<double>(wl) / (static_cast<double>(s.builtup_blocks * block_area) / 1e6) : 0.0},
                                {"note", "every point lies inside 建成区 and inside one community"}};
    ordered_json gw;
    long long gw_total = 0;
    for (const auto& [name, len] : s.greenway_length) gw[name] = len, gw_total += len;
    k["greenway_length_m"] = gw;
    k["greenway_length_total_m"] = gw_total;
    k["transit_stops"] = s.transit_stops.size();
    j["known_answers"] = k;
    return j;
}

}  // namespace

DemoOutput write_demo_city(const fs::path& dir, const DemoOptions& options, const Progress& progress) {
    spatial::GdalEnvironment::ensure();
    const CityModel model(options.seed, options.size_km);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw OutputError("cannot create the output folder: " + (ec ? ec.message() : std::string("not a folder")),
                          {.file = dir.string()});
    TempFolder tmp(dir);
    // No fsync per SQLite commit: the files live in the temporary folder until all are complete.
    const ThreadConfig no_sync("OGR_SQLITE_SYNCHRONOUS", "OFF");
    const fs::path& t = tmp.path();
    Stats stats;

    progress.report(0.0, "demo: land use");
    {
        VectorOut facilities(t / "facilities.gpkg", "GPKG");
        open_facility_layers(facilities);
        write_blocks(model, t, facilities, stats, progress.scaled(0.0, 0.35));
        write_roads(model, t, facilities, stats, progress.scaled(0.35, 0.5));
        facilities.close();
    }
    write_boundaries(model, t, stats);
    write_greenways(model, t, stats);
    write_gtfs_stops(t, stats);
    // The Shapefile driver records ENCODING=CP936 in a .cpg; the demo wants the bare GBK case.
    fs::remove(t / "dltb_gbk.cpg", ec);
    write_zones(model, t, stats);
    progress.report(0.5, "demo: image");
    write_image(model, t / "image.tif", progress.scaled(0.5, 0.9));
    write_population(model, t / "population.tif", progress.scaled(0.9, 0.98));
    write_healthcheck(t / "healthcheck.yaml");

    const std::vector<std::string> datasets = {"zones.gpkg",     "landuse.gpkg",    "dltb_gbk.shp",   "roads.gpkg",
                                               "parks.gpkg",     "facilities.gpkg", "image.tif",      "population.tif",
                                               "census.csv",     "heat.csv",        "boundaries.gpkg", "shelters.gpkg",
                                               "greenways.gpkg", "stops.txt"};
    {
        const auto path = t / "demo-city.json";
        std::ofstream out(path, std::ios::binary);
        out << manifest(model, options, stats, datasets).dump(2) << '\n';
        out.close();
        if (!out) throw OutputError("cannot write the file", {.file = path.string()});
    }

    // Everything is complete: move it into place (same file system, so each rename is atomic).
    for (const auto& entry : fs::directory_iterator(t)) {
        const auto target = dir / entry.path().filename();
        fs::rename(entry.path(), target, ec);
        if (ec) throw OutputError("cannot move the finished file into place: " + ec.message(), {.file = target.string()});
    }
    fs::remove(dir / "dltb_gbk.cpg", ec);  // a stale one from an older run would mislabel the GBK file
    progress.report(1.0, "demo: done");

    DemoOutput out;
    out.dir = dir;
    for (const auto& d : datasets) out.files.push_back(dir / d);
    out.files.push_back(dir / "demo-city.json");
    out.files.push_back(dir / "healthcheck.yaml");
    return out;
}

}  // namespace citycheck::demo
