// Zones, facilities and demand for coverage: read with OGR/GDAL, projected to the analysis CRS.
#include <citycheck/spatial/coverage.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>

#include <tbb/parallel_for.h>

#include <citycheck/core/error.hpp>
#include <citycheck/core/log.hpp>
#include <citycheck/spatial/encoding.hpp>
#include <citycheck/spatial/gdal.hpp>
#include <citycheck/spatial/zone_layer.hpp>

namespace citycheck::spatial {

Box ZonePolygons::extent() const {
    Box b{1e300, 1e300, -1e300, -1e300};
    for (const auto& p : polygons) {
        const Box e = p.envelope();
        b.xmin = std::min(b.xmin, e.xmin), b.ymin = std::min(b.ymin, e.ymin);
        b.xmax = std::max(b.xmax, e.xmax), b.ymax = std::max(b.ymax, e.ymax);
    }
    return b;
}

namespace {

bool ends_with_ci(const std::string& s, const std::string& suffix) {
    if (s.size() < suffix.size()) return false;
    for (std::size_t i = 0; i < suffix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
    return true;
}

bool is_csv_like(const std::string& path) { return ends_with_ci(path, ".csv") || is_gtfs_stops_path(path); }

// GDAL opens .csv itself; a GTFS .txt needs the CSV driver named.
std::string gdal_path_for(const std::string& path) { return ends_with_ci(path, ".txt") ? "CSV:" + path : path; }

std::vector<std::string> open_options_for(const std::string& path) {
    if (is_csv_like(path))
        return {"X_POSSIBLE_NAMES=lon,longitude,lng,x,X,stop_lon", "Y_POSSIBLE_NAMES=lat,latitude,y,Y,stop_lat", "KEEP_GEOM_COLUMNS=YES",
                "AUTODETECT_TYPE=YES"};
    if (is_osm_path(path)) return {};
    return vector_open_options(path);
}

void append_polygon(const OGRGeometry* g, PolygonSet& out) {
    if (!g) return;
    const auto type = wkbFlatten(g->getGeometryType());
    if (type == wkbPolygon) {
        const auto* poly = g->toPolygon();
        out.part_begin.push_back(out.rings.size());
        for (int r = -1; r < poly->getNumInteriorRings(); ++r) {
            const OGRLinearRing* ring = r < 0 ? poly->getExteriorRing() : poly->getInteriorRing(r);
            if (!ring) continue;
            Ring pts(static_cast<std::size_t>(ring->getNumPoints()));
            for (int i = 0; i < ring->getNumPoints(); ++i) pts[static_cast<std::size_t>(i)] = {ring->getX(i), ring->getY(i)};
            if (pts.size() > 1 && pts.front() == pts.back()) pts.pop_back();
            if (pts.size() >= 3) out.rings.push_back(std::move(pts));
            else if (r < 0) { out.part_begin.pop_back(); return; }
        }
    } else if (type == wkbMultiPolygon || type == wkbGeometryCollection) {
        const auto* gc = g->toGeometryCollection();
        for (int i = 0; i < gc->getNumGeometries(); ++i) append_polygon(gc->getGeometryRef(i), out);
    }
}

// A line as a degenerate ring running out and back, so that the polygon code measures the distance
// to it (its boundary) and finds where the network meets it; each part of a multiline is one ring.
void append_line(const OGRGeometry* g, PolygonSet& out) {
    const auto type = wkbFlatten(g->getGeometryType());
    if (type == wkbMultiLineString) {
        const auto* ml = g->toMultiLineString();
        for (int i = 0; i < ml->getNumGeometries(); ++i) append_line(ml->getGeometryRef(i), out);
        return;
    }
    const auto* ls = g->toLineString();
    Ring r;
    for (int i = 0; i < ls->getNumPoints(); ++i) {
        const Pt p{ls->getX(i), ls->getY(i)};
        if (r.empty() || !(r.back() == p)) r.push_back(p);
    }
    if (r.size() < 2) return;
    for (std::size_t i = r.size() - 1; i-- > 1;) r.push_back(r[i]);  // back along the interior vertices
    if (r.size() == 2) r.push_back(r[0]);  // a single segment: a-b-a
    out.part_begin.push_back(out.rings.size());
    out.rings.push_back(std::move(r));
}

struct LayerRead {
    OGRLayer* layer;
    std::string name;
};

// Calls fn(feature, geometry in target CRS) for every feature of the chosen layers passing `where`.
// For OSM files the driver streams all layers at once: read interleaved.
// Geometries in GCJ-02/BD-09 (`coords`) are converted to WGS84 before the projection.
template <class Fn>
Crs for_each_feature(const std::string& path, std::vector<std::string> layers, const std::string& where, Crs target,
                     Fn&& fn, CoordSystem coords = CoordSystem::wgs84) {
    auto ds = open_dataset(gdal_path_for(path), DatasetKind::vector, open_options_for(path));
    const bool osm = is_osm_path(path);
    std::vector<OGRLayer*> chosen;
    bool explicit_layers = !layers.empty();
    if (layers.empty()) {
        if (osm) layers = {"points", "multipolygons"};
        else if (ds->GetLayerCount() > 0) layers = {ds->GetLayer(0)->GetName()};
    }
    for (const auto& name : layers) {
        OGRLayer* l = ds->GetLayerByName(name.c_str());
        if (!l) throw InputError("layer not found", {.file = path, .layer = name});
        if (!where.empty()) {
            GdalErrorScope errors;
            if (l->SetAttributeFilter(where.c_str()) != OGRERR_NONE) {
                if (explicit_layers || !osm)
                    throw UsageError("invalid --where filter (" + errors.last_error() + ")", {.file = path, .layer = name});
                continue;  // an OSM layer without the filtered field
            }
        }
        chosen.push_back(l);
    }
    if (chosen.empty()) throw UsageError("no layer of the file accepts the --where filter", {.file = path});
    Crs source = Crs::from_ogr(chosen.front()->GetSpatialRef());
    if (source.empty() && (osm || is_csv_like(path))) source = Crs::from_epsg(4326);
    if (source.empty()) throw InputError("the layer has no CRS; add a .prj or pass --crs", {.file = path});
    require_lonlat_for(source, coords, path);
    if (target.empty()) {
        OGREnvelope env;
        if (chosen.front()->GetExtent(&env, TRUE) != OGRERR_NONE) env = {};
        target = analysis_crs_for(source, {(env.MinX + env.MaxX) / 2, (env.MinY + env.MaxY) / 2});
    }
    Transform t(source, target);
    auto handle = [&](OGRFeature& f) {
        OGRGeometry* g = f.GetGeometryRef();
        if (!g || g->IsEmpty()) return;
        if (coords != CoordSystem::wgs84) convert_geometry_to_wgs84(*g, coords);
        if (!t.is_identity() && g->transform(t.ogr()) != OGRERR_NONE)
            throw InputError(with_gdal_reason("coordinates cannot be transformed to the analysis CRS"),
                             {.file = path, .feature = std::to_string(f.GetFID())});
        fn(f, *g);
    };
    if (osm) {
        OGRLayer* from = nullptr;
        while (true) {
            OGRFeatureUniquePtr f(ds->GetNextFeature(&from, nullptr, nullptr, nullptr));
            if (!f) break;
            if (std::find(chosen.begin(), chosen.end(), from) == chosen.end()) continue;
            // The OSM driver applies each layer's attribute filter while streaming.
            handle(*f);
        }
    } else {
        for (OGRLayer* l : chosen) {
            // Some drivers accept any filter and fail only while reading (a GeoPackage --where naming
            // a missing field): an error here must not pass as an empty layer.
            GdalErrorScope errors;
            for (auto& f : *l) handle(*f);
            if (!errors.last_error().empty())
                throw InputError("reading the layer failed (" + errors.last_error() + ")" + (where.empty() ? "" : "; check the --where filter"),
                                 {.file = path, .layer = l->GetName()});
        }
    }
    return target;
}

}  // namespace

ZonePolygons read_zones(const std::string& path, const std::string& id_field, const Crs& target, const std::string& layer) {
    ZoneLayerOptions options;
    options.layer = layer;
    options.id_field = id_field;
    options.target = target;
    options.keep_empty = false;
    const ZoneLayer read = read_zone_layer(path, options);
    for (const auto& w : read.warnings) log::warning(w);
    ZonePolygons zones;
    zones.crs = read.crs;
    for (const auto& z : read.zones) {
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkb(z.wkb.data(), nullptr, &g, z.wkb.size()) != OGRERR_NONE)
            throw InternalError("cannot decode the WKB of zone '" + z.id + "'");
        const std::unique_ptr<OGRGeometry> owned(g);
        PolygonSet poly;
        append_polygon(owned.get(), poly);
        zones.ids.push_back(z.id);
        zones.polygons.push_back(std::move(poly));
    }
    return zones;
}

ZoneLocator::ZoneLocator(const ZonePolygons& zones) : m_zones(zones) {
    const Box b = zones.extent();
    for (const auto& p : zones.polygons) m_boxes.push_back(p.envelope());
    m_x0 = b.xmin, m_y0 = b.ymin;
    const double span = std::max(b.width(), b.height());
    m_cell = std::max(span / std::max(1.0, std::sqrt(static_cast<double>(zones.polygons.size())) * 2), 1.0);
    m_cols = static_cast<long long>(b.width() / m_cell) + 1;
    m_rows = static_cast<long long>(b.height() / m_cell) + 1;
    m_buckets.resize(static_cast<std::size_t>(m_cols * m_rows));
    for (std::uint32_t z = 0; z < m_boxes.size(); ++z) {
        const Box& e = m_boxes[z];
        for (long long r = static_cast<long long>((e.ymin - m_y0) / m_cell); r <= static_cast<long long>((e.ymax - m_y0) / m_cell); ++r)
            for (long long c = static_cast<long long>((e.xmin - m_x0) / m_cell); c <= static_cast<long long>((e.xmax - m_x0) / m_cell); ++c)
                if (r >= 0 && r < m_rows && c >= 0 && c < m_cols) m_buckets[static_cast<std::size_t>(r * m_cols + c)].push_back(z);
    }
}

std::optional<std::uint32_t> ZoneLocator::locate(Pt p) const {
    const double c = std::floor((p.x - m_x0) / m_cell), r = std::floor((p.y - m_y0) / m_cell);
    if (c < 0 || r < 0 || c >= static_cast<double>(m_cols) || r >= static_cast<double>(m_rows)) return std::nullopt;
    for (std::uint32_t z : m_buckets[static_cast<std::size_t>(static_cast<long long>(r) * m_cols + static_cast<long long>(c))]) {
        const Box& e = m_boxes[z];
        if (p.x < e.xmin || p.x > e.xmax || p.y < e.ymin || p.y > e.ymax) continue;
        if (m_zones.polygons[z].contains(p)) return z;
    }
    return std::nullopt;
}

std::vector<ReachTier> parse_reach_tiers(const std::string& text) {
    std::vector<ReachTier> tiers;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto colon = item.find(':');
        try {
            if (colon == std::string::npos) throw std::invalid_argument("no colon");
            tiers.push_back({std::stod(item.substr(0, colon)), std::stod(item.substr(colon + 1))});
        } catch (const std::exception&) {
            throw UsageError("--reach-tiers expects MIN_AREA_M2:REACH_M pairs separated by commas, e.g. 5000:500,2000:300; got '" + item + "'");
        }
    }
    std::sort(tiers.begin(), tiers.end(), [](const ReachTier& a, const ReachTier& b) { return a.min_area_m2 > b.min_area_m2; });
    return tiers;
}

std::vector<ReachTier> mohurd_park_tiers() { return {{5000, 500}, {2000, 300}}; }

bool is_gtfs_stops_path(const std::string& path) { return ends_with_ci(path, ".txt"); }

FacilitySet read_facilities(const std::string& path, const std::string& where, const Crs& target, double reach,
                            const std::vector<ReachTier>& tiers, const std::string& layer, CoordSystem coords) {
    FacilitySet set;
    for_each_feature(path, layer.empty() ? std::vector<std::string>{} : std::vector<std::string>{layer}, where, target,
                     [&](OGRFeature& f, OGRGeometry& g) {
        ++set.read;
        Facility fac;
        fac.fid = f.GetFID();
        const auto type = wkbFlatten(g.getGeometryType());
        if (type == wkbLineString || type == wkbMultiLineString) {
            append_line(&g, fac.polygon);
            if (fac.polygon.rings.empty()) return;
            fac.is_polygon = fac.is_line = true;
            fac.point = fac.polygon.rings.front().front();
            fac.reach = reach;  // lines have no area: tiers do not apply
            set.items.push_back(std::move(fac));
            return;
        }
        if (type == wkbPoint) {
            fac.point = {g.toPoint()->getX(), g.toPoint()->getY()};
            fac.reach = reach;
        } else if (type == wkbMultiPoint) {
            const auto* mp = g.toMultiPoint();
            if (mp->getNumGeometries() == 0) return;
            fac.point = {mp->getGeometryRef(0)->getX(), mp->getGeometryRef(0)->getY()};
            fac.reach = reach;
        } else {
            append_polygon(&g, fac.polygon);
            if (fac.polygon.rings.empty()) return;
            fac.is_polygon = true;
            fac.point = fac.polygon.rings.front().front();
            fac.area_m2 = fac.polygon.area();
            fac.reach = reach;
            if (!tiers.empty()) {
                fac.reach = -1;
                for (const auto& t : tiers)
                    if (fac.area_m2 >= t.min_area_m2) {
                        fac.reach = t.reach_m;
                        break;
                    }
                if (fac.reach < 0) {
                    ++set.below_smallest_tier;
                    return;
                }
            }
        }
        set.items.push_back(std::move(fac));
    }, coords);
    return set;
}

DemandGrid demand_grid_for(const ZonePolygons& zones, double cell) {
    if (!(cell > 0)) throw UsageError("--cell must be positive");
    const Box b = zones.extent();
    DemandGrid g;
    g.cell = cell;
    g.x0 = std::floor(b.xmin / cell) * cell;
    g.y0 = std::ceil(b.ymax / cell) * cell;
    g.cols = static_cast<int>(std::ceil((b.xmax - g.x0) / cell));
    g.rows = static_cast<int>(std::ceil((g.y0 - b.ymin) / cell));
    if (static_cast<double>(g.cols) * g.rows > 2e9) throw UsageError("the demand grid is too large; use a larger --cell");
    return g;
}

CellDiscretiser centre_sampling() {
    return [](const DemandGrid& grid, const PolygonSet& poly, const std::function<void(std::int64_t, double)>& emit) {
        scan_fill(poly, grid.x0, grid.y0, grid.cell, grid.cols, grid.rows, [&](int row, int c0, int c1) {
            for (int c = c0; c < c1; ++c) emit(static_cast<std::int64_t>(row) * grid.cols + c, 1.0);
        });
    };
}

namespace {
Pt cell_centre(const DemandGrid& g, std::int64_t cell) {
    const auto row = cell / g.cols, col = cell % g.cols;
    return {g.x0 + (static_cast<double>(col) + 0.5) * g.cell, g.y0 - (static_cast<double>(row) + 0.5) * g.cell};
}
}  // namespace

Demand zone_area_demand(const ZonePolygons& zones, double cell, const CellDiscretiser& cells) {
    Demand d;
    d.grid = demand_grid_for(zones, cell);
    const double area = d.grid->cell * d.grid->cell;
    // Zones in parallel, each into its own list, joined in zone order: the same cells in the same
    // order for any thread count.
    std::vector<std::vector<DemandCell>> per_zone(zones.polygons.size());
    tbb::parallel_for(std::size_t(0), zones.polygons.size(), [&](std::size_t zi) {
        const auto z = static_cast<std::uint32_t>(zi);
        auto& out = per_zone[zi];
        // Room for every cell of the zone's bounding box (up to 16 M, and not for an empty zone): no
        // regrowth copies, and pages never written are never mapped.
        if (const Box e = zones.polygons[z].envelope(); e.xmax >= e.xmin && e.ymax >= e.ymin) {
            const double box_cells = (std::ceil(e.width() / d.grid->cell) + 2) * (std::ceil(e.height() / d.grid->cell) + 2);
            const double cap = std::min(16.0 * (1 << 20), static_cast<double>(d.grid->cols) * d.grid->rows);
            out.reserve(static_cast<std::size_t>(box_cells < cap ? box_cells : cap));  // NaN: the cap
        }
        cells(*d.grid, zones.polygons[z], [&](std::int64_t c, double f) { out.push_back({cell_centre(*d.grid, c), f * area, z, c}); });
        const auto by_cell = [](const DemandCell& a, const DemandCell& b) { return a.cell < b.cell; };
        if (!std::is_sorted(out.begin(), out.end(), by_cell)) std::sort(out.begin(), out.end(), by_cell);
    });
    std::vector<std::size_t> offset(per_zone.size() + 1, 0);
    for (std::size_t z = 0; z < per_zone.size(); ++z) offset[z + 1] = offset[z] + per_zone[z].size();
    d.cells.resize(offset.back());
    tbb::parallel_for(std::size_t(0), per_zone.size(), [&](std::size_t z) {
        std::copy(per_zone[z].begin(), per_zone[z].end(), d.cells.begin() + static_cast<std::ptrdiff_t>(offset[z]));
        std::vector<DemandCell>().swap(per_zone[z]);
    });
    return d;
}

Demand polygon_demand(const ZonePolygons& zones, const std::string& path, const std::string& where, double cell,
                      const std::string& value_field, const CellDiscretiser& cells) {
    Demand d;
    d.grid = demand_grid_for(zones, cell);
    const std::size_t n = static_cast<std::size_t>(d.grid->cols) * d.grid->rows;
    const double cell_area = d.grid->cell * d.grid->cell;
    std::vector<double> weight(n, 0.0);
    int value_idx = -2;
    std::vector<std::pair<std::int64_t, double>> hits;
    for_each_feature(path, {}, where, zones.crs, [&](OGRFeature& f, OGRGeometry& g) {
        if (value_idx == -2) {
            value_idx = value_field.empty() ? -1 : f.GetDefnRef()->GetFieldIndex(value_field.c_str());
            if (!value_field.empty() && value_idx < 0)
                throw InputError("the demand layer has no field '" + value_field + "'", {.file = path, .field = value_field});
        }
        PolygonSet poly;
        append_polygon(&g, poly);
        if (poly.rings.empty()) return;
        hits.clear();
        cells(*d.grid, poly, [&](std::int64_t c, double fr) { hits.emplace_back(c, fr); });
        if (value_idx >= 0) {
            // Spread the polygon's count over its cells by covered fraction so totals are kept.
            double total = 0;
            for (const auto& h : hits) total += h.second;
            if (!(total > 0)) return;
            const double value = f.GetFieldAsDouble(value_idx);
            for (const auto& [c, fr] : hits) weight[static_cast<std::size_t>(c)] += value * fr / total;
        } else {
            for (const auto& [c, fr] : hits) weight[static_cast<std::size_t>(c)] = std::min(1.0, weight[static_cast<std::size_t>(c)] + fr);
        }
    });
    d.is_area = value_idx < 0;
    for (std::uint32_t z = 0; z < zones.polygons.size(); ++z) {
        const std::size_t first = d.cells.size();
        cells(*d.grid, zones.polygons[z], [&](std::int64_t c, double fz) {
            const double w = weight[static_cast<std::size_t>(c)];
            if (w > 0) d.cells.push_back({cell_centre(*d.grid, c), fz * (d.is_area ? w * cell_area : w), z, c});
        });
        std::sort(d.cells.begin() + static_cast<std::ptrdiff_t>(first), d.cells.end(),
                  [](const DemandCell& a, const DemandCell& b) { return a.cell < b.cell; });
    }
    return d;
}

Demand raster_demand(const ZonePolygons& zones, const std::string& path) {
    auto ds = open_dataset(path, DatasetKind::raster);
    GDALRasterBand* band = ds->GetRasterBand(1);
    double gt[6];
    if (ds->GetGeoTransform(gt) != CE_None || gt[2] != 0 || gt[4] != 0)
        throw InputError("the demand raster needs a north-up geotransform", {.file = path});
    Crs source = Crs::from_ogr(ds->GetSpatialRef());
    if (source.empty()) throw InputError("the demand raster has no CRS", {.file = path});
    const int cols = ds->GetRasterXSize(), rows = ds->GetRasterYSize();
    int has_nodata = 0;
    const double nodata = band->GetNoDataValue(&has_nodata);
    Transform t(source, zones.crs);
    ZoneLocator locate(zones);
    Demand d;
    d.is_area = false;
    // Square pixels in the zones' CRS form a demand grid, so that service areas can be drawn.
    const bool gridded = source.same_as(zones.crs) && gt[1] > 0 && std::abs(gt[1] + gt[5]) <= 1e-9 * gt[1];
    if (gridded) d.grid = DemandGrid{gt[0], gt[3], gt[1], cols, rows};
    std::vector<double> row(static_cast<std::size_t>(cols));
    std::vector<double> xs(static_cast<std::size_t>(cols)), ys(static_cast<std::size_t>(cols));
    for (int r = 0; r < rows; ++r) {
        if (band->RasterIO(GF_Read, 0, r, cols, 1, row.data(), cols, 1, GDT_Float64, 0, 0) != CE_None)
            throw InputError(with_gdal_reason("cannot read the demand raster"), {.file = path});
        for (int c = 0; c < cols; ++c) {
            xs[static_cast<std::size_t>(c)] = gt[0] + (c + 0.5) * gt[1];
            ys[static_cast<std::size_t>(c)] = gt[3] + (r + 0.5) * gt[5];
        }
        t.apply(xs, ys);
        for (int c = 0; c < cols; ++c) {
            const double v = row[static_cast<std::size_t>(c)];
            if (!(v > 0) || (has_nodata && v == nodata)) continue;
            const Pt p{xs[static_cast<std::size_t>(c)], ys[static_cast<std::size_t>(c)]};
            if (auto z = locate.locate(p))
                d.cells.push_back({p, v, *z, gridded ? static_cast<std::int64_t>(r) * cols + c : -1});
        }
    }
    return d;
}

Demand point_demand(const ZonePolygons& zones, const std::string& path, const std::string& value_field) {
    Demand d;
    d.is_area = false;
    ZoneLocator locate(zones);
    int value_idx = -2;
    for_each_feature(path, {}, "", zones.crs, [&](OGRFeature& f, OGRGeometry& g) {
        if (value_idx == -2) {
            value_idx = value_field.empty() ? -1 : f.GetDefnRef()->GetFieldIndex(value_field.c_str());
            if (!value_field.empty() && value_idx < 0)
                throw InputError("the demand points have no field '" + value_field + "'", {.file = path, .field = value_field});
        }
        if (wkbFlatten(g.getGeometryType()) != wkbPoint) return;
        const Pt p{g.toPoint()->getX(), g.toPoint()->getY()};
        const double w = value_idx >= 0 ? f.GetFieldAsDouble(value_idx) : 1.0;
        if (!(w > 0)) return;
        if (auto z = locate.locate(p)) d.cells.push_back({p, w, *z, -1});
    });
    return d;
}

}  // namespace citycheck::spatial
