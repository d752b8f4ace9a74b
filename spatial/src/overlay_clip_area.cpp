// Area of parcel ∩ zone from the crossings of their boundaries (see overlay_clip_area.hpp).
#include "overlay_clip_area.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace citycheck::spatial::detail {

namespace {

double cross(XY a, XY b) noexcept { return a.x * b.y - a.y * b.x; }
XY sub(XY a, XY b) noexcept { return {a.x - b.x, a.y - b.y}; }

// Distance from p to segment a–b is at most tol.
bool near_segment(XY p, XY a, XY b, double tol) noexcept {
    const XY d = sub(b, a), v = sub(p, a);
    const double len2 = d.x * d.x + d.y * d.y;
    double t = len2 > 0 ? (v.x * d.x + v.y * d.y) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const double dx = v.x - t * d.x, dy = v.y - t * d.y;
    return dx * dx + dy * dy <= tol * tol;
}


class WkbReader {
  public:
    explicit WkbReader(std::span<const unsigned char> b) : m_b(b) {}
    bool u8(unsigned char& v) {
        if (m_pos + 1 > m_b.size()) return false;
        v = m_b[m_pos++];
        return true;
    }
    bool u32(std::uint32_t& v, bool little) { return value(v, little); }
    bool f64(double& v, bool little) { return value(v, little); }

  private:
    template <class T>  // a fixed-size number in the given byte order
    bool value(T& v, bool little) {
        if (m_pos + sizeof(T) > m_b.size()) return false;
        unsigned char t[sizeof(T)];
        std::memcpy(t, m_b.data() + m_pos, sizeof(T));
        if (!little) std::reverse(t, t + sizeof(T));
        std::memcpy(&v, t, sizeof(T));
        m_pos += sizeof(T);
        return true;
    }
    std::span<const unsigned char> m_b;
    std::size_t m_pos = 0;
};

// Header of one geometry: byte order, flat type (3 polygon, 6 multipolygon) and coordinate count.
bool read_header(WkbReader& r, bool& little, std::uint32_t& flat, int& dims) {
    unsigned char order = 0;
    std::uint32_t type = 0;
    if (!r.u8(order) || order > 1) return false;
    little = order == 1;
    if (!r.u32(type, little)) return false;
    if (type & 0x20000000u) return false;  // EWKB with SRID: not produced here
    bool z = (type & 0x80000000u) != 0, m = (type & 0x40000000u) != 0;
    type &= 0x0fffffffu;
    if (type >= 3000) m = z = true, type -= 3000;
    else if (type >= 2000) m = true, type -= 2000;
    else if (type >= 1000) z = true, type -= 1000;
    flat = type;
    dims = 2 + (z ? 1 : 0) + (m ? 1 : 0);
    return true;
}

bool read_polygon_body(WkbReader& r, bool little, int dims, Rings& out) {
    std::uint32_t nrings = 0;
    if (!r.u32(nrings, little)) return false;
    for (std::uint32_t k = 0; k < nrings; ++k) {
        std::uint32_t n = 0;
        if (!r.u32(n, little)) return false;
        const auto first = static_cast<std::uint32_t>(out.pts.size());
        for (std::uint32_t i = 0; i < n; ++i) {
            XY p;
            double skip = 0;
            if (!r.f64(p.x, little) || !r.f64(p.y, little)) return false;
            for (int d = 2; d < dims; ++d)
                if (!r.f64(skip, little)) return false;
            out.pts.push_back(p);
        }
        if (out.pts.size() > first + 1 && out.pts.back().x == out.pts[first].x && out.pts.back().y == out.pts[first].y)
            out.pts.pop_back();
        const std::size_t count = out.pts.size() - first;
        if (count < 3) return false;  // not a valid ring: let GEOS decide
        // Interior on the left: exterior counter-clockwise, holes clockwise.
        double a2 = 0;
        const XY o = out.pts[first];
        for (std::size_t i = first; i < out.pts.size(); ++i) {
            const std::size_t j = i + 1 == out.pts.size() ? first : i + 1;
            a2 += cross(sub(out.pts[i], o), sub(out.pts[j], o));
        }
        if (a2 == 0) return false;
        if ((k == 0) != (a2 > 0)) std::reverse(out.pts.begin() + first, out.pts.end());
        out.start.push_back(static_cast<std::uint32_t>(out.pts.size()));
    }
    return true;
}

}  // namespace

int locate_in_rings(XY p, const Rings& rings, double tol) {
    bool inside = false;
    for (std::size_t r = 0; r < rings.ring_count(); ++r) {
        const std::uint32_t s0 = rings.start[r], s1 = rings.start[r + 1];
        for (std::uint32_t i = s0; i < s1; ++i) {
            const XY a = rings.pts[i], b = rings.pts[i + 1 == s1 ? s0 : i + 1];
            if (near_segment(p, a, b, tol)) return -1;
            if ((a.y > p.y) != (b.y > p.y) && a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) > p.x) inside = !inside;
        }
    }
    return inside ? 1 : 0;
}

namespace {

double rings_area2(const Rings& rings, XY o) {
    double a2 = 0;
    for (std::size_t r = 0; r < rings.ring_count(); ++r) {
        const std::uint32_t s0 = rings.start[r], s1 = rings.start[r + 1];
        for (std::uint32_t i = s0; i < s1; ++i) a2 += cross(sub(rings.pts[i], o), sub(rings.pts[i + 1 == s1 ? s0 : i + 1], o));
    }
    return a2;
}

}  // namespace

bool parse_polygonal_wkb(std::span<const unsigned char> wkb, Rings& out) {
    out.pts.clear();
    out.start.assign(1, 0);
    WkbReader r(wkb);
    bool little = true;
    std::uint32_t flat = 0;
    int dims = 2;
    if (!read_header(r, little, flat, dims)) return false;
    if (flat == 3) {
        if (!read_polygon_body(r, little, dims, out)) return false;
    } else if (flat == 6) {
        std::uint32_t parts = 0;
        if (!r.u32(parts, little)) return false;
        for (std::uint32_t k = 0; k < parts; ++k) {
            bool part_little = true;
            std::uint32_t part_type = 0;
            int part_dims = 2;
            if (!read_header(r, part_little, part_type, part_dims) || part_type != 3) return false;
            if (!read_polygon_body(r, part_little, part_dims, out)) return false;
        }
    } else {
        return false;
    }
    if (out.pts.empty()) return false;
    out.box = {out.pts[0].x, out.pts[0].y, out.pts[0].x, out.pts[0].y};
    for (const auto& p : out.pts) {
        out.box.xmin = std::min(out.box.xmin, p.x);
        out.box.ymin = std::min(out.box.ymin, p.y);
        out.box.xmax = std::max(out.box.xmax, p.x);
        out.box.ymax = std::max(out.box.ymax, p.y);
    }
    return true;
}

ZoneBoundary::ZoneBoundary(Rings rings) : m_rings(std::move(rings)) {
    const std::size_t n = m_rings.pts.size();
    m_next.resize(n);
    for (std::size_t r = 0; r < m_rings.ring_count(); ++r)
        for (std::uint32_t i = m_rings.start[r]; i < m_rings.start[r + 1]; ++i)
            m_next[i] = i + 1 == m_rings.start[r + 1] ? m_rings.start[r] : i + 1;
    // About one segment per cell, at most 1024 cells a side.
    const Box& b = m_rings.box;
    const double w = std::max(b.width(), 1e-9), h = std::max(b.height(), 1e-9);
    m_cell = std::max({std::sqrt(w * h / static_cast<double>(std::max<std::size_t>(n, 1))), w / 1024, h / 1024});
    m_x0 = b.xmin;
    m_y0 = b.ymin;
    m_nx = std::max(1, static_cast<int>(std::ceil(w / m_cell)));
    m_ny = std::max(1, static_cast<int>(std::ceil(h / m_cell)));
    m_cell_start.assign(static_cast<std::size_t>(m_nx) * m_ny + 1, 0);
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<std::uint32_t> fill;
        if (pass == 1) {
            for (std::size_t c = 1; c < m_cell_start.size(); ++c) m_cell_start[c] += m_cell_start[c - 1];
            m_cell_segments.resize(m_cell_start.back());
            fill.assign(m_cell_start.begin(), m_cell_start.end() - 1);
        }
        for (std::uint32_t s = 0; s < n; ++s) {
            const Box sb = segment_box(seg_start(s), seg_end(s), 0.0);
            for (int r = row(sb.ymin); r <= row(sb.ymax); ++r)
                for (int c = col(sb.xmin); c <= col(sb.xmax); ++c) {
                    const std::size_t cell = static_cast<std::size_t>(r) * m_nx + c;
                    if (pass == 0) ++m_cell_start[cell + 1];
                    else m_cell_segments[fill[cell]++] = s;
                }
        }
    }
    // Segment-free cells take the side of their centre (a cell is half-open, and a segment that
    // meets it is binned into it: nothing of the boundary lies in such a cell). The side is the
    // parity of the boundary's crossings to the right of the centre on the row's centre line, found
    // for all cells of a row at once: each crossing lies outside those cells, at least half a cell
    // from their centres, so rounding cannot move it across one.
    std::vector<std::vector<double>> crossings(static_cast<std::size_t>(m_ny));
    for (std::uint32_t s = 0; s < n; ++s) {
        const XY a = seg_start(s), e = seg_end(s);
        for (int r = row(std::min(a.y, e.y)); r <= row(std::max(a.y, e.y)); ++r) {
            const double y = m_y0 + (r + 0.5) * m_cell;
            if ((a.y > y) != (e.y > y)) crossings[static_cast<std::size_t>(r)].push_back(a.x + (y - a.y) * (e.x - a.x) / (e.y - a.y));
        }
    }
    m_cell_side.assign(static_cast<std::size_t>(m_nx) * m_ny, -1);
    for (int r = 0; r < m_ny; ++r) {
        auto& xs = crossings[static_cast<std::size_t>(r)];
        std::sort(xs.begin(), xs.end());
        for (int c = 0; c < m_nx; ++c) {
            const std::size_t cell = static_cast<std::size_t>(r) * m_nx + c;
            if (m_cell_start[cell] != m_cell_start[cell + 1]) continue;
            const double x = m_x0 + (c + 0.5) * m_cell;
            const auto right = xs.end() - std::upper_bound(xs.begin(), xs.end(), x);
            m_cell_side[cell] = static_cast<std::int8_t>(right % 2);
        }
    }
}

int ZoneBoundary::col(double x) const noexcept { return std::clamp(static_cast<int>(std::floor((x - m_x0) / m_cell)), 0, m_nx - 1); }
int ZoneBoundary::row(double y) const noexcept { return std::clamp(static_cast<int>(std::floor((y - m_y0) / m_cell)), 0, m_ny - 1); }

template <class Visit>
bool ZoneBoundary::visit_segments_meeting(const Box& b, Visit&& visit) const {
    if (!b.intersects(m_rings.box)) return false;
    const int c0 = col(b.xmin), c1 = col(b.xmax), r0 = row(b.ymin), r1 = row(b.ymax);
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c) {
            const std::size_t cell = static_cast<std::size_t>(r) * m_nx + c;
            for (std::uint32_t k = m_cell_start[cell]; k < m_cell_start[cell + 1]; ++k) {
                const std::uint32_t s = m_cell_segments[k];
                if (segment_box(seg_start(s), seg_end(s), 0.0).intersects(b) && visit(s)) return true;
            }
        }
    return false;
}

bool ZoneBoundary::any_segment_near(const Box& b) const {
    return visit_segments_meeting(b, [](std::uint32_t) { return true; });
}

void ZoneBoundary::candidates(const Box& b, ClipScratch& scratch, std::vector<std::uint32_t>& out) const {
    out.clear();
    if (scratch.stamp.size() != m_rings.pts.size()) scratch.stamp.assign(m_rings.pts.size(), 0), scratch.query = 0;
    if (++scratch.query == 0) std::fill(scratch.stamp.begin(), scratch.stamp.end(), 0), scratch.query = 1;
    visit_segments_meeting(b, [&](std::uint32_t s) {
        if (scratch.stamp[s] != scratch.query) scratch.stamp[s] = scratch.query, out.push_back(s);  // once per segment
        return false;
    });
}

int ZoneBoundary::locate(XY p, ClipScratch& scratch) const {
    const Box& b = m_rings.box;
    if (p.x < b.xmin - CLIP_TOLERANCE_M || p.x > b.xmax + CLIP_TOLERANCE_M || p.y < b.ymin - CLIP_TOLERANCE_M ||
        p.y > b.ymax + CLIP_TOLERANCE_M)
        return 0;
    // The segments crossing the ray from p to +x lie in p's row of cells, at or right of p's cell;
    // the cells around p hold any segment within the tolerance of p.
    candidates({p.x - CLIP_TOLERANCE_M, p.y - CLIP_TOLERANCE_M, b.xmax, p.y + CLIP_TOLERANCE_M}, scratch, scratch.ray);
    bool inside = false;
    for (const std::uint32_t s : scratch.ray) {
        const XY a = seg_start(s), e = seg_end(s);
        if (near_segment(p, a, e, CLIP_TOLERANCE_M)) return -1;
        if ((a.y > p.y) != (e.y > p.y) && a.x + (p.y - a.y) * (e.x - a.x) / (e.y - a.y) > p.x) inside = !inside;
    }
    return inside ? 1 : 0;
}

int ZoneBoundary::box_side(const Box& b, ClipScratch& scratch) const {
    constexpr double tol = CLIP_TOLERANCE_M;
    if (any_segment_near({b.xmin - tol, b.ymin - tol, b.xmax + tol, b.ymax + tol})) return -1;
    const XY p{b.xmin, b.ymin};
    if (!m_rings.box.contains(Box{p.x, p.y, p.x, p.y})) return 0;
    if (const int side = m_cell_side[static_cast<std::size_t>(row(p.y)) * m_nx + col(p.x)]; side >= 0) return side;
    return locate(p, scratch);  // every segment is farther than tol: -1 only by rounding (then clipped)
}

std::optional<ClipArea> ZoneBoundary::clip_area(const Rings& parcel, ClipScratch& scratch) const {
    constexpr double tol = CLIP_TOLERANCE_M;
    const Box& pb = parcel.box;
    const XY o = parcel.pts[0];  // local origin: cross products of nearby points, not of 10⁶ m coordinates
    candidates({pb.xmin - tol, pb.ymin - tol, pb.xmax + tol, pb.ymax + tol}, scratch, scratch.segments);
    if (scratch.segments.empty()) {  // the zone's boundary stays away: the parcel is wholly in or out
        const int where = locate(parcel.pts[0], scratch);
        if (where < 0) return std::nullopt;
        if (where == 0) return ClipArea{};
        return ClipArea{rings_area2(parcel, o) / 2, true};
    }
    const std::vector<std::uint32_t>& cand = scratch.segments;
    auto& p_hits = scratch.p_hits;
    auto& q_hits = scratch.q_hits;
    p_hits.clear();
    q_hits.clear();
    for (std::size_t r = 0; r < parcel.ring_count(); ++r) {
        const std::uint32_t s0 = parcel.start[r], s1 = parcel.start[r + 1];
        for (std::uint32_t i = s0; i < s1; ++i) {
            const XY a = parcel.pts[i], b = parcel.pts[i + 1 == s1 ? s0 : i + 1];
            const Box eb = segment_box(a, b, tol);
            const XY e = sub(b, a);
            const double lp = std::sqrt(e.x * e.x + e.y * e.y);
            for (std::uint32_t k = 0; k < cand.size(); ++k) {
                const XY q0 = seg_start(cand[k]), q1 = seg_end(cand[k]);
                if (!segment_box(q0, q1, 0.0).intersects(eb)) continue;
                const XY d = sub(q1, q0);
                const double lq = std::sqrt(d.x * d.x + d.y * d.y);
                const double o1 = cross(d, sub(a, q0)), o2 = cross(d, sub(b, q0));
                const double o3 = cross(e, sub(q0, a)), o4 = cross(e, sub(q1, a));
                // A vertex on the other boundary (shared edges, touching corners): GEOS decides.
                if ((std::abs(o1) <= tol * lq && near_segment(a, q0, q1, tol)) ||
                    (std::abs(o2) <= tol * lq && near_segment(b, q0, q1, tol)) ||
                    (std::abs(o3) <= tol * lp && near_segment(q0, a, b, tol)) ||
                    (std::abs(o4) <= tol * lp && near_segment(q1, a, b, tol)))
                    return std::nullopt;
                if ((o1 > 0) == (o2 > 0) || (o3 > 0) == (o4 > 0)) continue;
                const bool p_enters = cross(d, e) > 0;  // interiors lie on the left of their edges
                p_hits.push_back({i, o1 / (o1 - o2), p_enters});
                q_hits.push_back({k, o3 / (o3 - o4), !p_enters});
            }
        }
    }
    const auto by_edge = [](const ClipScratch::Hit& x, const ClipScratch::Hit& y) {
        return x.edge != y.edge ? x.edge < y.edge : x.t < y.t;
    };
    std::sort(p_hits.begin(), p_hits.end(), by_edge);
    std::sort(q_hits.begin(), q_hits.end(), by_edge);

    double a2 = 0;
    bool whole = p_hits.empty();
    // Pieces of the parcel's boundary inside the zone.
    std::size_t h = 0;
    for (std::size_t r = 0; r < parcel.ring_count(); ++r) {
        const std::uint32_t s0 = parcel.start[r], s1 = parcel.start[r + 1];
        const std::size_t h0 = h;
        while (h < p_hits.size() && p_hits[h].edge < s1) ++h;
        bool inside = false;
        if (h == h0) {
            const int where = locate(parcel.pts[s0], scratch);
            if (where < 0) return std::nullopt;
            inside = where == 1;
            whole = whole && inside;
        } else {
            inside = !p_hits[h0].entering;
        }
        const bool at_start = inside;
        std::size_t k = h0;
        for (std::uint32_t i = s0; i < s1; ++i) {
            const XY a = parcel.pts[i], b = parcel.pts[i + 1 == s1 ? s0 : i + 1];
            XY cur = sub(a, o);
            for (; k < h && p_hits[k].edge == i; ++k) {
                if (p_hits[k].entering == inside) return std::nullopt;  // inconsistent crossings: rounding
                const XY x = sub({a.x + p_hits[k].t * (b.x - a.x), a.y + p_hits[k].t * (b.y - a.y)}, o);
                if (inside) a2 += cross(cur, x);
                inside = !inside;
                cur = x;
            }
            if (inside) a2 += cross(cur, sub(b, o));
        }
        if (inside != at_start) return std::nullopt;
    }
    // Pieces of the zone's boundary inside the parcel.
    h = 0;
    for (std::uint32_t k = 0; k < cand.size(); ++k) {
        const XY q0 = seg_start(cand[k]), q1 = seg_end(cand[k]);
        const std::size_t h0 = h;
        while (h < q_hits.size() && q_hits[h].edge == k) ++h;
        if (h == h0) {
            const int where = locate_in_rings({(q0.x + q1.x) / 2, (q0.y + q1.y) / 2}, parcel, tol);
            if (where < 0) return std::nullopt;
            if (where == 1) a2 += cross(sub(q0, o), sub(q1, o)), whole = false;
            continue;
        }
        bool inside = !q_hits[h0].entering;
        XY cur = sub(q0, o);
        for (std::size_t j = h0; j < h; ++j) {
            if (q_hits[j].entering == inside) return std::nullopt;
            const XY x = sub({q0.x + q_hits[j].t * (q1.x - q0.x), q0.y + q_hits[j].t * (q1.y - q0.y)}, o);
            if (inside) a2 += cross(cur, x);
            inside = !inside;
            cur = x;
        }
        if (inside) a2 += cross(cur, sub(q1, o));
    }
    return ClipArea{std::max(0.0, a2 / 2), whole};
}

}  // namespace citycheck::spatial::detail

namespace citycheck::spatial::detail {

std::optional<QuickPolygon> quick_simple_polygon(std::span<const unsigned char> wkb, Rings& ring) {
    if (!parse_polygonal_wkb(wkb, ring) || ring.ring_count() != 1 || ring.pts.size() > QUICK_RING_MAX_POINTS) return std::nullopt;
    const auto& p = ring.pts;
    const std::size_t n = p.size();
    const XY o = p[0];
    const auto at = [&](std::size_t i) { return sub(p[i % n], o); };
    for (std::size_t i = 0; i < n; ++i) {
        const XY a = at(i), b = at(i + 1);
        const XY e = sub(b, a);
        const double le = std::sqrt(e.x * e.x + e.y * e.y);
        if (le == 0) return std::nullopt;  // repeated point
        const Box eb = segment_box(a, b, 0.0);
        for (std::size_t j = i + 1; j < n; ++j) {
            const XY c = at(j), d = at(j + 1);
            const XY f = sub(d, c);
            const double lf = std::sqrt(f.x * f.x + f.y * f.y);
            const double eps = 1e-9 * le * lf;
            const bool next = j == i + 1, prev = i == 0 && j == n - 1;
            if (next || prev) {  // neighbours share one vertex; they must not fold onto each other
                if (std::abs(cross(e, f)) <= eps) return std::nullopt;
                continue;
            }
            if (!segment_box(c, d, 1e-9 * (le + lf)).intersects(eb)) continue;
            const double o1 = cross(e, sub(c, a)), o2 = cross(e, sub(d, a));
            const double o3 = cross(f, sub(a, c)), o4 = cross(f, sub(b, c));
            if (std::abs(o1) <= eps || std::abs(o2) <= eps || std::abs(o3) <= eps || std::abs(o4) <= eps) return std::nullopt;
            if ((o1 > 0) != (o2 > 0) && (o3 > 0) != (o4 > 0)) return std::nullopt;  // self-intersection: GEOS repairs
        }
    }
    const double a2 = rings_area2(ring, o);
    if (a2 == 0) return std::nullopt;
    return QuickPolygon{std::abs(a2) / 2, ring.box};
}

}  // namespace citycheck::spatial::detail
