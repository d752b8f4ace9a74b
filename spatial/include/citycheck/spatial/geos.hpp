#pragma once
// RAII over GEOS' reentrant C API. One GeosContext per thread; geometries, prepared geometries and
// trees are owned by unique_ptrs whose deleters carry the context that made them. Never share a
// context or a prepared geometry between threads; share geometries as WKB instead.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <geos_c.h>

namespace citycheck::spatial {

struct GeomDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(GEOSGeometry* g) const noexcept { GEOSGeom_destroy_r(ctx, g); }
};
struct PreparedDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(const GEOSPreparedGeometry* g) const noexcept { GEOSPreparedGeom_destroy_r(ctx, g); }
};
struct TreeDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(GEOSSTRtree* t) const noexcept { GEOSSTRtree_destroy_r(ctx, t); }
};

using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;
using TreePtr = std::unique_ptr<GEOSSTRtree, TreeDeleter>;

struct Box {
    double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
    bool intersects(const Box& o) const noexcept {
        return xmin <= o.xmax && o.xmin <= xmax && ymin <= o.ymax && o.ymin <= ymax;
    }
    bool contains(const Box& o) const noexcept {
        return xmin <= o.xmin && ymin <= o.ymin && o.xmax <= xmax && o.ymax <= ymax;
    }
    double width() const noexcept { return xmax - xmin; }
    double height() const noexcept { return ymax - ymin; }
};

class GeosContext {
  public:
    GeosContext();
    ~GeosContext();
    GeosContext(GeosContext&& other) noexcept;
    GeosContext& operator=(GeosContext&& other) noexcept;
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    GEOSContextHandle_t get() const noexcept { return m_handle; }

    // Throws InputError (or InternalError) with GEOS' last message when ok is false.
    void check(bool ok, std::string_view what) const;
    template <class T>
    T* check(T* ptr, std::string_view what) const {
        check(ptr != nullptr, what);
        return ptr;
    }
    const std::string& last_error() const noexcept;

    GeomPtr own(GEOSGeometry* g, std::string_view what) const;  // checks non-null
    PreparedPtr prepare(const GEOSGeometry& g) const;

    GeomPtr from_wkb(std::span<const unsigned char> wkb) const;
    GeomPtr from_wkt(std::string_view wkt) const;
    std::vector<unsigned char> to_wkb(const GEOSGeometry& g) const;
    std::string to_wkt(const GEOSGeometry& g, int precision = 6) const;

    GeomPtr make_box(const Box& b) const;
    GeomPtr make_point(double x, double y) const;
    Box envelope(const GEOSGeometry& g) const;
    double area(const GEOSGeometry& g) const;
    double length(const GEOSGeometry& g) const;
    bool is_valid(const GEOSGeometry& g) const;
    std::string invalid_reason(const GEOSGeometry& g) const;
    GeomPtr make_valid(const GEOSGeometry& g) const;
    GeomPtr intersection(const GEOSGeometry& a, const GEOSGeometry& b) const;
    GeomPtr clone(const GEOSGeometry& g) const;

  private:
    struct State {
        std::string last_error;
        std::string last_notice;
    };
    static void on_error(const char* message, void* userdata);
    static void on_notice(const char* message, void* userdata);
    GEOSContextHandle_t m_handle = nullptr;
    std::unique_ptr<State> m_state;
};

// A GEOS STRtree over boxes with integer payloads. Fill it, then query; GEOS builds the tree on
// the first query (locked since GEOS 3.10), build() forces that on the owning thread.
class StrTree {
  public:
    explicit StrTree(const GeosContext& ctx, std::size_t node_capacity = 10);
    void insert(const Box& box, std::size_t item);
    void build();
    // Items whose boxes intersect box, in ascending order (deterministic for any insert order).
    std::vector<std::size_t> query(const Box& box) const;
    std::size_t size() const noexcept { return m_boxes.size(); }

  private:
    const GeosContext& m_ctx;
    TreePtr m_tree;
    std::vector<GeomPtr> m_boxes;  // GEOS keeps pointers to the inserted geometries
    bool m_built = false;
};

// The polygons of g (a polygon, a multipolygon, or the polygonal members of a collection such as
// make-valid returns) as one geometry; null when g has none.
GeomPtr polygonal_part(const GeosContext& ctx, const GEOSGeometry& g);

}  // namespace citycheck::spatial
