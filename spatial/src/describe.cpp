#include <citycheck/core/error.hpp>
#include <citycheck/spatial/crs.hpp>
#include <citycheck/spatial/describe.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <geodesic.h>

namespace citycheck::spatial {
namespace {

CrsSummary summarise(const Crs& crs) {
    return CrsSummary{crs.name(), crs.epsg(), crs.is_geographic(), crs.to_wkt()};
}

// The bounding box in WGS84 lon/lat of a box in crs, from points along its edges.
std::optional<Box> lonlat_box(const Box& box, const Crs& crs) {
    if (crs.empty()) return std::nullopt;
    try {
        Transform to_wgs84(crs, Crs::from_epsg(4326));
        std::vector<double> xs, ys;
        constexpr int STEPS = 20;
        for (int i = 0; i <= STEPS; ++i) {
            const double t = static_cast<double>(i) / STEPS;
            const double x = box.xmin + t * box.width(), y = box.ymin + t * box.height();
            xs.insert(xs.end(), {x, x, box.xmin, box.xmax});
            ys.insert(ys.end(), {box.ymin, box.ymax, y, y});
        }
        to_wgs84.apply(xs, ys);
        Box out{xs[0], ys[0], xs[0], ys[0]};
        for (std::size_t i = 0; i < xs.size(); ++i) {
            out.xmin = std::min(out.xmin, xs[i]);
            out.xmax = std::max(out.xmax, xs[i]);
            out.ymin = std::min(out.ymin, ys[i]);
            out.ymax = std::max(out.ymax, ys[i]);
        }
        return out;
    } catch (const Error&) {
        return std::nullopt;
    }
}

double geodesic_distance(double lon1, double lat1, double lon2, double lat2) {
    geod_geodesic g;
    geod_init(&g, 6378137.0, 1 / 298.257222101);  // GRS80 (CGCS2000); WGS84 differs by < 1e-10
    double s12 = 0;
    geod_inverse(&g, lat1, lon1, lat2, lon2, &s12, nullptr, nullptr);
    return s12;
}

RasterSummary summarise_raster(GDALDataset& ds, const Crs& crs, const std::optional<Box>& lonlat) {
    RasterSummary r;
    r.cols = ds.GetRasterXSize();
    r.rows = ds.GetRasterYSize();
    double gt[6] = {0, 1, 0, 0, 0, 1};
    const bool has_gt = ds.GetGeoTransform(gt) == CE_None;
    r.pixel_width = std::hypot(gt[1], gt[4]);
    r.pixel_height = std::hypot(gt[2], gt[5]);
    if (has_gt && crs.is_projected()) {
        r.pixel_width_m = r.pixel_width * crs.linear_units_to_metre();
        r.pixel_height_m = r.pixel_height * crs.linear_units_to_metre();
    } else if (has_gt && crs.is_geographic() && lonlat) {
        const double lat = 0.5 * (lonlat->ymin + lonlat->ymax);
        const double lon = 0.5 * (lonlat->xmin + lonlat->xmax);
        r.pixel_width_m = geodesic_distance(lon, lat, lon + r.pixel_width, lat);
        r.pixel_height_m = geodesic_distance(lon, lat, lon, lat + r.pixel_height);
    }
    for (int b = 1; b <= ds.GetRasterCount(); ++b) {
        GDALRasterBand* band = ds.GetRasterBand(b);
        BandSummary s;
        s.index = b;
        s.type = GDALGetDataTypeName(band->GetRasterDataType());
        int has_nodata = 0;
        const double nodata = band->GetNoDataValue(&has_nodata);
        if (has_nodata) s.nodata = nodata;
        s.scale = band->GetScale();
        s.offset = band->GetOffset();
        band->GetBlockSize(&s.block_cols, &s.block_rows);
        s.color = GDALGetColorInterpretationName(band->GetColorInterpretation());
        s.description = band->GetDescription();
        r.bands.push_back(std::move(s));
    }
    return r;
}

std::optional<Box> box_from(const OGREnvelope& e) {
    if (!e.IsInit()) return std::nullopt;
    return Box{e.MinX, e.MinY, e.MaxX, e.MaxY};
}

LayerSummary summarise_layer_metadata(OGRLayer& layer) {
    LayerSummary s;
    s.name = layer.GetName();
    s.geometry_type = OGRGeometryTypeToName(layer.GetGeomType());
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        OGRFieldDefn* f = defn->GetFieldDefn(i);
        s.fields.push_back({f->GetNameRef(), OGRFieldDefn::GetFieldTypeName(f->GetType()), f->GetWidth(),
                            f->GetPrecision()});
    }
    if (const OGRSpatialReference* srs = layer.GetSpatialRef()) s.crs = summarise(Crs::from_ogr(srs));
    return s;
}

void finish_extent(LayerSummary& s, const OGRSpatialReference* srs) {
    if (s.extent && srs) s.extent_lonlat = lonlat_box(*s.extent, Crs::from_ogr(srs));
}

// OSM layers are interleaved in the file: count and bound them in one pass over the dataset.
void scan_osm(GDALDataset& ds, std::vector<LayerSummary>& layers) {
    std::map<OGRLayer*, std::size_t> index;
    for (int i = 0; i < ds.GetLayerCount(); ++i) index[ds.GetLayer(i)] = static_cast<std::size_t>(i);
    std::vector<OGREnvelope> envelopes(layers.size());
    for (auto& l : layers) l.feature_count = 0;
    ds.ResetReading();
    OGRLayer* layer = nullptr;
    while (OGRFeatureUniquePtr f{ds.GetNextFeature(&layer, nullptr, nullptr, nullptr)}) {
        const std::size_t i = index.at(layer);
        ++layers[i].feature_count;
        if (const OGRGeometry* g = f->GetGeometryRef()) {
            OGREnvelope e;
            g->getEnvelope(&e);
            envelopes[i].Merge(e);
        }
    }
    for (std::size_t i = 0; i < layers.size(); ++i) layers[i].extent = box_from(envelopes[i]);
}

}  // namespace

std::vector<std::string> csv_point_open_options() {
    return {"X_POSSIBLE_NAMES=x,lon,lng,long,longitude,经度,X坐标",
            "Y_POSSIBLE_NAMES=y,lat,latitude,纬度,Y坐标",
            "KEEP_GEOM_COLUMNS=YES", "AUTODETECT_TYPE=YES"};
}

DatasetSummary describe_dataset(const std::string& path) {
    std::vector<std::string> options = vector_open_options(path);
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (ext == ".csv") options = csv_point_open_options();
    // A CSV with coordinates is a vector; otherwise the XYZ raster driver claims any three numeric columns.
    DatasetPtr ds = open_dataset(path, ext == ".csv" ? DatasetKind::vector : DatasetKind::any, options);

    DatasetSummary out;
    out.path = path;
    if (GDALDriver* d = ds->GetDriver()) {
        out.driver = d->GetDescription();
        const char* long_name = d->GetMetadataItem(GDAL_DMD_LONGNAME);
        out.driver_long = long_name ? long_name : "";
    }
    if (ds->GetRasterCount() > 0) {
        const Crs crs = Crs::from_ogr(ds->GetSpatialRef());
        double gt[6];
        if (ds->GetGeoTransform(gt) == CE_None) {
            const double x0 = gt[0], y0 = gt[3];
            const double x1 = gt[0] + ds->GetRasterXSize() * gt[1] + ds->GetRasterYSize() * gt[2];
            const double y1 = gt[3] + ds->GetRasterXSize() * gt[4] + ds->GetRasterYSize() * gt[5];
            out.extent = Box{std::min(x0, x1), std::min(y0, y1), std::max(x0, x1), std::max(y0, y1)};
            out.extent_lonlat = lonlat_box(*out.extent, crs);
        }
        if (!crs.empty()) out.crs = summarise(crs);
        out.raster = summarise_raster(*ds, crs, out.extent_lonlat);
    }

    const bool is_osm = out.driver == "OSM";
    const auto encoding = shapefile_encoding(path);
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* layer = ds->GetLayer(i);
        LayerSummary s = summarise_layer_metadata(*layer);
        s.encoding = encoding;
        if (!is_osm) {
            s.feature_count = layer->GetFeatureCount(TRUE);
            OGREnvelope e;
            if (layer->GetExtent(&e, TRUE) == OGRERR_NONE) s.extent = box_from(e);
        }
        out.layers.push_back(std::move(s));
    }
    if (is_osm) scan_osm(*ds, out.layers);
    for (int i = 0; i < ds->GetLayerCount(); ++i) finish_extent(out.layers[static_cast<std::size_t>(i)],
                                                                ds->GetLayer(i)->GetSpatialRef());
    return out;
}

namespace {
nlohmann::json box_json(const std::optional<Box>& b) {
    if (!b) return nullptr;
    return nlohmann::json::array({b->xmin, b->ymin, b->xmax, b->ymax});
}
nlohmann::json crs_json(const std::optional<CrsSummary>& c) {
    if (!c) return nullptr;
    return {{"name", c->name}, {"epsg", c->epsg ? nlohmann::json(*c->epsg) : nlohmann::json(nullptr)},
            {"geographic", c->geographic}, {"wkt", c->wkt}};
}
}  // namespace

nlohmann::json to_json(const DatasetSummary& s) {
    nlohmann::json j;
    j["path"] = s.path;
    j["driver"] = s.driver;
    j["driver_long_name"] = s.driver_long;
    if (s.raster) {
        const auto& r = *s.raster;
        nlohmann::json bands = nlohmann::json::array();
        for (const auto& b : r.bands)
            bands.push_back({{"band", b.index}, {"type", b.type},
                             {"nodata", b.nodata ? nlohmann::json(*b.nodata) : nlohmann::json(nullptr)},
                             {"scale", b.scale}, {"offset", b.offset},
                             {"block_size", {b.block_cols, b.block_rows}}, {"color", b.color},
                             {"description", b.description}});
        j["raster"] = {{"size", {r.cols, r.rows}}, {"bands", bands},
                       {"pixel_size", {r.pixel_width, r.pixel_height}},
                       {"pixel_size_m", {r.pixel_width_m, r.pixel_height_m}},
                       {"crs", crs_json(s.crs)}, {"extent", box_json(s.extent)},
                       {"extent_lonlat", box_json(s.extent_lonlat)}};
    }
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : s.layers) {
        nlohmann::json fields = nlohmann::json::array();
        for (const auto& f : l.fields)
            fields.push_back({{"name", f.name}, {"type", f.type}, {"width", f.width}, {"precision", f.precision}});
        nlohmann::json lj = {{"name", l.name}, {"geometry_type", l.geometry_type},
                             {"feature_count", l.feature_count}, {"fields", fields}, {"crs", crs_json(l.crs)},
                             {"extent", box_json(l.extent)}, {"extent_lonlat", box_json(l.extent_lonlat)}};
        if (l.encoding)
            lj["encoding"] = {{"name", l.encoding->encoding}, {"source", l.encoding->source},
                              {"description", l.encoding->describe()}};
        layers.push_back(lj);
    }
    j["layers"] = layers;
    return j;
}

namespace {
std::string box_text(const Box& b, int precision) {
    return fmt::format("{:.{}f}, {:.{}f} – {:.{}f}, {:.{}f}", b.xmin, precision, b.ymin, precision, b.xmax,
                       precision, b.ymax, precision);
}
std::string crs_text(const std::optional<CrsSummary>& c) {
    if (!c) return "none (the data has no CRS; give one with --crs)";
    return c->epsg ? fmt::format("{} (EPSG:{})", c->name, *c->epsg) : c->name;
}
}  // namespace

std::string to_text(const DatasetSummary& s) {
    std::ostringstream o;
    o << s.path << "\n  driver: " << s.driver << " (" << s.driver_long << ")\n";
    if (s.raster) {
        const auto& r = *s.raster;
        o << "  raster: " << r.cols << " x " << r.rows << " pixels, " << r.bands.size() << " band(s)\n";
        o << "  crs: " << crs_text(s.crs) << "\n";
        if (s.extent) o << "  extent: " << box_text(*s.extent, 3) << "\n";
        if (s.extent_lonlat) o << "  extent (lon/lat): " << box_text(*s.extent_lonlat, 6) << "\n";
        o << fmt::format("  pixel size: {:.6g} x {:.6g} (native), {:.3f} m x {:.3f} m\n", r.pixel_width,
                         r.pixel_height, r.pixel_width_m, r.pixel_height_m);
        for (const auto& b : r.bands) {
            o << fmt::format("  band {}: {}, block {}x{}, colour {}", b.index, b.type, b.block_cols, b.block_rows,
                             b.color);
            if (b.nodata) o << fmt::format(", nodata {}", *b.nodata);
            if (b.scale != 1.0 || b.offset != 0.0) o << fmt::format(", scale {} offset {}", b.scale, b.offset);
            if (!b.description.empty()) o << ", \"" << b.description << "\"";
            o << "\n";
        }
    }
    for (const auto& l : s.layers) {
        o << "  layer '" << l.name << "': " << l.geometry_type << ", "
          << (l.feature_count >= 0 ? std::to_string(l.feature_count) : std::string("unknown number of"))
          << " features\n";
        o << "    crs: " << crs_text(l.crs) << "\n";
        if (l.extent) o << "    extent: " << box_text(*l.extent, 3) << "\n";
        if (l.extent_lonlat) o << "    extent (lon/lat): " << box_text(*l.extent_lonlat, 6) << "\n";
        if (l.encoding) o << "    attribute encoding: " << l.encoding->describe() << "\n";
        for (const auto& f : l.fields) {
            o << "    field " << f.name << ": " << f.type;
            if (f.width > 0) o << "(" << f.width << (f.precision > 0 ? "." + std::to_string(f.precision) : "") << ")";
            o << "\n";
        }
    }
    return o.str();
}

}  // namespace citycheck::spatial
