#pragma once
// A small writer over OGR for the demo's vector outputs: creates a dataset, its layers and fields,
// writes features in batched transactions (GeoPackage) and turns every failure into an OutputError.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <citycheck/spatial/gdal.hpp>

namespace citycheck::demo::detail {

struct FieldDef {
    const char* name;
    OGRFieldType type;
    int width = 0;
    int precision = 0;
};

class VectorOut {
  public:
    VectorOut(const std::filesystem::path& path, const char* driver);
    ~VectorOut();
    VectorOut(const VectorOut&) = delete;
    VectorOut& operator=(const VectorOut&) = delete;

    // Returns the layer index. options: layer creation options such as "ENCODING=CP936".
    int add_layer(const std::string& name, OGRwkbGeometryType type, const std::vector<FieldDef>& fields,
                  const std::vector<std::string>& options = {});
    OGRFeature& feature(int layer);  // a fresh feature for the layer (reused buffer)
    void write(int layer);           // writes the feature filled since feature(layer)
    void close();                    // commits and closes; throws OutputError

  private:
    [[noreturn]] void fail(const std::string& what, const std::string& layer = {}) const;
    std::filesystem::path m_path;
    spatial::DatasetPtr m_ds;
    std::vector<OGRLayer*> m_layers;
    std::vector<std::unique_ptr<OGRFeature>> m_features;
    bool m_transactions = false;
    std::size_t m_pending = 0;
};

// Polygon of the rectangle [x0,x1]×[y0,y1] (counter-clockwise), with extra vertices inserted where
// points of `nodes` lie on its edges so that neighbouring polygons share every vertex.
struct Node {
    double x, y;
    auto operator<=>(const Node&) const = default;
};
OGRLinearRing rect_ring(double x0, double y0, double x1, double y1, const std::vector<Node>& nodes,
                        bool clockwise = false);

}  // namespace citycheck::demo::detail
