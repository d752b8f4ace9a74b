// Zonal-statistics benchmark (issue 3), one configuration per process so that peak RSS is per run:
//   bench_zonal gen DIR [SIZE] [ZONES]   float32 SIZE×SIZE raster, 256×256 DEFLATE tiles, ZONES polygons
//   bench_zonal floor DIR THREADS         read and decode every block once (the floor)
//   bench_zonal zonal DIR THREADS         mean, count, sum with exact coverage
// Prints "<mode> threads=N wall_s=… peak_rss_mb=…". bench/run_zonal_bench.sh runs the set and the ratios.
#include <citycheck/raster/zonal.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <ogrsf_frmts.h>
#include <sys/resource.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>

using namespace citycheck;

namespace {

double peak_rss_mb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void generate(const std::string& dir, int size, int nzones) {
    char** co = nullptr;
    co = CSLSetNameValue(co, "TILED", "YES");
    co = CSLSetNameValue(co, "BLOCKXSIZE", "256");
    co = CSLSetNameValue(co, "BLOCKYSIZE", "256");
    co = CSLSetNameValue(co, "COMPRESS", "DEFLATE");
    co = CSLSetNameValue(co, "BIGTIFF", "IF_SAFER");
    GDALDatasetUniquePtr ds(spatial::driver("GTiff").Create((dir + "/values.tif").c_str(), size, size, 1, GDT_Float32, co));
    CSLDestroy(co);
    double gt[6] = {500000, 10, 0, 3400000, 0, -10};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(4547);
    ds->SetSpatialRef(&srs);
    std::vector<float> row(static_cast<std::size_t>(size) * 256);
    for (int r0 = 0; r0 < size; r0 += 256) {
        const int rows = std::min(256, size - r0);
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < size; ++c)
                row[static_cast<std::size_t>(r) * size + c] =
                    static_cast<float>(std::sin((r0 + r) * 0.01) * std::cos(c * 0.013) + ((c * 7 + r * 13) % 17) * 0.01);
        if (ds->GetRasterBand(1)->RasterIO(GF_Write, 0, r0, size, rows, row.data(), size, rows, GDT_Float32, 0, 0, nullptr) != CE_None)
            throw std::runtime_error("cannot write the benchmark raster");
    }
    ds.reset();
    // Zones: a jittered lattice of squares and irregular 12-gons covering most of the raster.
    GDALDatasetUniquePtr vs(spatial::driver("GPKG").Create((dir + "/zones.gpkg").c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    auto* layer = vs->CreateLayer("zones", &srs, wkbPolygon, nullptr);
    OGRFieldDefn f("zone", OFTString);
    layer->CreateField(&f);
    const int per_side = static_cast<int>(std::ceil(std::sqrt(nzones)));
    const double extent = size * 10.0, step = extent / per_side;
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    vs->StartTransaction();
    for (int i = 0; i < nzones; ++i) {
        const double cx = 500000 + (i % per_side + 0.5) * step, cy = 3400000 - (i / per_side + 0.5) * step;
        OGRLinearRing ring;
        if (i % 2 == 0) {
            const double h = step * (0.35 + 0.1 * u(rng));
            ring.addPoint(cx - h, cy - h);
            ring.addPoint(cx + h, cy - h);
            ring.addPoint(cx + h, cy + h);
            ring.addPoint(cx - h, cy + h);
        } else {
            for (int k = 0; k < 12; ++k) {
                const double a = 2 * M_PI * k / 12, rr = step * (0.3 + 0.2 * u(rng));
                ring.addPoint(cx + rr * std::cos(a), cy + rr * std::sin(a));
            }
        }
        ring.closeRings();
        OGRPolygon poly;
        poly.addRing(&ring);
        OGRFeature feat(layer->GetLayerDefn());
        feat.SetField(0, std::to_string(i).c_str());
        feat.SetGeometry(&poly);
        if (layer->CreateFeature(&feat) != OGRERR_NONE) throw std::runtime_error("cannot write a zone");
    }
    vs->CommitTransaction();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_zonal gen DIR [SIZE] [ZONES] | floor DIR THREADS | zonal DIR THREADS\n");
        return 2;
    }
    spatial::GdalEnvironment gdal;
    const std::string mode = argv[1], dir = argv[2];
    if (mode == "gen") {
        generate(dir, argc > 3 ? std::stoi(argv[3]) : 4000, argc > 4 ? std::stoi(argv[4]) : 1000);
        return 0;
    }
    const int threads = argc > 3 ? std::stoi(argv[3]) : 2;
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    const auto t0 = std::chrono::steady_clock::now();
    const raster::Raster r(dir + "/values.tif");
    double check = 0;
    if (mode == "floor") {
        const raster::BlockPlan plan(r.grid().cols(), r.grid().rows(), r.band(1).block, raster::DEFAULT_MAX_CELLS, {0, 0, -1, -1},
                                     4 * threads);
        std::vector<double> sums(plan.windows().size());
        tbb::parallel_for(std::size_t(0), plan.windows().size(), [&](std::size_t i) {
            raster::Block b;
            r.read(1, plan.windows()[i], b);
            sums[i] = b.values[b.values.size() / 2];
        });
        for (double s : sums) check += s;
    } else {
        raster::BandSource src(r, 1);
        raster::ZonalInput in{{&src}, nullptr, raster::parse_stats("mean,count,sum")};
        spatial::GeosContext ctx;
        const auto zones = raster::load_zones(dir + "/zones.gpkg", "zone", r.grid().crs(), ctx);
        const auto res = raster::compute_zonal(in, zones);
        for (const auto& z : res) check += z[0].weight;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s threads=%d wall_s=%.3f peak_rss_mb=%.1f check=%.6g\n", mode.c_str(), threads, wall, peak_rss_mb(), check);
    return 0;
}
