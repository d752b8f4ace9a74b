// Benchmark of `citycheck landuse`: a synthetic 三调-like parcel layer (a jittered tessellation of
// quadrilaterals, deterministic) and irregular zones (a jittered grid with subdivided edges), both
// written as GeoPackages; then the CLI is timed end to end (files → table) with 1 and 2 threads,
// indexed and naive (clip every candidate), and indexed with the OGR reader instead of the direct
// GeoPackage reader (CITYCHECK_GPKG_DIRECT=0), each run in its own process so that its peak RSS is
// its own (wait4's ru_maxrss).
//
//   bench_landuse [--parcels 1000000] [--zones 5000] [--dir /tmp/citycheck-bench] [--overlap-check] [--pairs 7]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <citycheck/spatial/gdal.hpp>

#include "bench_process.hpp"

namespace {

using citycheck::spatial::driver;

struct Writer {
    GDALDataset* ds;
    OGRLayer* layer;
    Writer(const std::string& path, const char* name, const std::vector<const char*>& fields) {
        ds = driver("GPKG").Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        OGRSpatialReference srs;
        srs.importFromEPSG(4547);
        layer = ds->CreateLayer(name, &srs, wkbPolygon, nullptr);
        for (const char* f : fields) {
            OGRFieldDefn fd(f, OFTString);
            (void)layer->CreateField(&fd);
        }
        (void)ds->StartTransaction();
    }
    void add(OGRPolygon* poly, const std::vector<std::string>& values) {
        OGRFeature f(layer->GetLayerDefn());
        for (std::size_t i = 0; i < values.size(); ++i) f.SetField(static_cast<int>(i), values[i].c_str());
        f.SetGeometryDirectly(poly);
        if (layer->CreateFeature(&f) != OGRERR_NONE) std::abort();
    }
    ~Writer() {
        (void)ds->CommitTransaction();
        GDALClose(ds);
    }
};

// Jittered lattice: interior vertices moved by up to ±30 % of a cell; the border stays straight.
std::vector<double> lattice(int nx, int ny, double cell, double x0, double y0, std::mt19937& rng, std::vector<double>& ys,
                            double cell_y = 0, double jitter = 0.3) {
    if (cell_y <= 0) cell_y = cell;
    std::uniform_real_distribution<double> j(-jitter * std::min(cell, cell_y), jitter * std::min(cell, cell_y));
    std::vector<double> xs((nx + 1) * (ny + 1));
    ys.assign(xs.size(), 0);
    for (int y = 0; y <= ny; ++y)
        for (int x = 0; x <= nx; ++x) {
            const bool border = x == 0 || y == 0 || x == nx || y == ny;
            xs[y * (nx + 1) + x] = x0 + x * cell + (border ? 0 : j(rng));
            ys[y * (nx + 1) + x] = y0 + y * cell_y + (border ? 0 : j(rng));
        }
    return xs;
}

void write_parcels(const std::string& path, int side, double cell) {
    std::mt19937 rng(20240601);
    std::vector<double> ys;
    const auto xs = lattice(side, side, cell, 500000, 3300000, rng, ys);
    const char* codes[] = {"0101", "0102", "0103", "0201", "0301", "0305", "0404", "0701", "0702", "05H1",
                           "0601", "0810", "1003", "1004", "1006", "1101", "1104", "1107", "1203", "09"};
    Writer w(path, "DLTB", {"DLBM", "CZCSXM"});
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const int a = y * (side + 1) + x, b = a + 1, c = a + side + 2, d = a + side + 1;
            auto* ring = new OGRLinearRing();
            for (int v : {a, b, c, d, a}) ring->addPoint(xs[v], ys[v]);
            auto* poly = new OGRPolygon();
            poly->addRingDirectly(ring);
            const unsigned h = static_cast<unsigned>(x) * 2654435761u ^ static_cast<unsigned>(y) * 40503u;
            w.add(poly, {codes[h % 20], (h >> 8) % 3 == 0 ? "203" : "201"});
        }
}

void write_zones(const std::string& path, int nx, int ny, double extent) {
    std::mt19937 rng(7);
    const double cell = extent / nx, cell_y = extent / ny;
    std::vector<double> ys;
    const auto xs = lattice(nx, ny, cell, 500000, 3300000, rng, ys, cell_y, 0.15);
    std::uniform_real_distribution<double> wiggle(-0.02 * std::min(cell, cell_y), 0.02 * std::min(cell, cell_y));
    // Each zone edge gets 7 intermediate vertices, shared with the neighbour (edge jitter seeded by the edge).
    auto edge = [&](int p, int q, OGRLinearRing* ring) {
        const int lo = std::min(p, q), hi = std::max(p, q);
        std::mt19937 erng(static_cast<unsigned>(lo) * 1000003u + static_cast<unsigned>(hi));
        std::vector<std::pair<double, double>> pts;
        const bool border_edge = (xs[p] == xs[q] && (xs[p] == 500000 || xs[p] == 500000 + nx * cell)) ||
                                 (ys[p] == ys[q] && (ys[p] == 3300000 || ys[p] == 3300000 + ny * cell_y));
        for (int k = 1; k < 8; ++k) {
            const double t = k / 8.0;
            const double dx = border_edge ? 0 : wiggle(erng), dy = border_edge ? 0 : wiggle(erng);
            pts.emplace_back(xs[lo] + (xs[hi] - xs[lo]) * t + dx, ys[lo] + (ys[hi] - ys[lo]) * t + dy);
        }
        if (p > q) std::reverse(pts.begin(), pts.end());
        ring->addPoint(xs[p], ys[p]);
        for (const auto& [x, y] : pts) ring->addPoint(x, y);
    };
    Writer w(path, "zones", {"ZID"});
    for (int y = 0; y < ny; ++y)
        for (int x = 0; x < nx; ++x) {
            const int a = y * (nx + 1) + x, b = a + 1, c = a + nx + 2, d = a + nx + 1;
            auto* ring = new OGRLinearRing();
            edge(a, b, ring);
            edge(b, c, ring);
            edge(c, d, ring);
            edge(d, a, ring);
            ring->closeRings();
            auto* poly = new OGRPolygon();
            poly->addRingDirectly(ring);
            w.add(poly, {"Z" + std::to_string(y * nx + x)});
        }
}

}  // namespace

int main(int argc, char** argv) {
    long parcels = 1000000, zones = 5000;
    std::string dir = "/tmp/citycheck-bench-landuse";
    bool overlap_check = false;
    int pairs = 7;  // alternating 1- and 2-thread pairs of the indexed run for the median speed-up
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--parcels" && i + 1 < argc) parcels = std::stol(argv[++i]);
        else if (a == "--zones" && i + 1 < argc) zones = std::stol(argv[++i]);
        else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else if (a == "--overlap-check") overlap_check = true;
        else if (a == "--pairs" && i + 1 < argc) pairs = std::stoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: bench_landuse [--parcels N] [--zones M] [--dir DIR] [--overlap-check] [--pairs K]\n");
            return 2;
        }
    }
    citycheck::spatial::GdalEnvironment::ensure();
    const int side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(parcels))));
    const double cell = 20.0;  // m: 1 M parcels of ~400 m² over 20 km × 20 km
    const int zx = static_cast<int>(std::lround(std::sqrt(zones / 2.0))) * 2, zy = static_cast<int>(zones / zx);
    std::filesystem::create_directories(dir);
    const std::string pfile = dir + "/parcels_" + std::to_string(side * side) + ".gpkg";
    const std::string zfile = dir + "/zones_" + std::to_string(zx * zy) + ".gpkg";
    auto t0 = std::chrono::steady_clock::now();
    if (!std::filesystem::exists(pfile)) write_parcels(pfile, side, cell);
    if (!std::filesystem::exists(zfile)) write_zones(zfile, zx, zy, side * cell);
    std::printf("workload: %d parcels (%dx%d, %.0f m cells), %d zones (%dx%d, 32-vertex jittered), GeoPackage, EPSG:4547\n", side * side,
                side, side, cell, zx * zy, zx, zy);
    std::printf("data generation: %.1f s (skipped when the files exist)\n\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());

    struct Config {
        const char* name;
        const char* algorithm;
        const char* threads;
        const char* overlaps;
        const char* env = nullptr;  // CITYCHECK_GPKG_DIRECT for the run, if set
    };
    std::vector<Config> configs = {{"indexed", "indexed", "1", "skip"},
                                   {"indexed", "indexed", "2", "skip"},
                                   {"naive", "naive", "1", "skip"},
                                   {"naive", "naive", "2", "skip"},
                                   {"indexed-ogr-reader", "indexed", "1", "skip", "0"},
                                   {"indexed-ogr-reader", "indexed", "2", "skip", "0"}};
    // The default run (`--overlaps check`): the overlap check on top of the overlay.
    if (overlap_check)
        for (const char* t : {"1", "2"}) configs.push_back({"indexed+overlap-check", "indexed", t, "check"});
    std::vector<bench::Run> runs;
    std::printf("%-24s %7s %10s %10s %12s\n", "run", "threads", "wall s", "cpu s", "peak RSS MB");
    for (const auto& c : configs) {
        const std::string out = dir + "/out_" + c.name + "_" + c.threads + ".csv";
        // The reader switch goes to the child through the environment bench::run passes on.
        if (c.env) ::setenv("CITYCHECK_GPKG_DIRECT", c.env, 1);
        const bench::Run r = bench::run({CITYCHECK_BIN, "--threads", c.threads, "-q", "landuse", pfile, "--code-field", "DLBM", "--zones", zfile, "--id", "ZID",
                           "--algorithm", c.algorithm, "--overlaps", c.overlaps, "-o", out});
        if (c.env) ::unsetenv("CITYCHECK_GPKG_DIRECT");
        std::printf("%-24s %7s %10.2f %10.2f %12.1f%s\n", c.name, c.threads, r.seconds, r.cpu_seconds, r.max_rss_mb,
                    r.status == 0 ? "" : "  FAILED");
        std::fflush(stdout);
        runs.push_back(r);
    }
    std::printf("\nnaive / indexed, 1 thread : %.2fx\n", runs[2].seconds / runs[0].seconds);
    std::printf("naive / indexed, 2 threads: %.2fx\n", runs[3].seconds / runs[1].seconds);
    std::printf("indexed speed-up 1 -> 2 threads: %.2fx\n", runs[0].seconds / runs[1].seconds);
    std::printf("naive speed-up 1 -> 2 threads: %.2fx\n", runs[2].seconds / runs[3].seconds);
    std::printf("naive / indexed CPU time, 1 thread: %.2fx\n", runs[2].cpu_seconds / runs[0].cpu_seconds);
    // The outputs must agree (same table from both algorithms, up to the last printed digit).
    const auto read = [](const std::string& p) {
        std::FILE* f = std::fopen(p.c_str(), "rb");
        std::string s;
        if (!f) return s;
        char buf[65536];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
        std::fclose(f);
        return s;
    };
    const bool same_threads = read(dir + "/out_indexed_1.csv") == read(dir + "/out_indexed_2.csv");
    std::printf("indexed output identical for 1 and 2 threads: %s\n", same_threads ? "yes" : "NO");
    const bool same_reader = read(dir + "/out_indexed_2.csv") == read(dir + "/out_indexed-ogr-reader_2.csv") &&
                             read(dir + "/out_indexed_1.csv") == read(dir + "/out_indexed-ogr-reader_1.csv");
    std::printf("indexed output identical for the direct and the OGR reader: %s\n", same_reader ? "yes" : "NO");
    std::printf("direct reader speed-up, 1 thread: %.2fx, 2 threads: %.2fx\n", runs[4].seconds / runs[0].seconds,
                runs[5].seconds / runs[1].seconds);
    if (overlap_check) {
        std::printf("overlap check speed-up 1 -> 2 threads: %.2fx; the check adds %.2f s (1 thread), %.2f s (2 threads)\n",
                    runs[6].seconds / runs[7].seconds, runs[6].seconds - runs[0].seconds, runs[7].seconds - runs[1].seconds);
        std::printf("indexed output identical with and without the overlap check: %s\n",
                    read(dir + "/out_indexed+overlap-check_2.csv") == read(dir + "/out_indexed_2.csv") ? "yes" : "NO");
    }

    // One pair of runs is at the mercy of this machine's noise (about ±5 %): the speed-up of the
    // indexed run is also taken over alternating 1- and 2-thread pairs, as the median of the pairs'
    // ratios; and in process, from the stage times the CLI logs (`--log-level debug`), without
    // process start (loading libgdal and its libraries) and exit.
    if (pairs > 0) {
        std::vector<double> one, two, ratio, in_process;
        const std::string log = dir + "/pairs_stderr.txt";
        const auto stages_seconds = [&] {  // parcels + overlay + classes + output from the debug line
            std::FILE* f = std::fopen(log.c_str(), "r");
            double total = -1;
            char line[1024];
            while (f && std::fgets(line, sizeof line, f)) {
                double p = 0, z = 0, o = 0, c = 0, w = 0;
                if (std::sscanf(line, "debug: landuse: parcels %lf s (zones %lf s at the same time), overlay %lf s, classes %lf s, output %lf s",
                                &p, &z, &o, &c, &w) == 5)
                    total = p + o + c + w;
            }
            if (f) std::fclose(f);
            return total;
        };
        for (int k = 0; k < pairs; ++k) {
            double w[2] = {0, 0}, s[2] = {0, 0};
            for (int t = 0; t < 2; ++t) {
                const bench::Run r = bench::run({CITYCHECK_BIN, "--threads", t == 0 ? "1" : "2", "--log-level", "debug", "landuse", pfile, "--code-field",
                                                 "DLBM", "--zones", zfile, "--id", "ZID", "--overlaps", "skip", "-o", dir + "/out_pairs.csv"},
                                                log);
                w[t] = r.seconds;
                s[t] = stages_seconds();
            }
            one.push_back(w[0]), two.push_back(w[1]), ratio.push_back(w[0] / w[1]);
            if (s[0] > 0 && s[1] > 0) in_process.push_back(s[0] / s[1]);
        }
        const auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
        };
        std::printf("\nindexed, %d alternating pairs: 1 thread median %.2f s (%.2f-%.2f), 2 threads median %.2f s (%.2f-%.2f)\n", pairs,
                    median(one), *std::min_element(one.begin(), one.end()), *std::max_element(one.begin(), one.end()), median(two),
                    *std::min_element(two.begin(), two.end()), *std::max_element(two.begin(), two.end()));
        std::printf("indexed speed-up 1 -> 2 threads over the pairs: median %.2fx (%.2f-%.2f)\n", median(ratio),
                    *std::min_element(ratio.begin(), ratio.end()), *std::max_element(ratio.begin(), ratio.end()));
        if (!in_process.empty())
            std::printf("the same in process (stage times, without process start and exit): median %.2fx (%.2f-%.2f)\n", median(in_process),
                        *std::min_element(in_process.begin(), in_process.end()), *std::max_element(in_process.begin(), in_process.end()));
    }
    return 0;
}
