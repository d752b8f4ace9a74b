#pragma once
// A small synthetic city written in code (EPSG:4547, metres), with answers known by arithmetic:
//   市 C (4 km × 2 km) → 区 D1 [0,2000]×[0,2000], D2 [2000,4000]×[0,2000]
//   → 街道 S11/S12 (D1 south/north halves), S21/S22 (D2 halves), each 2 km².
// Waterlogging points: a 500 m grid of 32 points (8 per 街道) plus 2 extra in S11 → S11 10, others 8.
// Shops: 1 in S11, 3 in S12, 0 in S21, 4 in S22.
// Boundary "builtup": [0,3000]×[0,2000].
// Used by tests/engine and tests/cli (header-only so both binaries can include it).
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <citycheck/spatial/gdal.hpp>

namespace citycheck::test {

constexpr double X0 = 500000, Y0 = 3400000;  // EPSG:4547 (CGCS2000 GK CM 114E), near 114E 30.7N

inline std::string rect_wkt(double x0, double y0, double x1, double y1) {
    auto p = [](double x, double y) { return std::to_string(X0 + x) + " " + std::to_string(Y0 + y); };
    return "POLYGON((" + p(x0, y0) + "," + p(x1, y0) + "," + p(x1, y1) + "," + p(x0, y1) + "," + p(x0, y0) + "))";
}

struct FeatureSpec {
    std::string wkt;
    std::vector<std::pair<std::string, std::string>> fields;  // all String
};

inline void write_layer(const std::filesystem::path& path, const std::string& layer, OGRwkbGeometryType type,
                        const std::vector<FeatureSpec>& features, int epsg = 4547) {
    spatial::GdalEnvironment::ensure();
    spatial::DatasetPtr ds;
    if (std::filesystem::exists(path))
        ds = spatial::open_dataset_update(path.string(), spatial::DatasetKind::vector);
    else
        ds.reset(spatial::driver("GPKG").Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(ds) << path;
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* l = ds->CreateLayer(layer.c_str(), &srs, type, nullptr);
    ASSERT_TRUE(l);
    if (!features.empty())
        for (const auto& [name, value] : features.front().fields) {
            OGRFieldDefn f(name.c_str(), OFTString);
            ASSERT_EQ(l->CreateField(&f), OGRERR_NONE);
        }
    for (const auto& spec : features) {
        OGRFeature f(l->GetLayerDefn());
        for (const auto& [name, value] : spec.fields) f.SetField(name.c_str(), value.c_str());
        OGRGeometry* g = nullptr;
        ASSERT_EQ(OGRGeometryFactory::createFromWkt(spec.wkt.c_str(), nullptr, &g), OGRERR_NONE) << spec.wkt;
        f.SetGeometryDirectly(g);
        ASSERT_EQ(l->CreateFeature(&f), OGRERR_NONE);
    }
}

inline std::string point_wkt(double x, double y) {
    return "POINT(" + std::to_string(X0 + x) + " " + std::to_string(Y0 + y) + ")";
}

// Writes zones.gpkg, points.gpkg, boundary.gpkg into dir.
inline void write_synthetic_city(const std::filesystem::path& dir) {
    const auto zones = dir / "zones.gpkg";
    write_layer(zones, "city", wkbPolygon, {{rect_wkt(0, 0, 4000, 2000), {{"code", "C"}, {"name", "测试市"}}}});
    write_layer(zones, "district", wkbPolygon,
                {{rect_wkt(0, 0, 2000, 2000), {{"code", "D1"}, {"name", "一区"}, {"city_code", "C"}}},
                 {rect_wkt(2000, 0, 4000, 2000), {{"code", "D2"}, {"name", "二区"}, {"city_code", "C"}}}});
    write_layer(zones, "street", wkbPolygon,
                {{rect_wkt(0, 0, 2000, 1000), {{"code", "S11"}, {"name", "南一街道"}}},
                 {rect_wkt(0, 1000, 2000, 2000), {{"code", "S12"}, {"name", "北一街道"}}},
                 {rect_wkt(2000, 0, 4000, 1000), {{"code", "S21"}, {"name", "南二街道"}}},
                 {rect_wkt(2000, 1000, 4000, 2000), {{"code", "S22"}, {"name", "北二街道"}}}});
    const auto points = dir / "points.gpkg";
    std::vector<FeatureSpec> water;
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 4; ++j) water.push_back({point_wkt(250 + 500 * i, 250 + 500 * j), {{"kind", "grid"}}});
    water.push_back({point_wkt(100, 100), {{"kind", "extra"}}});
    water.push_back({point_wkt(1900, 900), {{"kind", "extra"}}});
    write_layer(points, "waterlogging", wkbPoint, water);
    write_layer(points, "shops", wkbPoint,
                {{point_wkt(300, 300), {{"kind", "shop"}}},
                 {point_wkt(300, 1300), {{"kind", "shop"}}},
                 {point_wkt(600, 1600), {{"kind", "shop"}}},
                 {point_wkt(1700, 1200), {{"kind", "shop"}}},
                 {point_wkt(2100, 1100), {{"kind", "shop"}}},
                 {point_wkt(2500, 1500), {{"kind", "shop"}}},
                 {point_wkt(3500, 1500), {{"kind", "shop"}}},
                 {point_wkt(3900, 1900), {{"kind", "shop"}}}});
    write_layer(dir / "boundary.gpkg", "builtup", wkbPolygon, {{rect_wkt(0, 0, 3000, 2000), {{"name", "建成区"}}}});
}

// A healthcheck.yaml for the synthetic city: point_density (built-in and city-defined) and an
// expression indicator. extra is appended to the indicators list.
inline std::string synthetic_healthcheck(const std::string& extra_indicators = "", const std::string& extra_top = "") {
    return R"(version: 1
city: 测试市
year: 2025
zones:
  市: {path: zones.gpkg, layer: city, id_field: code, name_field: name}
  区: {path: zones.gpkg, layer: district, id_field: code, name_field: name, parent_field: city_code}
  街道: {path: zones.gpkg, layer: street, id_field: code, name_field: name}
datasets:
  waterlogging_points: {path: points.gpkg, layer: waterlogging, role: points}
  shops: {path: points.gpkg, layer: shops, role: facilities}
  builtup_area: {path: boundary.gpkg, role: boundary}
  population: {path: points.gpkg, layer: shops, role: population}
indicators:
  - id: waterlogging_point_density
    params: {within: null}
    target: {value: 4.5}
  - id: shop_density
    name: {zh: 便民商店密度, en: Shop density}
    dimensions: {tdt1063: 共享, mohurd: 健康舒适}
    unit: per_km2
    primitive: point_density
    params: {points: shops}
    target: {op: ">=", value: 1.5, source: 本市规划}
  - id: shops_per_waterlogging_point
    name: {zh: 商店与积水点之比, en: Shops per waterlogging point}
    unit: ratio
    primitive: expression
    params: {expr: "shop_density / waterlogging_point_density"}
)" + extra_indicators + extra_top;
}

}  // namespace citycheck::test
