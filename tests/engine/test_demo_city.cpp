// The demo city: determinism and every known answer of its manifest, checked independently from
// the written files (areas with OGR, vegetation from the raw image bands, populations from the CSVs).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include <citycheck/core/error.hpp>
#include <citycheck/demo/demo_city.hpp>
#include <citycheck/spatial/encoding.hpp>
#include <citycheck/spatial/gdal.hpp>

#include "../../engine/demo/src/gcj02.hpp"
#include "../../engine/demo/src/hash.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using citycheck::test::TempDir;
using nlohmann::json;

namespace {

constexpr double k_size_km = 3.0;
constexpr std::uint64_t k_seed = 7;

std::uint64_t fnv(std::uint64_t h, const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t k = 0; k < n; ++k) h = (h ^ p[k]) * 0x100000001B3ull;
    return h;
}

// A checksum of values (not bytes: GeoPackages carry timestamps): every field and geometry, every pixel.
std::uint64_t value_checksum(const fs::path& path) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    const auto ext = path.extension().string();
    if (ext == ".csv" || ext == ".json" || ext == ".txt") {
        std::string text = citycheck::test::read_file(path);
        if (ext == ".json") {  // the manifest is values only, except nothing: keep as is
        }
        return fnv(h, text.data(), text.size());
    }
    auto ds = citycheck::spatial::open_dataset(path.string(), citycheck::spatial::DatasetKind::any,
                                               citycheck::spatial::vector_open_options(path.string()));
    for (int b = 1; b <= ds->GetRasterCount(); ++b) {
        auto* band = ds->GetRasterBand(b);
        std::vector<double> row(static_cast<std::size_t>(band->GetXSize()));
        for (int y = 0; y < band->GetYSize(); ++y) {
            EXPECT_EQ(band->RasterIO(GF_Read, 0, y, band->GetXSize(), 1, row.data(), band->GetXSize(), 1, GDT_Float64, 0, 0),
                      CE_None);
            h = fnv(h, row.data(), row.size() * sizeof(double));
        }
    }
    for (auto* layer : ds->GetLayers()) {
        for (auto& f : *layer) {
            for (int k = 0; k < f->GetFieldCount(); ++k) {
                const std::string v = f->IsFieldSetAndNotNull(k) ? f->GetFieldAsString(k) : "<null>";
                h = fnv(h, v.data(), v.size() + 1);
            }
            if (auto* g = f->GetGeometryRef()) {
                std::vector<unsigned char> wkb(static_cast<std::size_t>(g->WkbSize()));
                g->exportToWkb(wkbNDR, wkb.data());
                h = fnv(h, wkb.data(), wkb.size());
            }
        }
    }
    return h;
}

std::map<std::string, std::uint64_t> checksums(const fs::path& dir) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        const auto ext = e.path().extension().string();
        if (ext == ".gpkg" || ext == ".shp" || ext == ".tif" || ext == ".csv" || ext == ".txt")
            out[e.path().filename().string()] = value_checksum(e.path());
    }
    return out;
}

citycheck::spatial::DatasetPtr open_vector(const fs::path& p) {
    return citycheck::spatial::open_dataset(p.string(), citycheck::spatial::DatasetKind::vector,
                                            citycheck::spatial::vector_open_options(p.string()));
}

std::unique_ptr<OGRGeometry> union_of(std::vector<std::unique_ptr<OGRGeometry>>& parts) {
    OGRMultiPolygon mp;
    for (auto& g : parts) {
        if (auto* poly = dynamic_cast<OGRPolygon*>(g.get())) mp.addGeometry(poly);
    }
    return std::unique_ptr<OGRGeometry>(mp.UnionCascaded());
}


// Neighbouring polygons must share vertices: no vertex of any ring lies strictly inside another
// ring's edge (a T-junction). Axis-parallel edges only, as in the demo.
int count_t_junctions(const std::vector<const OGRPolygon*>& polys) {
    std::map<double, std::vector<double>> on_h, on_v;  // y → xs, x → ys
    std::vector<const OGRLinearRing*> rings;
    for (const auto* p : polys) {
        rings.push_back(p->getExteriorRing());
        for (int k = 0; k < p->getNumInteriorRings(); ++k) rings.push_back(p->getInteriorRing(k));
    }
    for (const auto* r : rings)
        for (int k = 0; k < r->getNumPoints(); ++k) {
            on_h[r->getY(k)].push_back(r->getX(k));
            on_v[r->getX(k)].push_back(r->getY(k));
        }
    for (auto* m : {&on_h, &on_v})
        for (auto& [key, v] : *m) std::sort(v.begin(), v.end());
    int bad = 0;
    for (const auto* r : rings)
        for (int k = 0; k + 1 < r->getNumPoints(); ++k) {
            const double x0 = r->getX(k), y0 = r->getY(k), x1 = r->getX(k + 1), y1 = r->getY(k + 1);
            const bool horizontal = y0 == y1;
            const auto& line = horizontal ? on_h[y0] : on_v[x0];
            const double lo = horizontal ? std::min(x0, x1) : std::min(y0, y1);
            const double hi = horizontal ? std::max(x0, x1) : std::max(y0, y1);
            auto it = std::upper_bound(line.begin(), line.end(), lo);
            if (it != line.end() && *it < hi) ++bad;
        }
    return bad;
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
    std::vector<std::vector<std::string>> rows;
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        std::string c;
        while (std::getline(ss, c, ',')) cells.push_back(c);
        rows.push_back(cells);
    }
    return rows;
}

class DemoCityTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_dir = std::make_unique<TempDir>("citycheck-demo");
        s_out = citycheck::demo::write_demo_city(s_dir->path() / "city", {k_seed, k_size_km});
        std::ifstream in(s_dir->path() / "city" / "demo-city.json");
        s_manifest = json::parse(in);
    }
    static void TearDownTestSuite() { s_dir.reset(); }
    static fs::path dir() { return s_dir->path() / "city"; }
    static const json& known() { return s_manifest["known_answers"]; }

    static std::unique_ptr<TempDir> s_dir;
    static citycheck::demo::DemoOutput s_out;
    static json s_manifest;
};
std::unique_ptr<TempDir> DemoCityTest::s_dir;
citycheck::demo::DemoOutput DemoCityTest::s_out;
json DemoCityTest::s_manifest;

TEST_F(DemoCityTest, WritesEveryListedDatasetAndNoTemporaries) {
    for (const auto& f : s_out.files) EXPECT_TRUE(fs::exists(f)) << f;
    EXPECT_EQ(s_manifest["crs"], "EPSG:4547");
    EXPECT_EQ(s_manifest["seed"], k_seed);
    for (const auto& e : fs::directory_iterator(dir()))
        EXPECT_NE(e.path().filename().string()[0], '.') << "leftover temporary " << e.path();
}

TEST_F(DemoCityTest, SameSeedSameValuesOtherSeedDifferent) {
    TempDir again("citycheck-demo-again");
    citycheck::demo::write_demo_city(again.path(), {k_seed, k_size_km});
    const auto a = checksums(dir()), b = checksums(again.path());
    ASSERT_EQ(a.size(), 14u);
    EXPECT_EQ(a, b);

    TempDir other("citycheck-demo-other");
    citycheck::demo::write_demo_city(other.path(), {k_seed + 1, k_size_km});
    const auto c = checksums(other.path());
    for (const char* f : {"landuse.gpkg", "image.tif", "population.tif", "census.csv", "roads.gpkg"})
        EXPECT_NE(a.at(f), c.at(f)) << f << " did not change with the seed";
}

// 城区, 建成区 and 城镇开发边界 are block unions: their areas are the known answers; shelters lie in
// 城区; waterlogging points in 建成区; stops.txt lists every bus stop and metro station.
TEST_F(DemoCityTest, PlanningBoundariesSheltersAndStopsMatchTheKnownAnswers) {
    auto b = open_vector(dir() / "boundaries.gpkg");
    std::map<std::string, std::unique_ptr<OGRGeometry>> geoms;
    for (const char* name : {"urban_area", "builtup_area", "development_boundary"}) {
        auto* layer = b->GetLayerByName(name);
        ASSERT_NE(layer, nullptr) << name;
        ASSERT_EQ(layer->GetFeatureCount(), 1) << name;
        OGRFeatureUniquePtr f(layer->GetNextFeature());
        const double area = f->GetGeometryRef()->toMultiPolygon()->get_Area();
        EXPECT_NEAR(area, known()[name]["area_m2"].get<double>(), 1e-3) << name;
        EXPECT_NEAR(f->GetFieldAsDouble("area_m2"), area, 1e-3) << name;
        geoms[name].reset(f->GetGeometryRef()->clone());
    }
    EXPECT_GT(known()["builtup_area"]["area_m2"].get<double>(), 0);
    EXPECT_TRUE(geoms["development_boundary"]->Contains(geoms["builtup_area"].get()));
    EXPECT_GT(known()["development_boundary"]["area_m2"].get<double>(), known()["builtup_area"]["area_m2"].get<double>());

    auto sh = open_vector(dir() / "shelters.gpkg");
    double area = 0;
    long long n = 0;
    for (auto& f : *sh->GetLayer(0)) {
        ++n;
        area += f->GetGeometryRef()->toPolygon()->get_Area();
        EXPECT_TRUE(geoms["urban_area"]->Contains(f->GetGeometryRef())) << f->GetFID();
    }
    EXPECT_EQ(n, known()["shelters"]["count"].get<long long>());
    EXPECT_NEAR(area, known()["shelters"]["area_m2"].get<double>(), 1e-3);

    auto fac = open_vector(dir() / "facilities.gpkg");
    for (const char* kind : {"fire_station", "culture", "football", "waterlogging_point"}) {
        auto* layer = fac->GetLayerByName(kind);
        ASSERT_NE(layer, nullptr) << kind;
        EXPECT_EQ(layer->GetFeatureCount(), known()["facilities"][kind].get<long long>()) << kind;
    }
    EXPECT_GT(known()["facilities"]["fire_station"].get<long long>(), 0);
    EXPECT_EQ(known()["facilities"]["waterlogging_point"], known()["waterlogging_points"]["count"]);
    for (auto& f : *fac->GetLayerByName("waterlogging_point"))
        EXPECT_TRUE(geoms["builtup_area"]->Contains(f->GetGeometryRef())) << f->GetFID();

    auto gw = open_vector(dir() / "greenways.gpkg");
    double length = 0;
    for (auto& f : *gw->GetLayer(0)) length += f->GetGeometryRef()->toLineString()->get_Length();
    EXPECT_NEAR(length, known()["greenway_length_total_m"].get<double>(), 1e-6);

    const auto stops = citycheck::test::read_file(dir() / "stops.txt");
    EXPECT_EQ(stops.substr(0, stops.find('\n')), "stop_id,stop_name,stop_lat,stop_lon,location_type");
    const auto rows = static_cast<long long>(std::count(stops.begin(), stops.end(), '\n')) - 1;
    EXPECT_EQ(rows, known()["transit_stops"].get<long long>());
    EXPECT_EQ(rows, known()["facilities"]["bus_stop"].get<long long>() + known()["facilities"]["metro_station"].get<long long>());
}

TEST_F(DemoCityTest, ParcelsTileTheCityWithTheDocumentedFields) {
    auto ds = open_vector(dir() / "landuse.gpkg");
    auto* layer = ds->GetLayerByName("DLTB");
    ASSERT_NE(layer, nullptr);
    const double side = s_manifest["size_km"].get<double>() * 1000.0;
    double area = 0, tbmj = 0, tbdlmj = 0;
    std::set<std::string> codes;
    std::set<long long> bsm;
    std::vector<std::unique_ptr<OGRGeometry>> geoms;
    for (auto& f : *layer) {
        const double a = dynamic_cast<OGRPolygon*>(f->GetGeometryRef())->get_Area();
        area += a;
        EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("TBMJ"), a);
        tbmj += f->GetFieldAsDouble("TBMJ");
        tbdlmj += f->GetFieldAsDouble("TBDLMJ");
        const std::string dlbm = f->GetFieldAsString("DLBM");
        codes.insert(dlbm);
        if (dlbm == "0101") {
            EXPECT_EQ(std::string(f->GetFieldAsString("KCDLBM")), "1203");
            EXPECT_NEAR(f->GetFieldAsDouble("TBDLMJ"), a * (1 - f->GetFieldAsDouble("KCXS")), 1e-6);
        } else {
            EXPECT_DOUBLE_EQ(f->GetFieldAsDouble("TBDLMJ"), a);
        }
        EXPECT_TRUE(bsm.insert(f->GetFieldAsInteger64("BSM")).second);
        geoms.emplace_back(f->StealGeometry());
    }
    EXPECT_DOUBLE_EQ(area, side * side);
    std::vector<const OGRPolygon*> polys;
    for (const auto& g : geoms) polys.push_back(dynamic_cast<const OGRPolygon*>(g.get()));
    EXPECT_EQ(count_t_junctions(polys), 0);
    EXPECT_DOUBLE_EQ(tbmj, known()["city_area_m2"].get<double>());
    EXPECT_NEAR(tbdlmj, known()["tbdlmj_total_m2"].get<double>(), 1e-3);
    EXPECT_EQ(static_cast<long long>(geoms.size()), known()["parcels"].get<long long>());
    // No overlaps and no gaps: the union has the same area as the sum.
    auto u = union_of(geoms);
    ASSERT_TRUE(u);
    EXPECT_NEAR(dynamic_cast<OGRSurface*>(u.get()) ? dynamic_cast<OGRSurface*>(u.get())->get_Area()
                                                   : dynamic_cast<OGRMultiSurface*>(u.get())->get_Area(),
                side * side, 1e-3);
    for (const char* c : {"0701", "0702", "0810", "0810A", "0301", "0305", "0404", "1101", "1104", "0101", "05H1",
                          "0601", "08H2", "1004", "1006", "1203"})
        EXPECT_TRUE(codes.count(c)) << c << " missing";
}

TEST_F(DemoCityTest, ZoneLevelsTileEachOther) {
    auto ds = open_vector(dir() / "zones.gpkg");
    const double city_area = known()["city_area_m2"].get<double>();
    std::map<std::string, std::unique_ptr<OGRGeometry>> previous;
    const char* levels[] = {"city", "district", "subdistrict", "community"};
    for (int l = 0; l < 4; ++l) {
        auto* layer = ds->GetLayerByName(levels[l]);
        ASSERT_NE(layer, nullptr) << levels[l];
        EXPECT_EQ(layer->GetFeatureCount(), known()["zones"][levels[l]].get<long long>());
        std::map<std::string, std::unique_ptr<OGRGeometry>> current;
        std::map<std::string, double> child_area;
        double sum = 0;
        for (auto& f : *layer) {
            const std::string code = f->GetFieldAsString("code");
            EXPECT_EQ(code.size(), 12u);
            EXPECT_EQ(f->GetFieldAsInteger("level"), l + 1);
            EXPECT_FALSE(std::string(f->GetFieldAsString("name")).empty());
            auto* g = f->GetGeometryRef();
            const double a = dynamic_cast<OGRPolygon*>(g)->get_Area();
            sum += a;
            if (l > 0) {
                const std::string parent = f->GetFieldAsString("parent_code");
                ASSERT_TRUE(previous.count(parent)) << code << " has unknown parent " << parent;
                EXPECT_TRUE(g->Within(previous[parent].get())) << code;
                child_area[parent] += a;
            }
            EXPECT_TRUE(current.emplace(code, std::unique_ptr<OGRGeometry>(f->StealGeometry())).second);
        }
        EXPECT_DOUBLE_EQ(sum, city_area) << levels[l];
        std::vector<const OGRPolygon*> polys;
        for (const auto& [code, g] : current) polys.push_back(dynamic_cast<const OGRPolygon*>(g.get()));
        EXPECT_EQ(count_t_junctions(polys), 0) << levels[l];
        for (const auto& [parent, a] : child_area)  // children fill their parent exactly
            EXPECT_DOUBLE_EQ(a, dynamic_cast<OGRPolygon*>(previous[parent].get())->get_Area()) << parent;
        if (l > 0) {
            EXPECT_EQ(child_area.size(), previous.size()) << "a parent without children";
        }
        previous = std::move(current);
    }
}

TEST_F(DemoCityTest, QuarterGreenCommunityFromTheImageBands) {
    const auto& g = known()["green_coverage_community"];
    auto zones = open_vector(dir() / "zones.gpkg");
    auto* communities = zones->GetLayerByName("community");
    communities->SetAttributeFilter(("code = '" + g["code"].get<std::string>() + "'").c_str());
    std::unique_ptr<OGRFeature> f(communities->GetNextFeature());
    ASSERT_TRUE(f);
    auto* geom = f->GetGeometryRef();
    OGREnvelope env;
    geom->getEnvelope(&env);

    auto img = citycheck::spatial::open_dataset((dir() / "image.tif").string(), citycheck::spatial::DatasetKind::raster);
    double gt[6];
    img->GetGeoTransform(gt);
    const int c0 = static_cast<int>(std::floor((env.MinX - gt[0]) / gt[1]));
    const int c1 = static_cast<int>(std::ceil((env.MaxX - gt[0]) / gt[1]));
    const int r0 = static_cast<int>(std::floor((env.MaxY - gt[3]) / gt[5]));
    const int r1 = static_cast<int>(std::ceil((env.MinY - gt[3]) / gt[5]));
    const int w = c1 - c0, h = r1 - r0;
    std::vector<std::uint16_t> red(static_cast<std::size_t>(w) * h), nir(red.size());
    ASSERT_EQ(img->GetRasterBand(3)->RasterIO(GF_Read, c0, r0, w, h, red.data(), w, h, GDT_UInt16, 0, 0), CE_None);
    ASSERT_EQ(img->GetRasterBand(4)->RasterIO(GF_Read, c0, r0, w, h, nir.data(), w, h, GDT_UInt16, 0, 0), CE_None);
    long long inside = 0, vegetated = 0;
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) {
            OGRPoint p(gt[0] + (c0 + c + 0.5) * gt[1], gt[3] + (r0 + r + 0.5) * gt[5]);
            if (!p.Within(geom)) continue;
            ++inside;
            const double R = red[static_cast<std::size_t>(r) * w + c], N = nir[static_cast<std::size_t>(r) * w + c];
            if ((N - R) / (N + R) >= 0.3) ++vegetated;
        }
    EXPECT_EQ(inside * 100, g["area_m2"].get<long long>());
    EXPECT_EQ(vegetated * 4, inside) << "green coverage is not exactly 25 %";
    EXPECT_EQ(vegetated, g["vegetated_pixels"].get<long long>());
    EXPECT_DOUBLE_EQ(g["green_coverage_percent"].get<double>(), 25.0);
}

TEST_F(DemoCityTest, VegetationFollowsLandUse) {
    auto img = citycheck::spatial::open_dataset((dir() / "image.tif").string(), citycheck::spatial::DatasetKind::raster);
    double gt[6];
    img->GetGeoTransform(gt);
    auto ds = open_vector(dir() / "landuse.gpkg");
    const std::set<std::string> green = {"0810", "0301", "0305", "0404", "0101"};
    const std::set<std::string> water = {"1101", "1104"};
    int checked = 0;
    for (auto& f : *ds->GetLayerByName("DLTB")) {
        // Parcels are rectangles, or road rings 10 m wide: sample the centre, or a point inside the ring.
        auto* poly = dynamic_cast<OGRPolygon*>(f->GetGeometryRef());
        OGREnvelope e;
        poly->getEnvelope(&e);
        OGRPoint p(poly->getNumInteriorRings() ? e.MinX + 5 : (e.MinX + e.MaxX) / 2,
                   poly->getNumInteriorRings() ? e.MinY + 5 : (e.MinY + e.MaxY) / 2);
        if (!p.Within(poly)) continue;
        const int c = static_cast<int>((p.getX() - gt[0]) / gt[1]), r = static_cast<int>((p.getY() - gt[3]) / gt[5]);
        std::uint16_t v[4];
        ASSERT_EQ(img->RasterIO(GF_Read, c, r, 1, 1, v, 1, 1, GDT_UInt16, 4, nullptr, 0, 0, 0, nullptr), CE_None);
        const double ndvi = (double(v[3]) - v[2]) / (double(v[3]) + v[2]);
        const std::string dlbm = f->GetFieldAsString("DLBM");
        if (green.count(dlbm)) {
            EXPECT_GE(ndvi, 0.3) << dlbm;
        } else {
            EXPECT_LT(ndvi, 0.3) << dlbm;
        }
        if (water.count(dlbm)) {
            EXPECT_LT(ndvi, 0.0) << dlbm;
        }
        ++checked;
    }
    EXPECT_GT(checked, 100);
    EXPECT_EQ(std::string(img->GetRasterBand(4)->GetDescription()), "nir");
    EXPECT_EQ(img->GetRasterBand(1)->GetColorInterpretation(), GCI_BlueBand);
    int bx = 0, by = 0;
    img->GetRasterBand(1)->GetBlockSize(&bx, &by);
    EXPECT_EQ(bx, 256);
    EXPECT_EQ(by, 256);
}

TEST_F(DemoCityTest, BenchmarkParkBuffersCoverTheDocumentedHousing) {
    const auto& bp = known()["benchmark_park"];
    auto parks = open_vector(dir() / "parks.gpkg");
    auto* layer = parks->GetLayerByName("parks");
    layer->SetAttributeFilter("name = '基准游园'");
    std::unique_ptr<OGRFeature> park(layer->GetNextFeature());
    ASSERT_TRUE(park);
    EXPECT_DOUBLE_EQ(park->GetFieldAsDouble("area_m2"), 4500.0);
    EXPECT_EQ(park->GetFieldAsInteger64("park_id"), bp["park_id"].get<long long>());
    auto landuse = open_vector(dir() / "landuse.gpkg");
    auto* dltb = landuse->GetLayerByName("DLTB");
    dltb->SetAttributeFilter("DLBM IN ('0701', '0702')");
    std::vector<std::unique_ptr<OGRGeometry>> housing;
    for (auto& f : *dltb) housing.emplace_back(f->StealGeometry());
    for (auto [radius, key] : {std::pair{300.0, "residential_within_300m_m2"}, {500.0, "residential_within_500m_m2"}}) {
        std::unique_ptr<OGRGeometry> buffer(park->GetGeometryRef()->Buffer(radius, 16));
        double covered = 0;
        for (const auto& h : housing) {
            if (!h->Intersects(buffer.get())) continue;
            std::unique_ptr<OGRGeometry> part(h->Intersection(buffer.get()));
            if (auto* s = dynamic_cast<OGRSurface*>(part.get())) covered += s->get_Area();
            else if (auto* ms = dynamic_cast<OGRMultiSurface*>(part.get())) covered += ms->get_Area();
        }
        EXPECT_NEAR(covered, bp[key].get<double>(), 1e-3) << radius;
        EXPECT_GT(covered, 0) << radius;
    }
    EXPECT_GT(known()["parks"]["at_least_5000_m2"].get<int>(), 0);
    EXPECT_GT(known()["parks"]["from_2000_to_5000_m2"].get<int>(), 0);
}

TEST_F(DemoCityTest, PopulationAgreesAcrossCensusRasterHeatAndZones) {
    const long long total = known()["census_total"].get<long long>();
    EXPECT_GT(total, 0);
    const auto census = read_csv(dir() / "census.csv");
    ASSERT_GE(census.size(), 2u);
    EXPECT_EQ(census[0][0], "code");
    std::map<std::string, long long> by_code;
    long long sum = 0;
    for (std::size_t k = 1; k < census.size(); ++k) {
        by_code[census[k][0]] = std::stoll(census[k][4]);
        sum += std::stoll(census[k][4]);
    }
    EXPECT_EQ(sum, total);

    const auto heat = read_csv(dir() / "heat.csv");
    long long heat_sum = 0;
    for (std::size_t k = 1; k < heat.size(); ++k) {
        heat_sum += std::stoll(heat[k][2]);
        const double lon = std::stod(heat[k][0]), lat = std::stod(heat[k][1]);
        EXPECT_GT(lon, 113.8);
        EXPECT_LT(lon, 114.1);
        EXPECT_GT(lat, 30.4);
        EXPECT_LT(lat, 30.7);
    }
    EXPECT_EQ(heat_sum, total);

    // Zonal sums of the 100 m raster over each community equal its census count exactly.
    auto pop = citycheck::spatial::open_dataset((dir() / "population.tif").string(), citycheck::spatial::DatasetKind::raster);
    auto* band = pop->GetRasterBand(1);
    int has_nodata = 0;
    EXPECT_EQ(band->GetNoDataValue(&has_nodata), -9999.0);
    EXPECT_TRUE(has_nodata);
    const int n = band->GetXSize();
    std::vector<float> cells(static_cast<std::size_t>(n) * n);
    ASSERT_EQ(band->RasterIO(GF_Read, 0, 0, n, n, cells.data(), n, n, GDT_Float32, 0, 0), CE_None);
    double gt[6];
    pop->GetGeoTransform(gt);
    double raster_total = 0;
    for (float v : cells) raster_total += static_cast<double>(v);
    EXPECT_EQ(static_cast<long long>(raster_total), total);
    auto zones = open_vector(dir() / "zones.gpkg");
    for (auto& f : *zones->GetLayerByName("community")) {
        OGREnvelope e;
        f->GetGeometryRef()->getEnvelope(&e);
        double zsum = 0;
        for (int r = static_cast<int>((e.MaxY - gt[3]) / gt[5]); r < static_cast<int>((e.MinY - gt[3]) / gt[5]); ++r)
            for (int c = static_cast<int>((e.MinX - gt[0]) / gt[1]); c < static_cast<int>((e.MaxX - gt[0]) / gt[1]); ++c)
                zsum += static_cast<double>(cells[static_cast<std::size_t>(r) * n + c]);
        const std::string code = f->GetFieldAsString("code");
        EXPECT_EQ(static_cast<long long>(zsum), by_code.at(code)) << code;
        EXPECT_EQ(f->GetFieldAsInteger64("population"), by_code.at(code)) << code;
    }
}

TEST_F(DemoCityTest, RoadsHaveClassesBridgesAndDeadEnds) {
    auto ds = open_vector(dir() / "roads.gpkg");
    auto* layer = ds->GetLayerByName("roads");
    ASSERT_NE(layer, nullptr);
    std::map<std::string, double> length;
    std::map<std::pair<double, double>, int> degree;
    std::vector<std::unique_ptr<OGRGeometry>> bridges, all;
    for (auto& f : *layer) {
        auto* line = dynamic_cast<OGRLineString*>(f->GetGeometryRef());
        ASSERT_NE(line, nullptr);
        length[f->GetFieldAsString("highway")] += line->get_Length();
        for (int k = 0; k < line->getNumPoints(); ++k)
            degree[{line->getX(k), line->getY(k)}] += (k == 0 || k + 1 == line->getNumPoints()) ? 1 : 2;
        if (std::string(f->GetFieldAsString("bridge")) == "yes") {
            EXPECT_EQ(f->GetFieldAsInteger("layer"), 1);
            bridges.emplace_back(line->clone());
        }
        all.emplace_back(line->clone());
    }
    for (const auto& [cls, len] : known()["road_length_m"].items()) EXPECT_DOUBLE_EQ(length[cls], len.get<double>()) << cls;
    for (const char* cls : {"primary", "secondary", "tertiary", "residential", "service"})
        EXPECT_GT(length[cls], 0) << cls;
    EXPECT_EQ(static_cast<long long>(bridges.size()), known()["bridges"].get<long long>());
    int dead = 0;
    for (const auto& [pt, d] : degree) dead += d == 1;
    EXPECT_EQ(dead, known()["dead_ends"].get<int>());
    EXPECT_GT(dead, 0);
    // Overpasses: a bridge crossing another road at a point that is a vertex of neither.
    int overpasses = 0;
    for (const auto& b : bridges)
        for (const auto& r : all) {
            if (!b->Crosses(r.get())) continue;
            std::unique_ptr<OGRGeometry> x(b->Intersection(r.get()));
            auto* p = dynamic_cast<OGRPoint*>(x.get());
            ASSERT_NE(p, nullptr);
            EXPECT_EQ(degree.count({p->getX(), p->getY()}), 0u) << "crossing shares a vertex";
            ++overpasses;
        }
    EXPECT_EQ(overpasses, known()["overpasses"].get<int>());
    EXPECT_GT(overpasses, 0);
}

TEST_F(DemoCityTest, FacilityLayersMatchTheManifest) {
    auto ds = open_vector(dir() / "facilities.gpkg");
    for (const auto& [kind, count] : known()["facilities"].items()) {
        auto* layer = ds->GetLayerByName(kind.c_str());
        ASSERT_NE(layer, nullptr) << kind;
        EXPECT_EQ(layer->GetFeatureCount(), count.get<long long>()) << kind;
    }
    for (const char* kind : {"primary_school", "kindergarten", "clinic", "bus_stop", "metro_station"})
        EXPECT_GT(ds->GetLayerByName(kind)->GetFeatureCount(), 0) << kind;
}

TEST_F(DemoCityTest, GbkShapefileHasNoCpgAndIsDetected) {
    const auto shp = dir() / "dltb_gbk.shp";
    EXPECT_FALSE(fs::exists(dir() / "dltb_gbk.cpg"));
    const auto enc = citycheck::spatial::shapefile_encoding(shp.string());
    ASSERT_TRUE(enc);
    EXPECT_EQ(enc->encoding, "CP936");
    EXPECT_EQ(enc->source, "detected");
    // Decoded with the detected encoding, the names equal the GeoPackage's UTF-8 ones.
    auto a = open_vector(shp);
    auto b = open_vector(dir() / "landuse.gpkg");
    auto* la = a->GetLayer(0);
    auto* lb = b->GetLayerByName("DLTB");
    EXPECT_EQ(la->GetFeatureCount(), lb->GetFeatureCount());
    int compared = 0;
    std::unique_ptr<OGRFeature> fa, fb;
    while ((fa.reset(la->GetNextFeature()), fb.reset(lb->GetNextFeature()), fa && fb) && compared < 200) {
        EXPECT_EQ(std::string(fa->GetFieldAsString("DLMC")), std::string(fb->GetFieldAsString("DLMC")));
        EXPECT_EQ(std::string(fa->GetFieldAsString("ZLDWMC")), std::string(fb->GetFieldAsString("ZLDWMC")));
        ++compared;
    }
    EXPECT_EQ(compared, 200);
}

TEST(DemoCity, UnwritableFolderIsOutputError) {
    TempDir t("citycheck-demo-ro");
    const auto file = t.path() / "not-a-folder";
    std::ofstream(file) << "x";
    try {
        citycheck::demo::write_demo_city(file / "city", {1, 2.0});
        FAIL() << "expected OutputError";
    } catch (const citycheck::OutputError& e) {
        EXPECT_NE(std::string(e.what()).find("not-a-folder"), std::string::npos) << e.what();
    }
}

TEST(DemoCity, ReportsProgressAndCancelsCleanly) {
    TempDir t("citycheck-demo-progress");
    std::vector<double> seen;
    citycheck::Progress record([&](double f, std::string_view) {
        seen.push_back(f);
        return true;
    });
    citycheck::demo::write_demo_city(t.path() / "a", {1, 2.0}, record);
    ASSERT_GE(seen.size(), 5u);
    EXPECT_DOUBLE_EQ(seen.back(), 1.0);
    for (std::size_t k = 1; k < seen.size(); ++k) EXPECT_GE(seen[k], seen[k - 1]);

    int calls = 0;
    citycheck::Progress cancel([&](double, std::string_view) { return ++calls < 4; });
    EXPECT_THROW(citycheck::demo::write_demo_city(t.path() / "b", {1, 2.0}, cancel), citycheck::Cancelled);
    EXPECT_TRUE(fs::is_empty(t.path() / "b")) << "a cancelled run left files behind";
}

TEST(DemoCity, SizeOutOfRangeIsUsageError) {
    TempDir t("citycheck-demo-small");
    EXPECT_THROW(citycheck::demo::write_demo_city(t.path(), {1, 1.0}), citycheck::UsageError);
}

TEST(DemoCity, Gcj02MatchesPublishedReferenceValues) {
    using citycheck::demo::detail::wgs84_to_gcj02;
    const auto a = wgs84_to_gcj02({116.404, 39.915});  // coordtransform's documented example
    EXPECT_NEAR(a.lon, 116.41024449916938, 1e-9);
    EXPECT_NEAR(a.lat, 39.91640428150164, 1e-9);
    const auto outside = wgs84_to_gcj02({2.35, 48.85});  // Paris: unchanged
    EXPECT_EQ(outside.lon, 2.35);
    EXPECT_EQ(outside.lat, 48.85);
}

TEST(DemoCity, HashIsStable) {
    // Frozen values: a change here changes every demo city for every seed.
    using namespace citycheck::demo::detail;
    EXPECT_EQ(splitmix64(0), 0xE220A8397B1DCDAFull);
    EXPECT_EQ(below(mix(2025, tag_block_kind, 3, 4), 100), below(mix(2025, tag_block_kind, 3, 4), 100));
    EXPECT_LT(unit(~0ull), 1.0);
}

}  // namespace
