// The 10 m four-band image and the 100 m population grid, written tile by tile (256 × 256): each
// tile regenerates the plans of the blocks it covers, so memory does not grow with the city.
#include <algorithm>
#include <cmath>

#include <tbb/parallel_for.h>

#include <citycheck/core/error.hpp>
#include <cpl_string.h>

#include "hash.hpp"
#include "writers.hpp"

namespace citycheck::demo::detail {

namespace {

constexpr int k_tile = 256;
constexpr int k_pixel_m = 10;
constexpr int k_cell_m = 100;
constexpr int k_tiles_in_flight = 32;  // tiles computed in parallel before being written in order

struct TiffOut {
    spatial::DatasetPtr ds;
    std::filesystem::path path;
};

TiffOut create_tiff(const std::filesystem::path& path, int size, int bands, GDALDataType type, double pixel,
                    const std::vector<std::string>& extra) {
    spatial::GdalErrorScope errors;
    CPLStringList opts;
    for (const char* o : {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"})
        opts.AddString(o);
    for (const auto& o : extra) opts.AddString(o.c_str());
    TiffOut t;
    t.path = path;
    t.ds.reset(spatial::driver("GTiff").Create(path.string().c_str(), size, size, bands, type, opts.List()));
    if (!t.ds) throw OutputError("cannot create the raster: " + errors.last_error(), {.file = path.string()});
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    double gt[6] = {origin_x, pixel, 0, origin_y + size * pixel, 0, -pixel};
    if (t.ds->SetGeoTransform(gt) != CE_None || t.ds->SetSpatialRef(&srs) != CE_None)
        throw OutputError("cannot set the georeferencing: " + errors.last_error(), {.file = path.string()});
    return t;
}

void write_window(TiffOut& t, int x, int y, int w, int h, GDALDataType type, void* data, int bands) {
    spatial::GdalErrorScope errors;
    if (t.ds->RasterIO(GF_Write, x, y, w, h, data, w, h, type, bands, nullptr, 0, 0, 0, nullptr) != CE_None)
        throw OutputError("cannot write raster data: " + errors.last_error(), {.file = t.path.string()});
}

void finish(TiffOut& t) {
    spatial::GdalErrorScope errors;
    t.ds.reset();  // closing flushes the last tiles; failures are captured by the scope
    if (!errors.last_error().empty())
        throw OutputError("cannot finish the raster: " + errors.last_error(), {.file = t.path.string()});
}

// Runs fn(tx, ty, buffer) for every tile, in parallel batches, writing the batches in tile order.
template <class T, class Fn>
void for_tiles(int size, int bands, const Progress& progress, const char* stage, Fn&& fn,
               const std::function<void(int, int, int, int, std::vector<T>&)>& write) {
    const int n = (size + k_tile - 1) / k_tile;
    const long long total = 1LL * n * n;
    ProgressCounter counter(progress, static_cast<std::size_t>(total), stage);
    for (long long first = 0; first < total; first += k_tiles_in_flight) {
        const long long last = std::min(total, first + k_tiles_in_flight);
        std::vector<std::vector<T>> buffers(static_cast<std::size_t>(last - first));
        tbb::parallel_for(first, last, [&](long long t) {
            const int tx = static_cast<int>(t % n), ty = static_cast<int>(t / n);
            const int w = std::min(k_tile, size - tx * k_tile), h = std::min(k_tile, size - ty * k_tile);
            auto& buf = buffers[static_cast<std::size_t>(t - first)];
            buf.assign(static_cast<std::size_t>(bands) * w * h, T{});
            fn(tx * k_tile, ty * k_tile, w, h, buf);
        });
        for (long long t = first; t < last; ++t) {
            const int tx = static_cast<int>(t % n), ty = static_cast<int>(t / n);
            const int w = std::min(k_tile, size - tx * k_tile), h = std::min(k_tile, size - ty * k_tile);
            write(tx * k_tile, ty * k_tile, w, h, buffers[static_cast<std::size_t>(t - first)]);
            counter.step();
        }
    }
}

// Land class of every pixel of a window (painter's order: the ring first, then the interior).
void classify(const CityModel& m, int px0, int py0, int w, int h, std::vector<std::uint8_t>& cls) {
    const int side = m.side_m();
    cls.assign(static_cast<std::size_t>(w) * h, 0);
    const int wx0 = px0 * k_pixel_m, wx1 = (px0 + w) * k_pixel_m;
    const int wy1 = side - py0 * k_pixel_m, wy0 = side - (py0 + h) * k_pixel_m;
    for (int j = wy0 / block_m; j <= (wy1 - 1) / block_m; ++j)
        for (int i = wx0 / block_m; i <= (wx1 - 1) / block_m; ++i) {
            const BlockPlan plan = m.plan(i, j);
            for (const auto& p : plan.parcels) {
                const int x0 = std::max(wx0, i * block_m + p.r.x0), x1 = std::min(wx1, i * block_m + p.r.x1);
                const int y0 = std::max(wy0, j * block_m + p.r.y0), y1 = std::min(wy1, j * block_m + p.r.y1);
                if (x0 >= x1 || y0 >= y1) continue;
                const int c0 = x0 / k_pixel_m - px0, c1 = x1 / k_pixel_m - px0;
                const int r0 = (side - y1) / k_pixel_m - py0, r1 = (side - y0) / k_pixel_m - py0;
                for (int r = r0; r < r1; ++r)
                    std::fill(cls.begin() + r * w + c0, cls.begin() + r * w + c1, static_cast<std::uint8_t>(p.land));
            }
        }
}

}  // namespace

void write_image(const CityModel& m, const std::filesystem::path& path, const Progress& progress) {
    const int size = m.side_m() / k_pixel_m;
    TiffOut t = create_tiff(path, size, 4, GDT_UInt16, k_pixel_m, {"PREDICTOR=2", "INTERLEAVE=PIXEL", "PHOTOMETRIC=MINISBLACK"});
    static const char* const names[] = {"blue", "green", "red", "nir"};
    static const GDALColorInterp interp[] = {GCI_BlueBand, GCI_GreenBand, GCI_RedBand, GCI_Undefined};
    for (int b = 0; b < 4; ++b) {
        GDALRasterBand* band = t.ds->GetRasterBand(b + 1);
        band->SetDescription(names[b]);
        band->SetColorInterpretation(interp[b]);
        band->SetScale(0.0001);  // DN = surface reflectance × 10 000
        band->SetOffset(0.0);
    }
    t.ds->SetMetadataItem("CITYCHECK_DEMO", "synthetic 10 m image; NDVI >= 0.3 exactly on vegetated land use");
    static const int amp[4] = {60, 60, 60, 150};
    const std::uint64_t seed = m.seed();
    for_tiles<std::uint16_t>(
        size, 4, progress, "demo: image",
        [&](int px0, int py0, int w, int h, std::vector<std::uint16_t>& buf) {
            std::vector<std::uint8_t> cls;
            classify(m, px0, py0, w, h, cls);
            const std::size_t plane = static_cast<std::size_t>(w) * h;
            for (int r = 0; r < h; ++r)
                for (int c = 0; c < w; ++c) {
                    const std::size_t k = static_cast<std::size_t>(r) * w + c;
                    const LandInfo& li = land_info(static_cast<Land>(cls[k]));
                    const std::uint64_t hh = mix(seed, tag_pixel, px0 + c, py0 + r);
                    for (int b = 0; b < 4; ++b) {
                        const int n = static_cast<int>((hh >> (16 * b)) & 0xFFFF) - 32768;  // [-32768, 32767]
                        const int v = li.dn[static_cast<std::size_t>(b)] + (amp[b] * n) / 32768;
                        buf[static_cast<std::size_t>(b) * plane + k] = static_cast<std::uint16_t>(std::clamp(v, 1, 10000));
                    }
                }
        },
        [&](int x, int y, int w, int h, std::vector<std::uint16_t>& buf) { write_window(t, x, y, w, h, GDT_UInt16, buf.data(), 4); });
    finish(t);
}

void write_population(const CityModel& m, const std::filesystem::path& path, const Progress& progress) {
    const int size = m.side_m() / k_cell_m;
    const int side = m.side_m();
    TiffOut t = create_tiff(path, size, 1, GDT_Float32, k_cell_m, {"PREDICTOR=3"});
    GDALRasterBand* band = t.ds->GetRasterBand(1);
    band->SetDescription("population (residents per 100 m cell)");
    band->SetNoDataValue(-9999.0);
    band->SetUnitType("persons");
    for_tiles<float>(
        size, 1, progress, "demo: population",
        [&](int cx0, int cy0, int w, int h, std::vector<float>& buf) {
            // Each parcel's integer population is split over the cells it covers by largest remainder,
            // so every cell is a whole number and any union of blocks sums to the census exactly.
            const int wx0 = cx0 * k_cell_m, wx1 = (cx0 + w) * k_cell_m;
            const int wy1 = side - cy0 * k_cell_m, wy0 = side - (cy0 + h) * k_cell_m;
            for (int j = wy0 / block_m; j <= (wy1 - 1) / block_m; ++j)
                for (int i = wx0 / block_m; i <= (wx1 - 1) / block_m; ++i) {
                    const BlockPlan plan = m.plan(i, j);
                    for (std::size_t k = 0; k < plan.parcels.size(); ++k) {
                        const PlannedParcel& p = plan.parcels[k];
                        const long long pop = m.parcel_population(i, j, p, static_cast<int>(k));
                        if (pop == 0) continue;
                        struct Share { int col, row; long long whole, rest; };
                        std::vector<Share> shares;
                        long long given = 0;
                        for (int b = 0; b < 2; ++b)
                            for (int a = 0; a < 2; ++a) {
                                const int x0 = std::max(p.r.x0, a * k_cell_m), x1 = std::min(p.r.x1, (a + 1) * k_cell_m);
                                const int y0 = std::max(p.r.y0, b * k_cell_m), y1 = std::min(p.r.y1, (b + 1) * k_cell_m);
                                if (x0 >= x1 || y0 >= y1) continue;
                                const long long num = pop * (1LL * (x1 - x0) * (y1 - y0));
                                const int col = (i * block_m) / k_cell_m + a - cx0;
                                const int row = (side - j * block_m) / k_cell_m - 1 - b - cy0;
                                shares.push_back({col, row, num / p.r.area(), num % p.r.area()});
                                given += num / p.r.area();
                            }
                        std::stable_sort(shares.begin(), shares.end(), [](const Share& x, const Share& y) { return x.rest > y.rest; });
                        for (std::size_t q = 0; given < pop; ++q, ++given) ++shares[q % shares.size()].whole;
                        for (const auto& sh : shares)
                            buf[static_cast<std::size_t>(sh.row) * w + sh.col] += static_cast<float>(sh.whole);
                    }
                }
        },
        [&](int x, int y, int w, int h, std::vector<float>& buf) { write_window(t, x, y, w, h, GDT_Float32, buf.data(), 1); });
    finish(t);
}

}  // namespace citycheck::demo::detail
