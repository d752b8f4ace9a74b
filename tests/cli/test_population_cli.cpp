#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <citycheck/spatial/chinese_coords.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/gdal.hpp>

#include "test_support.hpp"

using namespace citycheck;
using test::run_citycheck;

namespace {

struct Poly {
    std::string wkt;
    std::map<std::string, std::string> fields;
};

// Writes polygons (WKT in `epsg`) with string/real fields into a GeoPackage.
void write_gpkg(const std::filesystem::path& path, int epsg, const std::vector<Poly>& polys) {
    spatial::GdalEnvironment::ensure();
    auto* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr ds(drv->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds);
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* layer = ds->CreateLayer("zones", &srs, wkbPolygon, nullptr);
    for (const auto& [name, value] : polys.front().fields) {
        OGRFieldDefn fd(name.c_str(), (name == "pop" || name == "count") ? OFTReal : OFTString);
        layer->CreateField(&fd);
    }
    for (const auto& p : polys) {
        OGRFeature f(layer->GetLayerDefn());
        for (const auto& [name, value] : p.fields) f.SetField(name.c_str(), value.c_str());
        OGRGeometry* g = nullptr;
        OGRGeometryFactory::createFromWkt(p.wkt.c_str(), &srs, &g);
        f.SetGeometryDirectly(g);
        ASSERT_EQ(layer->CreateFeature(&f), OGRERR_NONE);
    }
}

std::string square(double x0, double y0, double size) {
    std::ostringstream s;
    s.precision(12);
    s << "POLYGON((" << x0 << " " << y0 << "," << x0 + size << " " << y0 << "," << x0 + size << " " << y0 + size
      << "," << x0 << " " << y0 + size << "," << x0 << " " << y0 << "))";
    return s.str();
}

// zone_id → row fields, from the CSV written by the command.
std::map<std::string, std::vector<double>> read_table(const std::filesystem::path& path) {
    std::map<std::string, std::vector<double>> rows;
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line.rfind("zone_id,", 0), 0u) << line;
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::string id, cell;
        std::getline(ss, id, ',');
        while (std::getline(ss, cell, ',')) {
            char* end = nullptr;
            const double v = std::strtod(cell.c_str(), &end);
            rows[id].push_back(end && *end == '\0' && !cell.empty() ? v : std::nan(""));  // text → NaN
        }
    }
    return rows;
}

void write_text(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out << bytes;
}

}  // namespace

// Two 1 km² zones in EPSG:4547; census polygons straddling them.
class PopulationCli : public ::testing::Test {
  protected:
    void SetUp() override {
        x0 = 500000;
        y0 = 3400000;
        write_gpkg(dir / "zones.gpkg", 4547,
                   {{square(x0, y0, 1000), {{"code", "Z1"}}}, {square(x0 + 1000, y0, 1000), {{"code", "Z2"}}}});
        // Census: one zone exactly Z1 with 20 000 people, one covering Z2's left half with 4 000.
        write_gpkg(dir / "census.gpkg", 4547,
                   {{square(x0, y0, 1000), {{"name", "C1"}, {"pop", "20000"}}},
                    {"POLYGON((" + std::to_string(x0 + 1000) + " " + std::to_string(y0) + "," + std::to_string(x0 + 1500) +
                         " " + std::to_string(y0) + "," + std::to_string(x0 + 1500) + " " + std::to_string(y0 + 1000) +
                         "," + std::to_string(x0 + 1000) + " " + std::to_string(y0 + 1000) + "," +
                         std::to_string(x0 + 1000) + " " + std::to_string(y0) + "))",
                     {{"name", "C2"}, {"pop", "4000"}}}});
    }
    test::TempDir dir;
    double x0 = 0, y0 = 0;
};

TEST_F(PopulationCli, CensusArealWeightingPerZone) {
    const auto r = run_citycheck("population --census '" + (dir / "census.gpkg").string() + "' --count-field pop --zones '" +
                                 (dir / "zones.gpkg").string() + "' --id code -o '" + (dir / "out.csv").string() +
                                 "' --grid-out '" + (dir / "pop.tif").string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto t = read_table(dir / "out.csv");
    ASSERT_EQ(t.size(), 2u);
    // population, area_km2, density, area above 15 000/km²
    EXPECT_NEAR(t.at("Z1")[0], 20000, 1e-3);
    EXPECT_NEAR(t.at("Z1")[1], 1.0, 1e-6);
    EXPECT_NEAR(t.at("Z1")[2], 20000, 1e-3);
    EXPECT_NEAR(t.at("Z1")[3], 1.0, 1e-6);  // 20 000/km² everywhere
    EXPECT_NEAR(t.at("Z2")[0], 4000, 1e-3);
    EXPECT_NEAR(t.at("Z2")[3], 0.0, 1e-6);  // 8 000/km² on its left half
    EXPECT_TRUE(std::filesystem::exists(dir / "pop.tif"));
    EXPECT_NE(r.err.find("persons: source 24000.000, grid 24000.000"), std::string::npos) << r.err;

    // A higher threshold and a coarser judging cell: Z2's left half (8 000/km²) stays below 9 000 …
    const auto r2 = run_citycheck("population --census '" + (dir / "census.gpkg").string() +
                                  "' --count-field pop --zones '" + (dir / "zones.gpkg").string() + "' --id code -o '" +
                                  (dir / "out2.csv").string() + "' --density-threshold 7000 --density-cell 1000");
    ASSERT_EQ(r2.exit_code, 0) << r2.err;
    // … at 1 km cells Z2 is 4 000/km² (below 7 000); Z1 is 20 000.
    const auto t2 = read_table(dir / "out2.csv");
    EXPECT_NEAR(t2.at("Z1")[3], 1.0, 1e-6);
    EXPECT_NEAR(t2.at("Z2")[3], 0.0, 1e-6);
}

TEST_F(PopulationCli, DasymetricOntoResidentialParcels) {
    // Residential parcel (0701) in the north-east quarter of Z1, a school (0803) elsewhere.
    write_gpkg(dir / "dltb.gpkg", 4547,
               {{square(x0 + 500, y0 + 500, 500), {{"DLBM", "0701"}}}, {square(x0, y0, 500), {{"DLBM", "0803"}}}});
    const auto r = run_citycheck("population --census '" + (dir / "census.gpkg").string() + "' --count-field pop --census-id name --zones '" +
                                 (dir / "zones.gpkg").string() + "' --id code --landuse '" + (dir / "dltb.gpkg").string() +
                                 "' -o '" + (dir / "out.csv").string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto t = read_table(dir / "out.csv");
    EXPECT_NEAR(t.at("Z1")[0], 20000, 1e-3);
    EXPECT_NEAR(t.at("Z1")[3], 0.25, 1e-6);  // 80 000/km² on the 0.25 km² of housing, nothing elsewhere
    EXPECT_NEAR(t.at("Z2")[0], 4000, 1e-3);  // C2 has no housing: areal weighting, reported
    EXPECT_NE(r.err.find("no residential land"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("C2"), std::string::npos) << r.err;
}

TEST_F(PopulationCli, DenseLandOnConstructionLandOnly) {
    // Commercial land (0901, construction) on 0.225 km² of C2 (8 000/km²); a farmland parcel in Z1.
    write_gpkg(dir / "dltb.gpkg", 4547,
               {{"POLYGON((" + std::to_string(x0 + 1000) + " " + std::to_string(y0) + "," + std::to_string(x0 + 1450) + " " +
                     std::to_string(y0) + "," + std::to_string(x0 + 1450) + " " + std::to_string(y0 + 500) + "," +
                     std::to_string(x0 + 1000) + " " + std::to_string(y0 + 500) + "," + std::to_string(x0 + 1000) + " " +
                     std::to_string(y0) + "))",
                 {{"DLBM", "0901"}}},
                {square(x0, y0, 500), {{"DLBM", "0103"}}}});
    const std::string base = "population --census '" + (dir / "census.gpkg").string() + "' --count-field pop --zones '" +
                             (dir / "zones.gpkg").string() + "' --id code --landuse '" + (dir / "dltb.gpkg").string() +
                             "' --density-threshold 7000 -o '" + (dir / "out.csv").string() + "'";
    auto r = run_citycheck(base);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto t = read_table(dir / "out.csv");
    EXPECT_NEAR(t.at("Z1")[3], 1.0, 1e-6);  // no residential parcels: areal weighting, all of Z1 dense
    EXPECT_NEAR(t.at("Z2")[3], 0.5, 1e-6);
    r = run_citycheck(base + " --dense-on-construction");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    t = read_table(dir / "out.csv");
    EXPECT_NEAR(t.at("Z1")[3], 0.0, 1e-6);    // farmland is not construction land
    EXPECT_NEAR(t.at("Z2")[3], 0.225, 1e-6);  // only the commercial parcel counts
    EXPECT_NEAR(t.at("Z2")[0], 4000, 1e-3);   // people are unchanged
}

TEST_F(PopulationCli, GbkCsvWithABadRow) {
    // GBK header 经度,纬度,人口; line 3 has a broken value.
    const std::string header = "\xBE\xAD\xB6\xC8,\xCE\xB3\xB6\xC8,\xC8\xCB\xBF\xDA\n";
    spatial::Transform to_ll(spatial::Crs::from_epsg(4547), spatial::Crs::from_epsg(4490));
    double lon1 = x0 + 250, lat1 = y0 + 250, lon2 = x0 + 1250, lat2 = y0 + 250;
    to_ll.apply(lon1, lat1);
    to_ll.apply(lon2, lat2);
    std::ostringstream body;
    body.precision(12);
    body << lon1 << "," << lat1 << ",100\n" << lon2 << "," << lat2 << ",x12\n" << lon2 << "," << lat2 << ",50\n";
    write_text(dir / "heat.csv", header + body.str());
    const std::string base = "population --points '" + (dir / "heat.csv").string() + "' --value 人口 --zones '" +
                             (dir / "zones.gpkg").string() + "' --id code -o '" + (dir / "out.csv").string() + "'";
    const auto bad = run_citycheck(base);
    EXPECT_EQ(bad.exit_code, 3) << bad.err;
    EXPECT_NE(bad.err.find("line 3"), std::string::npos) << bad.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "out.csv"));
    const auto ok = run_citycheck(base + " --skip-bad-rows");
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.err.find("1 row unusable: line 3"), std::string::npos) << ok.err;
    const auto t = read_table(dir / "out.csv");
    EXPECT_NEAR(t.at("Z1")[0], 100, 1e-6);
    EXPECT_NEAR(t.at("Z2")[0], 50, 1e-6);
}

TEST_F(PopulationCli, Gcj02PointsLandInTheRightZone) {
    // A point 60 m inside Z1's east edge, published in GCJ-02 (shifted by hundreds of metres).
    spatial::Transform to_ll(spatial::Crs::from_epsg(4547), spatial::Crs::from_epsg(4490));
    double lon = x0 + 940, lat = y0 + 500;
    to_ll.apply(lon, lat);
    const auto gcj = spatial::wgs84_to_gcj02({lon, lat});
    std::ostringstream csv;
    csv.precision(15);
    csv << "lng;lat;heat\n" << gcj.lon << ";" << gcj.lat << ";7\n";
    write_text(dir / "amap.csv", csv.str());
    const std::string base = "population --points '" + (dir / "amap.csv").string() + "' --value heat --zones '" +
                             (dir / "zones.gpkg").string() + "' --id code --grid 10 -o '" + (dir / "out.csv").string() + "'";
    const auto r = run_citycheck(base + " --coords gcj02");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto t = read_table(dir / "out.csv");
    EXPECT_NEAR(t.at("Z1")[0], 7, 1e-9);
    EXPECT_NEAR(t.at("Z2")[0], 0, 1e-9);
    // Read as if it were WGS84, the same point is in the wrong place.
    const auto wrong = run_citycheck(base);
    ASSERT_EQ(wrong.exit_code, 0) << wrong.err;
    t = read_table(dir / "out.csv");
    EXPECT_NEAR(t.at("Z1")[0], 0, 1e-9);
}

TEST_F(PopulationCli, HeatCalibrationFactors) {
    spatial::Transform to_ll(spatial::Crs::from_epsg(4547), spatial::Crs::from_epsg(4490));
    std::ostringstream csv;
    csv.precision(12);
    csv << "x,y,v\n";
    for (const auto& [dx, dy, v] : std::vector<std::tuple<double, double, double>>{{100, 100, 1}, {700, 800, 3}, {1200, 300, 8}}) {
        double lon = x0 + dx, lat = y0 + dy;
        to_ll.apply(lon, lat);
        csv << lon << "," << lat << "," << v << "\n";
    }
    write_text(dir / "heat.csv", csv.str());
    const auto r = run_citycheck("population --points '" + (dir / "heat.csv").string() + "' --x x --y y --value v --calibrate-to '" +
                                 (dir / "census.gpkg").string() + "' --count-field pop --census-id name --zones '" +
                                 (dir / "zones.gpkg").string() + "' --id code -o '" + (dir / "out.csv").string() +
                                 "' --calibration-out '" + (dir / "factors.csv").string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto t = read_table(dir / "out.csv");
    EXPECT_NEAR(t.at("Z1")[0], 20000, 1e-6);
    EXPECT_NEAR(t.at("Z2")[0], 4000, 1e-6);
    const auto f = read_table(dir / "factors.csv");  // census, heat, points, factor, areal_fallback (yes/no → NaN)
    ASSERT_EQ(f.size(), 2u);
    EXPECT_DOUBLE_EQ(f.at("C1")[3], 5000);  // 20 000 / 4
    EXPECT_DOUBLE_EQ(f.at("C2")[3], 500);   // 4 000 / 8
}

TEST_F(PopulationCli, UsageErrors) {
    EXPECT_EQ(run_citycheck("population --zones '" + (dir / "zones.gpkg").string() + "' -o x.csv").exit_code, 2);
    EXPECT_EQ(run_citycheck("population --census a --raster b --zones '" + (dir / "zones.gpkg").string() + "' -o x.csv").exit_code, 2);
    const auto r = run_citycheck("population --census '" + (dir / "census.gpkg").string() + "' --count-field pop --coords mars --zones '" +
                                 (dir / "zones.gpkg").string() + "' -o '" + (dir / "o.csv").string() + "'");
    EXPECT_EQ(r.exit_code, 2);
    // GCJ-02 on a projected layer makes no sense.
    const auto p = run_citycheck("population --census '" + (dir / "census.gpkg").string() + "' --count-field pop --coords gcj02 --zones '" +
                                 (dir / "zones.gpkg").string() + "' -o '" + (dir / "o.csv").string() + "'");
    EXPECT_EQ(p.exit_code, 2) << p.err;
    const auto m = run_citycheck("population --census '" + (dir / "census.gpkg").string() + "' --count-field people --zones '" +
                                 (dir / "zones.gpkg").string() + "' -o '" + (dir / "o.csv").string() + "'");
    EXPECT_EQ(m.exit_code, 3);
    EXPECT_NE(m.err.find("the fields are: name, pop"), std::string::npos) << m.err;
}

TEST(PopulationCliSharedData, PortoAlegreHexgridTotalPreserved) {
    const auto csv = test::shared_data("porto_alegre/poa_hexgrid.csv");
    const auto hex = test::shared_data("porto_alegre/poa_hexgrid_h3.geojson");
    if (!csv || !hex) GTEST_SKIP() << "../shared/data/porto_alegre is absent";
    test::TempDir dir;
    const auto r = run_citycheck("population --points '" + csv->string() + "' --value population --zones '" + hex->string() +
                                 "' --id id -o '" + (dir / "out.csv").string() + "' --grid-out '" + (dir / "pop.tif").string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("source 812935.000, grid 812935.000"), std::string::npos) << r.err;
    double total = 0;
    for (const auto& [id, v] : read_table(dir / "out.csv")) total += v[0];
    EXPECT_NEAR(total, 812935, 812935 * 1e-9);
    // The GeoTIFF holds the same people.
    auto ds = spatial::open_dataset((dir / "pop.tif").string(), spatial::DatasetKind::raster);
    const int cols = ds->GetRasterXSize(), rows = ds->GetRasterYSize();
    std::vector<double> v(static_cast<std::size_t>(cols) * rows);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, cols, rows, v.data(), cols, rows, GDT_Float64, 0, 0), CE_None);
    double grid_total = 0;
    for (double x : v) grid_total += x;
    EXPECT_NEAR(grid_total, 812935, 812935 * 1e-9);
}

TEST_F(PopulationCli, PerZoneLayersAsGeoPackageAndGeoJson) {
    for (const std::string ext : {"gpkg", "geojson"}) {
        const auto out = dir / ("zones_pop." + ext);
        const auto r = run_citycheck("population --census '" + (dir / "census.gpkg").string() + "' --count-field pop --zones '" +
                                     (dir / "zones.gpkg").string() + "' --id code -o '" + out.string() + "'");
        ASSERT_EQ(r.exit_code, 0) << r.err;
        GDALDatasetUniquePtr ds(GDALDataset::Open(out.string().c_str(), GDAL_OF_VECTOR));
        ASSERT_TRUE(ds) << ext;
        OGRLayer* layer = ds->GetLayer(0);
        ASSERT_EQ(layer->GetFeatureCount(), 2) << ext;
        ASSERT_TRUE(layer->GetSpatialRef());
        EXPECT_STREQ(layer->GetSpatialRef()->GetAuthorityCode(nullptr), "4547") << ext;
        std::map<std::string, std::pair<double, double>> got;  // zone → (population, geometry area)
        for (auto& f : *layer) {
            ASSERT_TRUE(f->GetGeometryRef()) << ext;
            got[f->GetFieldAsString("zone_id")] = {f->GetFieldAsDouble("population"),
                                                   f->GetGeometryRef()->toMultiPolygon()->get_Area()};
            EXPECT_NEAR(f->GetFieldAsDouble("area_km2"), 1.0, 1e-6);
        }
        EXPECT_NEAR(got.at("Z1").first, 20000, 1e-6) << ext;
        EXPECT_NEAR(got.at("Z2").first, 4000, 1e-6) << ext;
        EXPECT_NEAR(got.at("Z1").second, 1e6, 1e-3) << ext;  // zone geometry in metres (analysis CRS)
        // Atomic: no temporary file is left next to the output.
        for (const auto& e : std::filesystem::directory_iterator(dir.path()))
            EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
    }
    const auto bad = run_citycheck("population --census '" + (dir / "census.gpkg").string() + "' --count-field pop --zones '" +
                                   (dir / "zones.gpkg").string() + "' --id code -o '" + (dir / "out.tif").string() + "'");
    EXPECT_EQ(bad.exit_code, 2) << bad.err;
}
