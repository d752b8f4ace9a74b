// Network coverage benchmark on a synthetic city: a jittered grid of streets (every way shares its
// crossing vertices, as in OSM), point facilities and demand cells. Reports graph build, snapping,
// search and aggregation times, edges relaxed per second, per-facility catchments on 1 vs 2
// threads, and peak RSS. Then the same city is written as GeoPackages (roads as ways of 10 blocks,
// facilities, zones) and `citycheck coverage` is timed end to end, files to table, with 1 and 2
// threads, against the time it takes to read those inputs: the "whole run ≤ 2× reading".
// Optionally the same workflow on the demo city (citycheck demo) read from its files.
// Usage: bench_network [grid_side_nodes=320] [facilities=1000] [cell_m=30] [demo_size_km=0]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <sys/resource.h>
#include <tbb/global_control.h>

#include <filesystem>

#include <citycheck/demo/demo_city.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/raster/demand_cells.hpp>
#include <citycheck/spatial/coverage.hpp>

#include "bench_process.hpp"

using namespace citycheck::spatial;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
static double peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// The synthetic city as the files a user would have: roads as OSM-like ways of 10 blocks (a
// `highway` field), facility points and zone squares with a `code` field, in UTM 50N.
void write_city(const std::filesystem::path& dir, const std::vector<Pt>& nodes, int n, const FacilitySet& fac,
                const ZonePolygons& zones) {
    std::filesystem::create_directories(dir);
    OGRSpatialReference srs;
    srs.importFromEPSG(32650);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    auto layer_of = [&](const std::string& file, const char* name, OGRwkbGeometryType type, const char* field) {
        GDALDataset* ds = driver("GPKG").Create((dir / file).c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        OGRLayer* l = ds->CreateLayer(name, &srs, type, nullptr);
        OGRFieldDefn fd(field, OFTString);
        (void)l->CreateField(&fd);
        (void)ds->StartTransaction();
        return std::pair{ds, l};
    };
    auto done = [](GDALDataset* ds) {
        (void)ds->CommitTransaction();
        GDALClose(ds);
    };
    auto [rds, roads] = layer_of("roads.gpkg", "roads", wkbLineString, "highway");
    for (int r = 0; r < n; ++r)
        for (int dir_ = 0; dir_ < 2; ++dir_)
            for (int c0 = 0; c0 + 1 < n; c0 += 10) {
                OGRLineString line;
                for (int c = c0; c <= std::min(n - 1, c0 + 10); ++c) {
                    const Pt p = dir_ == 0 ? nodes[static_cast<std::size_t>(r) * n + c] : nodes[static_cast<std::size_t>(c) * n + r];
                    line.addPoint(p.x, p.y);
                }
                OGRFeature f(roads->GetLayerDefn());
                f.SetField(0, r % 10 == 0 ? (dir_ == 0 ? "primary" : "secondary") : "residential");
                f.SetGeometry(&line);
                if (roads->CreateFeature(&f) != OGRERR_NONE) std::abort();
            }
    done(rds);
    auto [fds, points] = layer_of("facilities.gpkg", "facilities", wkbPoint, "name");
    for (const auto& x : fac.items) {
        OGRFeature f(points->GetLayerDefn());
        f.SetField(0, std::to_string(x.fid).c_str());
        OGRPoint p(x.point.x, x.point.y);
        f.SetGeometry(&p);
        if (points->CreateFeature(&f) != OGRERR_NONE) std::abort();
    }
    done(fds);
    auto [zds, zl] = layer_of("zones.gpkg", "zones", wkbPolygon, "code");
    for (std::size_t z = 0; z < zones.ids.size(); ++z) {
        OGRLinearRing ring;
        for (const Pt& p : zones.polygons[z].rings[0]) ring.addPoint(p.x, p.y);
        ring.closeRings();
        OGRPolygon poly;
        poly.addRing(&ring);
        OGRFeature f(zl->GetLayerDefn());
        f.SetField(0, zones.ids[z].c_str());
        f.SetGeometry(&poly);
        if (zl->CreateFeature(&f) != OGRERR_NONE) std::abort();
    }
    done(zds);
}

// Reading the coverage's inputs with the readers the CLI uses (best of three: warm page cache).
double read_inputs_seconds(const std::filesystem::path& dir) {
    double best = 1e9;
    for (int rep = 0; rep < 3; ++rep) {
        const auto t = Clock::now();
        const auto z = read_zones((dir / "zones.gpkg").string(), "code");
        const auto f = read_facilities((dir / "facilities.gpkg").string(), "", z.crs, 500, {}, "", CoordSystem::wgs84);
        RoadReadOptions ro;
        ro.target = z.crs;
        const auto r = read_road_lines((dir / "roads.gpkg").string(), ro);
        best = std::min(best, since(t));
        if (f.items.empty() || r.lines.empty()) std::abort();
    }
    return best;
}

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 320;
    const int nfac = argc > 2 ? std::atoi(argv[2]) : 1000;
    const double cell = argc > 3 ? std::atof(argv[3]) : 30.0;
    const double spacing = 100;
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> jitter(-20, 20);
    // Node coordinates, jittered once so that rows and columns share them exactly.
    std::vector<Pt> nodes(static_cast<std::size_t>(n) * n);
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) nodes[static_cast<std::size_t>(r) * n + c] = {c * spacing + jitter(rng), r * spacing + jitter(rng)};
    RoadLines lines;
    lines.crs = Crs::from_epsg(32650);
    for (int r = 0; r < n; ++r) {
        RoadLine row, col;
        row.cls = r % 10 == 0 ? "primary" : "residential";
        col.cls = r % 10 == 0 ? "secondary" : "residential";
        for (int c = 0; c < n; ++c) {
            row.pts.push_back(nodes[static_cast<std::size_t>(r) * n + c]);
            col.pts.push_back(nodes[static_cast<std::size_t>(c) * n + r]);
        }
        lines.lines.push_back(std::move(row));
        lines.lines.push_back(std::move(col));
    }
    auto t = Clock::now();
    const RoadGraph graph = build_road_graph(lines);
    const double build_s = since(t);

    const double side = (n - 1) * spacing;
    ZonePolygons zones;
    const int zn = 10;  // 10 x 10 zones
    for (int i = 0; i < zn; ++i)
        for (int j = 0; j < zn; ++j) {
            PolygonSet p;
            p.part_begin = {0};
            const double x0 = side * i / zn, y0 = side * j / zn, x1 = side * (i + 1) / zn, y1 = side * (j + 1) / zn;
            p.rings = {{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}};
            zones.polygons.push_back(p);
            zones.ids.push_back(std::to_string(i * zn + j));
        }
    zones.crs = lines.crs;
    t = Clock::now();
    const Demand demand = zone_area_demand(zones, cell);
    const double demand_s = since(t);
    FacilitySet fac;
    std::uniform_real_distribution<double> where(0, side);
    for (int i = 0; i < nfac; ++i) {
        Facility f;
        f.fid = i;
        f.point = {where(rng), where(rng)};
        f.reach = 500;
        fac.items.push_back(f);
    }
    CoverageOptions opt;
    opt.network = true;
    t = Clock::now();
    const auto result = compute_coverage(fac, demand, zones.ids.size(), &graph, opt);
    const double total_s = since(t);
    const auto& st = result.stats;
    double covered = 0, dem = 0;
    for (const auto& z : result.zones) covered += z.covered, dem += z.demand;

    std::printf("network: %zu nodes, %zu edges, %zu arcs; %zu demand cells (%.0f m); %d facilities\n", graph.node_count(),
                graph.edge_count(), graph.arc_count(), demand.cells.size(), cell, nfac);
    std::printf("graph build          %8.3f s\n", build_s);
    std::printf("demand grid          %8.3f s\n", demand_s);
    std::printf("snapping (all)       %8.3f s\n", st.snap_seconds);
    std::printf("search (1 thread)    %8.3f s  %llu arcs relaxed, %.1f M/s\n", st.search_seconds,
                static_cast<unsigned long long>(st.edges_relaxed), st.edges_relaxed / std::max(st.search_seconds, 1e-9) / 1e6);
    std::printf("evaluate positions   %8.3f s\n", st.evaluate_seconds);
    std::printf("aggregate            %8.3f s\n", st.aggregate_seconds);
    std::printf("coverage total       %8.3f s  (%.2f %% covered)\n", total_s, 100 * covered / dem);

    // A full-graph search (no cut-off) for the relaxation rate on long searches, best of five.
    {
        SearchWorkspace ws;
        std::vector<Source> one{{*EdgeIndex(graph, 0).nearest({side / 2, side / 2}, 1e9), 0, 0}};
        double s = 1e9;  // best of 5 on a warm workspace: the rate of the search itself
        for (int rep = 0; rep < 5; ++rep) {
            t = Clock::now();
            multi_source_search(graph, one, 1e18, ws);
            s = std::min(s, since(t));
        }
        std::printf("full search          %8.3f s  %llu arcs relaxed, %.1f M/s\n", s, static_cast<unsigned long long>(ws.relaxed),
                    ws.relaxed / s / 1e6);
    }
    {
        t = Clock::now();
        EdgeIndex idx(graph, 0);
        const double b = since(t);
        t = Clock::now();
        std::size_t found = 0;
        for (const auto& c : demand.cells) found += idx.nearest(c.p, 500).has_value();
        std::printf("edge index build     %8.3f s; %zu nearest queries (1 thread) %.3f s\n", b, found, since(t));
    }
    opt.catchments = true;
    double one = 0;
    for (int threads : {1, 2}) {
        tbb::global_control c(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
        const auto r = compute_coverage(fac, demand, zones.ids.size(), &graph, opt);
        if (threads == 1) one = r.stats.catchment_seconds;
        std::printf("catchments %d thread%s %8.3f s%s\n", threads, threads > 1 ? "s" : " ", r.stats.catchment_seconds,
                    threads > 1 ? (" (speed-up " + std::to_string(one / r.stats.catchment_seconds) + ")").c_str() : "");
    }
    std::printf("peak RSS             %8.1f MB\n", peak_rss_mb());

    // The same city from files: `citycheck coverage` end to end against reading its inputs.
    {
        const auto dir = std::filesystem::temp_directory_path() / "citycheck-bench-network-files";
        std::filesystem::remove_all(dir);
        t = Clock::now();
        write_city(dir, nodes, n, fac, zones);
        std::printf("\nfiles written in %.1f s (%s)\n", since(t), dir.c_str());
        const double read_s = read_inputs_seconds(dir);
        std::printf("reading the inputs   %8.3f s  (zones, facilities, roads; in process, best of 3)\n", read_s);
        for (const char* threads : {"1", "2"}) {
            const auto r = bench::run({CITYCHECK_BIN, "--threads", threads, "-q", "coverage", "--facilities", (dir / "facilities.gpkg").string(),
                                       "--network", (dir / "roads.gpkg").string(), "--zones", (dir / "zones.gpkg").string(), "--id", "code",
                                       "--reach", "500", "--cell", std::to_string(cell), "-o", (dir / "coverage.csv").string()});
            std::printf("citycheck coverage, %s thread%s: %6.3f s wall, %6.3f s CPU, %6.0f MB peak; whole run / reading = %.2f%s\n",
                        threads, threads[0] == '1' ? " " : "s", r.seconds, r.cpu_seconds, r.max_rss_mb, r.seconds / read_s,
                        r.status == 0 ? "" : "  (FAILED)");
        }
        if (!std::getenv("BENCH_KEEP_FILES")) std::filesystem::remove_all(dir);  // kept for profiling the CLI by hand
    }

    // The demo city: bus stops, walking network, zone area of communities on a 10 m grid.
    const double demo_km = argc > 4 ? std::atof(argv[4]) : 0.0;
    if (demo_km <= 0) return 0;
    const auto dir = std::filesystem::temp_directory_path() / "citycheck-bench-network-demo";
    std::filesystem::remove_all(dir);
    citycheck::demo::DemoOptions o;
    o.size_km = demo_km;
    t = Clock::now();
    citycheck::demo::write_demo_city(dir, o);
    std::printf("\ndemo city %.0f km written in %.2f s\n", demo_km, since(t));
    t = Clock::now();
    const auto dz = read_zones((dir / "zones.gpkg").string(), "code", {}, "community");
    const auto stops = read_facilities((dir / "facilities.gpkg").string(), "", dz.crs, 500, {}, "bus_stop");
    RoadReadOptions ro;
    ro.target = dz.crs;
    const auto roads = read_road_lines((dir / "roads.gpkg").string(), ro);
    const double read_s = since(t);
    t = Clock::now();
    const auto dg = build_road_graph(roads);
    const double dbuild = since(t);
    t = Clock::now();
    const auto dd = zone_area_demand(dz, 10, citycheck::raster::exact_cell_discretiser());
    const double ddemand = since(t);
    t = Clock::now();
    CoverageOptions dopt;
    dopt.network = true;
    const auto dr = compute_coverage(stops, dd, dz.ids.size(), &dg, dopt);
    const double dcov = since(t);
    std::printf("inputs: %zu communities, %zu stops, %zu road lines -> %zu edges; %zu demand cells\n", dz.ids.size(),
                stops.items.size(), roads.lines.size(), dg.edge_count(), dd.cells.size());
    std::printf("reading inputs       %8.3f s\n", read_s);
    std::printf("graph build          %8.3f s\n", dbuild);
    std::printf("demand grid (exact)  %8.3f s\n", ddemand);
    std::printf("coverage             %8.3f s  (snap %.3f, search %.3f, evaluate %.3f, aggregate %.3f)\n", dcov,
                dr.stats.snap_seconds, dr.stats.search_seconds, dr.stats.evaluate_seconds, dr.stats.aggregate_seconds);
    std::printf("compute / read       %8.2f\n", (dbuild + ddemand + dcov) / read_s);
    std::printf("peak RSS             %8.1f MB\n", peak_rss_mb());
    std::filesystem::remove_all(dir);
    return 0;
}
