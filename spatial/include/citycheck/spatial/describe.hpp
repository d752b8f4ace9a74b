#pragma once
// What `citycheck info` reports about a dataset: structure and georeferencing, read from metadata
// (and, for OSM files whose layers cannot be counted otherwise, one streaming pass).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <citycheck/spatial/encoding.hpp>
#include <citycheck/spatial/geos.hpp>

namespace citycheck::spatial {

struct CrsSummary {
    std::string name;
    std::optional<int> epsg;
    bool geographic = false;
    std::string wkt;
};

struct BandSummary {
    int index = 0;
    std::string type;  // GDAL data type name, "UInt16"
    std::optional<double> nodata;
    double scale = 1.0, offset = 0.0;
    int block_cols = 0, block_rows = 0;
    std::string color;        // colour interpretation, "Red"
    std::string description;  // band description, if any
};

struct RasterSummary {
    int cols = 0, rows = 0;
    std::vector<BandSummary> bands;
    double pixel_width = 0, pixel_height = 0;       // native units
    double pixel_width_m = 0, pixel_height_m = 0;   // metres (geodesic at the centre for geographic rasters)
};

struct FieldSummary {
    std::string name;
    std::string type;  // "String", "Integer", "Real" …
    int width = 0, precision = 0;
};

struct LayerSummary {
    std::string name;
    std::string geometry_type;
    long long feature_count = -1;
    std::vector<FieldSummary> fields;
    std::optional<CrsSummary> crs;
    std::optional<Box> extent;         // native units
    std::optional<Box> extent_lonlat;  // WGS84
    std::optional<AttributeEncoding> encoding;
};

struct DatasetSummary {
    std::string path;
    std::string driver;       // short name, "GTiff"
    std::string driver_long;  // "GeoTIFF"
    std::optional<RasterSummary> raster;
    std::optional<CrsSummary> crs;  // raster CRS
    std::optional<Box> extent;
    std::optional<Box> extent_lonlat;
    std::vector<LayerSummary> layers;
};

// Opens path (raster or vector; CSV files with coordinate columns become point layers) and
// summarises it. Throws InputError naming the path when it cannot be read.
DatasetSummary describe_dataset(const std::string& path);

nlohmann::json to_json(const DatasetSummary& summary);
std::string to_text(const DatasetSummary& summary);

// Open options that make the CSV driver see coordinate columns (lon/lat, x/y, 经度/纬度 …).
std::vector<std::string> csv_point_open_options();

}  // namespace citycheck::spatial
