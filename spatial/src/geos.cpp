#include <citycheck/core/error.hpp>
#include <citycheck/spatial/geos.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace citycheck::spatial {

GeosContext::GeosContext() : m_handle(GEOS_init_r()), m_state(std::make_unique<State>()) {
    if (!m_handle) throw InternalError("GEOS_init_r failed");
    GEOSContext_setErrorMessageHandler_r(m_handle, &GeosContext::on_error, m_state.get());
    GEOSContext_setNoticeMessageHandler_r(m_handle, &GeosContext::on_notice, m_state.get());
}

GeosContext::~GeosContext() {
    if (m_handle) GEOS_finish_r(m_handle);
}

GeosContext::GeosContext(GeosContext&& other) noexcept
    : m_handle(std::exchange(other.m_handle, nullptr)), m_state(std::move(other.m_state)) {}

GeosContext& GeosContext::operator=(GeosContext&& other) noexcept {
    if (this != &other) {
        if (m_handle) GEOS_finish_r(m_handle);
        m_handle = std::exchange(other.m_handle, nullptr);
        m_state = std::move(other.m_state);
    }
    return *this;
}

void GeosContext::on_error(const char* message, void* userdata) {
    static_cast<State*>(userdata)->last_error = message ? message : "";
}
void GeosContext::on_notice(const char* message, void* userdata) {
    static_cast<State*>(userdata)->last_notice = message ? message : "";
}

const std::string& GeosContext::last_error() const noexcept { return m_state->last_error; }

void GeosContext::check(bool ok, std::string_view what) const {
    if (ok) return;
    std::string message(what);
    if (!m_state->last_error.empty()) message += ": " + m_state->last_error;
    m_state->last_error.clear();
    throw InputError("GEOS: " + message);
}

GeomPtr GeosContext::own(GEOSGeometry* g, std::string_view what) const {
    check(g != nullptr, what);
    return GeomPtr(g, GeomDeleter{m_handle});
}

PreparedPtr GeosContext::prepare(const GEOSGeometry& g) const {
    const GEOSPreparedGeometry* p = GEOSPrepare_r(m_handle, &g);
    check(p != nullptr, "prepare geometry");
    return PreparedPtr(p, PreparedDeleter{m_handle});
}

GeomPtr GeosContext::from_wkb(std::span<const unsigned char> wkb) const {
    return own(GEOSGeomFromWKB_buf_r(m_handle, wkb.data(), wkb.size()), "read WKB");
}

GeomPtr GeosContext::from_wkt(std::string_view wkt) const {
    GEOSWKTReader* reader = GEOSWKTReader_create_r(m_handle);
    check(reader != nullptr, "create WKT reader");
    const std::string text(wkt);
    GEOSGeometry* g = GEOSWKTReader_read_r(m_handle, reader, text.c_str());
    GEOSWKTReader_destroy_r(m_handle, reader);
    return own(g, "read WKT '" + text.substr(0, 60) + "'");
}

std::vector<unsigned char> GeosContext::to_wkb(const GEOSGeometry& g) const {
    GEOSWKBWriter* writer = GEOSWKBWriter_create_r(m_handle);
    check(writer != nullptr, "create WKB writer");
    std::size_t size = 0;
    unsigned char* buf = GEOSWKBWriter_write_r(m_handle, writer, &g, &size);
    GEOSWKBWriter_destroy_r(m_handle, writer);
    check(buf != nullptr, "write WKB");
    std::vector<unsigned char> out(buf, buf + size);
    GEOSFree_r(m_handle, buf);
    return out;
}

std::string GeosContext::to_wkt(const GEOSGeometry& g, int precision) const {
    GEOSWKTWriter* writer = GEOSWKTWriter_create_r(m_handle);
    check(writer != nullptr, "create WKT writer");
    GEOSWKTWriter_setRoundingPrecision_r(m_handle, writer, precision);
    GEOSWKTWriter_setTrim_r(m_handle, writer, 1);
    char* text = GEOSWKTWriter_write_r(m_handle, writer, &g);
    GEOSWKTWriter_destroy_r(m_handle, writer);
    check(text != nullptr, "write WKT");
    std::string out(text);
    GEOSFree_r(m_handle, text);
    return out;
}

GeomPtr GeosContext::make_box(const Box& b) const {
    return own(GEOSGeom_createRectangle_r(m_handle, b.xmin, b.ymin, b.xmax, b.ymax), "create rectangle");
}

GeomPtr GeosContext::make_point(double x, double y) const {
    return own(GEOSGeom_createPointFromXY_r(m_handle, x, y), "create point");
}

Box GeosContext::envelope(const GEOSGeometry& g) const {
    Box b;
    check(GEOSGeom_getXMin_r(m_handle, &g, &b.xmin) == 1 && GEOSGeom_getYMin_r(m_handle, &g, &b.ymin) == 1 &&
              GEOSGeom_getXMax_r(m_handle, &g, &b.xmax) == 1 && GEOSGeom_getYMax_r(m_handle, &g, &b.ymax) == 1,
          "envelope of an empty geometry");
    return b;
}

double GeosContext::area(const GEOSGeometry& g) const {
    double a = 0;
    check(GEOSArea_r(m_handle, &g, &a) == 1, "area");
    return a;
}

double GeosContext::length(const GEOSGeometry& g) const {
    double l = 0;
    check(GEOSLength_r(m_handle, &g, &l) == 1, "length");
    return l;
}

bool GeosContext::is_valid(const GEOSGeometry& g) const {
    const char r = GEOSisValid_r(m_handle, &g);
    check(r != 2, "validity test");
    return r == 1;
}

std::string GeosContext::invalid_reason(const GEOSGeometry& g) const {
    char* text = GEOSisValidReason_r(m_handle, &g);
    check(text != nullptr, "validity reason");
    std::string out(text);
    GEOSFree_r(m_handle, text);
    return out;
}

GeomPtr GeosContext::make_valid(const GEOSGeometry& g) const {
    return own(GEOSMakeValid_r(m_handle, &g), "make valid");
}

GeomPtr GeosContext::intersection(const GEOSGeometry& a, const GEOSGeometry& b) const {
    return own(GEOSIntersection_r(m_handle, &a, &b), "intersection");
}

GeomPtr GeosContext::clone(const GEOSGeometry& g) const { return own(GEOSGeom_clone_r(m_handle, &g), "clone"); }

StrTree::StrTree(const GeosContext& ctx, std::size_t node_capacity)
    : m_ctx(ctx), m_tree(GEOSSTRtree_create_r(ctx.get(), node_capacity), TreeDeleter{ctx.get()}) {
    ctx.check(m_tree != nullptr, "create STRtree");
}

void StrTree::insert(const Box& box, std::size_t item) {
    if (m_built) throw InternalError("StrTree::insert after the tree was queried");
    m_boxes.push_back(m_ctx.make_box(box));
    // The payload is the item number itself, stored in the pointer (no storage to keep alive).
    GEOSSTRtree_insert_r(m_ctx.get(), m_tree.get(), m_boxes.back().get(),
                         reinterpret_cast<void*>(static_cast<std::uintptr_t>(item)));
}

void StrTree::build() {
    (void)query(Box{0, 0, 0, 0});
}

std::vector<std::size_t> StrTree::query(const Box& box) const {
    std::vector<std::size_t> out;
    auto probe = m_ctx.make_box(box);
    GEOSSTRtree_query_r(
        m_ctx.get(), m_tree.get(), probe.get(),
        [](void* item, void* userdata) {
            static_cast<std::vector<std::size_t>*>(userdata)->push_back(
                static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(item)));
        },
        &out);
    std::sort(out.begin(), out.end());
    const_cast<StrTree*>(this)->m_built = true;
    return out;
}

GeomPtr polygonal_part(const GeosContext& ctx, const GEOSGeometry& g) {
    const int type = GEOSGeomTypeId_r(ctx.get(), &g);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
        if (GEOSisEmpty_r(ctx.get(), &g) == 1) return nullptr;
        return ctx.clone(g);
    }
    if (type != GEOS_GEOMETRYCOLLECTION) return nullptr;
    std::vector<GEOSGeometry*> polys;
    const int n = GEOSGetNumGeometries_r(ctx.get(), &g);
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(ctx.get(), &g, i);
        const int pt = GEOSGeomTypeId_r(ctx.get(), part);
        if (pt == GEOS_POLYGON) {
            polys.push_back(GEOSGeom_clone_r(ctx.get(), part));
        } else if (pt == GEOS_MULTIPOLYGON) {
            for (int j = 0; j < GEOSGetNumGeometries_r(ctx.get(), part); ++j)
                polys.push_back(GEOSGeom_clone_r(ctx.get(), GEOSGetGeometryN_r(ctx.get(), part, j)));
        }
    }
    if (polys.empty()) return nullptr;
    return ctx.own(GEOSGeom_createCollection_r(ctx.get(), GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())),
                   "collect polygons");
}

}  // namespace citycheck::spatial
