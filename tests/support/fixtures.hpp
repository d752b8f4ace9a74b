#pragma once
// Small datasets written in code for tests: rasters from value grids, vector layers from WKT.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace citycheck::test {

struct RasterSpec {
    int cols = 4, rows = 3, bands = 1;
    double x0 = 500000, y0 = 3400000, cell = 10;  // top-left corner and square cell size
    int epsg = 4547;                              // 0: no CRS
    std::string type = "Float32";                 // GDAL data type name
    std::vector<std::string> creation_options;    // e.g. TILED=YES
    bool set_nodata = false;
    double nodata = -9999;
};

// Writes a raster with driver (GTiff, JP2OpenJPEG, …); values[b] holds band b+1 row-major
// (missing bands are filled with the band number).
void write_raster(const std::filesystem::path& path, const RasterSpec& spec,
                  const std::vector<std::vector<double>>& values = {}, const std::string& driver = "GTiff");

struct FieldValue {
    std::string name;
    std::string value;  // written as a string field unless the name is in int_fields
};

struct VectorFeature {
    std::string wkt;
    std::map<std::string, std::string> fields;
};

struct VectorSpec {
    std::string driver = "GPKG";
    std::string layer = "layer";
    int epsg = 4547;
    std::vector<std::string> string_fields;
    std::vector<std::string> integer_fields;
    std::vector<std::string> real_fields;
    std::vector<std::string> layer_options;  // e.g. ENCODING=CP936
};

// Writes one layer (creates or overwrites the dataset).
void write_vector(const std::filesystem::path& path, const VectorSpec& spec, const std::vector<VectorFeature>& features);

}  // namespace citycheck::test
