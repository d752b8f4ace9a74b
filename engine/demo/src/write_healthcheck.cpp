// DIR/healthcheck.yaml: the demo city's own health-check file, so that `citycheck demo DIR &&
// citycheck run DIR/healthcheck.yaml` works. The text is docs/examples/demo-healthcheck.yaml (a
// test keeps the two identical); every path in it is relative to the file. It enables every
// built-in indicator: the generator writes the data each one needs.
#include <citycheck/core/error.hpp>

#include <fstream>

#include "writers.hpp"

namespace citycheck::demo::detail {

namespace {
constexpr const char* healthcheck_yaml = R"YAML(# healthcheck.yaml of the demo city: `citycheck demo DIR` writes it as DIR/healthcheck.yaml
# (paths are relative to this file), then `citycheck run DIR/healthcheck.yaml`.
# Every built-in indicator is enabled and has its data here (a test runs them all on the demo).
version: 1                      # required; this citycheck reads version 1
city: 示范市
year: 2025
# crs: EPSG:4547                # working CRS; default: the zones' CRS (or the GK zone of their centre)

zones:                          # any of 市/区/街道/社区 (or city/district/subdistrict/community)
  市:   {path: zones.gpkg, layer: city,        id_field: code, name_field: name}
  区:   {path: zones.gpkg, layer: district,    id_field: code, name_field: name, parent_field: parent_code}
  街道: {path: zones.gpkg, layer: subdistrict, id_field: code, name_field: name, parent_field: parent_code}
  社区: {path: zones.gpkg, layer: community,   id_field: code, name_field: name, parent_field: parent_code}

datasets:                       # name: {path, role, [layer, where, crs, coords, encoding, description]}
  landuse:         {path: landuse.gpkg, layer: DLTB, role: landuse}
  image:           {path: image.tif, role: image}
  population:      {path: population.tif, role: population}
  roads:           {path: roads.gpkg, layer: roads, role: roads}
  urban_area:      {path: boundaries.gpkg, layer: urban_area, role: boundary, description: 城区}
  builtup_area:    {path: boundaries.gpkg, layer: builtup_area, role: boundary, description: 建成区}
  development_boundary: {path: boundaries.gpkg, layer: development_boundary, role: boundary, description: 城镇开发边界}
  parks:           {path: parks.gpkg, layer: parks, role: polygons}
  parks_squares:   {path: landuse.gpkg, layer: DLTB, where: "DLBM IN ('0810', '0810A')", role: polygons, description: 公园绿地与广场}
  open_spaces:     {path: landuse.gpkg, layer: DLTB, where: "DLBM IN ('0810', '0810A')", role: polygons, description: 公共开放空间}
  greenways:       {path: greenways.gpkg, layer: greenways, role: greenways}
  shelters:        {path: shelters.gpkg, layer: shelters, role: polygons, description: 应急避难场所}
  clinics:         {path: facilities.gpkg, layer: clinic, role: facilities}
  primary_schools: {path: facilities.gpkg, layer: primary_school, role: facilities}
  middle_schools:  {path: facilities.gpkg, layer: middle_school, role: facilities}
  elderly_care:    {path: facilities.gpkg, layer: elderly_care, role: facilities}
  culture:         {path: facilities.gpkg, layer: culture, role: facilities}
  markets:         {path: facilities.gpkg, layer: market, role: facilities}
  sports:          {path: facilities.gpkg, layer: sports, role: facilities}
  football:        {path: facilities.gpkg, layer: football, role: facilities}
  fire_stations:   {path: facilities.gpkg, layer: fire_station, role: facilities}
  waterlogging_points: {path: facilities.gpkg, layer: waterlogging_point, role: points}
  bus_stops:       {path: facilities.gpkg, layer: bus_stop, role: facilities}
  transit_stops:   {path: stops.txt, role: facilities, description: GTFS stops.txt (bus and metro)}
  heat:            {path: heat.csv, role: points, coords: gcj02, description: 人口热力点 (GCJ-02)}

indicators:
  - builtin: all                # every built-in indicator; entries below override by id
  - id: cultivated_land_area
    target: {value: 10}                               # the plan's value in km² (keeps the built-in ≥)
  - id: life_circle_primary_school_10
    target: {value: 80, source: 本市国土空间总体规划}
  - id: fire_rescue_5min_coverage                     # fire engines: 5 minutes at these speeds by road class
    params: {class_field: highway, speeds_kmh_by_class: {primary: 40, secondary: 35, tertiary: 30, residential: 20}}
  # The city's own 特色指标, composed from primitives.
  - id: clinic_density
    name: {zh: 社区卫生服务中心密度, en: Community clinic density}
    dimensions: {tdt1063: 共享, mohurd: 健康舒适}
    unit: per_km2
    primitive: point_density
    params: {points: clinics}
    target: {op: ">=", value: 0.5, source: 示范市卫生专项规划}
  - id: market_density
    name: {zh: 菜市场密度, en: Wet-market density}
    dimensions: {tdt1063: 共享, mohurd: 健康舒适}
    unit: per_km2
    primitive: point_density
    params: {points: markets}
    target: {op: range, min: 0.2, max: 2, source: 示范市商业网点规划}
  - id: clinics_per_market
    name: {zh: 卫生服务中心与菜市场之比, en: Clinics per market}
    unit: ratio
    primitive: expression
    params: {expr: "clinic_density / market_density"}
    weight: 0                                         # reported, not in the scores
  - id: heat_point_density                            # GCJ-02 points, converted on read (coords: gcj02)
    name: {zh: 人口热力点密度, en: Population-heat point density}
    unit: per_km2
    primitive: point_density
    params: {points: heat}
    weight: 0
  - id: development_boundary_area
    name: {zh: 城镇开发边界面积, en: Urban development boundary area}
    unit: km2
    primitive: area_share
    params: {landuse: development_boundary, classes: all, area: planar, output: area}
    weight: 0

scoring:
  tolerance: 0.10                 # 基本达标 when the relative gap is at most 10 %
  grades: {优: 90, 良: 75, 中: 60}
  # survey: {path: survey.csv, weight: 0.2}   # 社会满意度: target,score[,level,zone_id]

outputs:
  dir: out
  csv_bom: false
  formats: [csv, gpkg, json]
)YAML";
}  // namespace

void write_healthcheck(const std::filesystem::path& path) {
    std::ofstream out(path, std::ios::binary);
    out << healthcheck_yaml;
    out.close();
    if (!out) throw OutputError("cannot write the file", {.file = path.string()});
}

}  // namespace citycheck::demo::detail
