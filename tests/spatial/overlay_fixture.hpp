#pragma once
// Writes small vector layers with GDAL for the overlay tests (analytic fixtures built in code).
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <citycheck/spatial/gdal.hpp>

namespace citycheck::test {

struct Feature {
    std::string wkt;  // empty: no geometry
    std::map<std::string, std::string> attrs;
};

// Creates (or adds a layer to) a dataset; all fields are strings except those listed in real_fields.
inline void write_layer(const std::string& path, const std::string& driver_name, const std::string& layer_name, int epsg,
                        const std::vector<Feature>& features, const std::vector<std::string>& layer_options = {},
                        const std::vector<std::string>& real_fields = {}, bool append_to_dataset = false) {
    spatial::GdalEnvironment::ensure();
    GDALDataset* ds = nullptr;
    if (append_to_dataset) {
        ds = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE);
    } else {
        ds = spatial::driver(driver_name).Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    }
    ASSERT_NE(ds, nullptr) << CPLGetLastErrorMsg();
    OGRSpatialReference* srs = nullptr;
    if (epsg > 0) {
        srs = new OGRSpatialReference();
        srs->importFromEPSG(epsg);
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    }
    std::vector<const char*> opts;
    for (const auto& o : layer_options) opts.push_back(o.c_str());
    opts.push_back(nullptr);
    OGRLayer* layer = ds->CreateLayer(layer_name.c_str(), srs, wkbPolygon, const_cast<char**>(opts.data()));
    if (srs) srs->Release();
    ASSERT_NE(layer, nullptr) << CPLGetLastErrorMsg();
    std::vector<std::string> fields;
    for (const auto& f : features)
        for (const auto& [k, v] : f.attrs)
            if (std::find(fields.begin(), fields.end(), k) == fields.end()) fields.push_back(k);
    for (const auto& name : fields) {
        const bool real = std::find(real_fields.begin(), real_fields.end(), name) != real_fields.end();
        OGRFieldDefn fd(name.c_str(), real ? OFTReal : OFTString);
        ASSERT_EQ(layer->CreateField(&fd), OGRERR_NONE);
    }
    for (const auto& f : features) {
        OGRFeature feat(layer->GetLayerDefn());
        for (const auto& [k, v] : f.attrs) feat.SetField(k.c_str(), v.c_str());
        if (!f.wkt.empty()) {
            OGRGeometry* g = nullptr;
            ASSERT_EQ(OGRGeometryFactory::createFromWkt(f.wkt.c_str(), nullptr, &g), OGRERR_NONE) << f.wkt;
            feat.SetGeometryDirectly(g);
        }
        ASSERT_EQ(layer->CreateFeature(&feat), OGRERR_NONE) << CPLGetLastErrorMsg();
    }
    GDALClose(ds);
}

// An axis-aligned rectangle as WKT.
inline std::string rect(double x0, double y0, double x1, double y1) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))", x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
    return buf;
}

}  // namespace citycheck::test
