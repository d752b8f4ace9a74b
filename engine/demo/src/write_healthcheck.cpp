// DIR/healthcheck.yaml: the demo city's own health-check file, so that `citycheck demo DIR &&
// citycheck run DIR/healthcheck.yaml` works. The text is docs/examples/demo-healthcheck.yaml (a
// test keeps the two identical); every path in it is relative to the file.
#include <citycheck/core/error.hpp>

#include <fstream>

#include "writers.hpp"

namespace citycheck::demo::detail {

namespace {
constexpr const char* healthcheck_yaml = R"YAML(# healthcheck.yaml of the demo city: `citycheck demo DIR` writes it as DIR/healthcheck.yaml
# (paths are relative to this file), then `citycheck run DIR/healthcheck.yaml --keep-going`.
# Indicators whose primitive is not in this build yet fail clearly: run with --keep-going.
version: 1                      # required; this citycheck reads version 1
city: 示范市
year: 2025
# crs: EPSG:4547                # working CRS; default: the zones' CRS (or the GK zone of their centre)

zones:                          # any of 市/区/街道/社区 (or city/district/subdistrict/community)
  市:   {path: zones.gpkg, layer: city,        id_field: code, name_field: name}
  区:   {path: zones.gpkg, layer: district,    id_field: code, name_field: name, parent_field: parent_code}
  街道: {path: zones.gpkg, layer: subdistrict, id_field: code, name_field: name, parent_field: parent_code}
  社区: {path: zones.gpkg, layer: community,   id_field: code, name_field: name, parent_field: parent_code}

datasets:                       # name: {path, role, [layer, where, crs, encoding, description]}
  landuse:         {path: landuse.gpkg, layer: DLTB, role: landuse}
  image:           {path: image.tif, role: image}
  population:      {path: population.tif, role: population}
  roads:           {path: roads.gpkg, layer: roads, role: roads}
  parks:           {path: parks.gpkg, layer: parks, role: polygons}
  clinics:         {path: facilities.gpkg, layer: clinic, role: facilities}
  primary_schools: {path: facilities.gpkg, layer: primary_school, role: facilities}
  middle_schools:  {path: facilities.gpkg, layer: middle_school, role: facilities}
  elderly_care:    {path: facilities.gpkg, layer: elderly_care, role: facilities}
  markets:         {path: facilities.gpkg, layer: market, role: facilities}
  sports:          {path: facilities.gpkg, layer: sports, role: facilities}
  bus_stops:       {path: facilities.gpkg, layer: bus_stop, role: facilities}

indicators:
  # Built-ins by id; override any parameter or target.
  - id: green_coverage
    params: {ndvi: {red: 3, nir: 4}, within: null}   # the demo has no 建成区 layer yet: whole zones
  - id: cultivated_land_area
    target: {value: 10}                               # the plan's value in km² (keeps the built-in ≥)
  - id: life_circle_primary_school_10
    target: {value: 80, source: 本市国土空间总体规划}
  - id: life_circle_health_15
  - id: sdg_11_2_1
    params: {facilities: bus_stops}
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
