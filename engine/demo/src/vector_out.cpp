#include "vector_out.hpp"

#include <algorithm>

#include <citycheck/core/error.hpp>
#include <cpl_string.h>

namespace citycheck::demo::detail {

namespace {
constexpr std::size_t k_batch = 20000;  // features per GeoPackage transaction
}

VectorOut::VectorOut(const std::filesystem::path& path, const char* driver_name) : m_path(path) {
    spatial::GdalEnvironment::ensure();
    spatial::GdalErrorScope errors;
    GDALDriver& drv = spatial::driver(driver_name);
    m_ds.reset(drv.Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!m_ds) fail("cannot create the dataset: " + errors.last_error());
    m_transactions = std::string(driver_name) == "GPKG";
    if (m_transactions && m_ds->StartTransaction() != OGRERR_NONE) fail("cannot start a transaction");
}

VectorOut::~VectorOut() = default;

void VectorOut::fail(const std::string& what, const std::string& layer) const {
    throw OutputError(what, {.file = m_path.string(), .layer = layer});
}

int VectorOut::add_layer(const std::string& name, OGRwkbGeometryType type, const std::vector<FieldDef>& fields,
                         const std::vector<std::string>& options) {
    spatial::GdalErrorScope errors;
    OGRSpatialReference srs;
    srs.importFromEPSG(4547);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    CPLStringList opts;
    for (const auto& o : options) opts.AddString(o.c_str());
    // The Shapefile driver takes its encoding from SHAPE_ENCODING when set (citycheck sets it empty
    // for reading raw bytes), so an ENCODING option must be mirrored there while the layer is made.
    const char* encoding = opts.FetchNameValue("ENCODING");
    const std::string previous = CPLGetThreadLocalConfigOption("SHAPE_ENCODING", "\x01");
    if (encoding) CPLSetThreadLocalConfigOption("SHAPE_ENCODING", encoding);
    OGRLayer* layer = m_ds->CreateLayer(name.c_str(), &srs, type, opts.List());
    if (encoding) CPLSetThreadLocalConfigOption("SHAPE_ENCODING", previous == "\x01" ? nullptr : previous.c_str());
    if (!layer) fail("cannot create the layer: " + errors.last_error(), name);
    for (const auto& f : fields) {
        OGRFieldDefn def(f.name, f.type);
        if (f.width) def.SetWidth(f.width);
        if (f.precision) def.SetPrecision(f.precision);
        if (layer->CreateField(&def) != OGRERR_NONE) fail("cannot create field " + std::string(f.name) + ": " + errors.last_error(), name);
    }
    m_layers.push_back(layer);
    m_features.emplace_back();
    return static_cast<int>(m_layers.size()) - 1;
}

OGRFeature& VectorOut::feature(int layer) {
    auto& f = m_features[static_cast<std::size_t>(layer)];
    f = std::make_unique<OGRFeature>(m_layers[static_cast<std::size_t>(layer)]->GetLayerDefn());
    return *f;
}

void VectorOut::write(int layer) {
    spatial::GdalErrorScope errors;
    auto* l = m_layers[static_cast<std::size_t>(layer)];
    if (l->CreateFeature(m_features[static_cast<std::size_t>(layer)].get()) != OGRERR_NONE)
        fail("cannot write a feature: " + errors.last_error(), l->GetName());
    if (m_transactions && ++m_pending >= k_batch) {
        if (m_ds->CommitTransaction() != OGRERR_NONE || m_ds->StartTransaction() != OGRERR_NONE)
            fail("cannot commit: " + errors.last_error());
        m_pending = 0;
    }
}

void VectorOut::close() {
    if (!m_ds) return;
    spatial::GdalErrorScope errors;
    if (m_transactions && m_ds->CommitTransaction() != OGRERR_NONE) fail("cannot commit: " + errors.last_error());
    m_features.clear();
    m_layers.clear();
    m_ds.reset();  // GDALClose flushes
    if (!errors.last_error().empty()) fail("cannot finish writing: " + errors.last_error());
}

OGRLinearRing rect_ring(double x0, double y0, double x1, double y1, const std::vector<Node>& nodes, bool clockwise) {
    // Walk the edges counter-clockwise, picking up nodes strictly inside each edge in walking order.
    std::vector<Node> pts;
    auto edge = [&](Node a, Node b) {
        pts.push_back(a);
        std::vector<Node> on;
        for (const auto& n : nodes) {
            const bool horizontal = a.y == b.y;
            if (horizontal && n.y == a.y && n.x > std::min(a.x, b.x) && n.x < std::max(a.x, b.x)) on.push_back(n);
            if (!horizontal && n.x == a.x && n.y > std::min(a.y, b.y) && n.y < std::max(a.y, b.y)) on.push_back(n);
        }
        std::sort(on.begin(), on.end(), [&](const Node& p, const Node& q) {
            return std::abs(p.x - a.x) + std::abs(p.y - a.y) < std::abs(q.x - a.x) + std::abs(q.y - a.y);
        });
        on.erase(std::unique(on.begin(), on.end()), on.end());
        pts.insert(pts.end(), on.begin(), on.end());
    };
    edge({x0, y0}, {x1, y0});
    edge({x1, y0}, {x1, y1});
    edge({x1, y1}, {x0, y1});
    edge({x0, y1}, {x0, y0});
    pts.push_back({x0, y0});
    if (clockwise) std::reverse(pts.begin(), pts.end());
    OGRLinearRing ring;
    ring.setNumPoints(static_cast<int>(pts.size()), FALSE);
    for (std::size_t k = 0; k < pts.size(); ++k) ring.setPoint(static_cast<int>(k), pts[k].x, pts[k].y);
    return ring;
}

}  // namespace citycheck::demo::detail
