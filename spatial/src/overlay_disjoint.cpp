// Exact disjointness of two polygons' interiors from their segments (see overlay_disjoint.hpp).
#include "overlay_disjoint.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace citycheck::spatial::detail {

namespace {

// Sign of the orientation of c relative to the line a → b (+1 left, -1 right) when rounding cannot
// have changed it; 0 otherwise, including an exact 0. The error bound is Shewchuk's for orient2d.
int certain_orientation(XY a, XY b, XY c) {
    constexpr double eps = std::numeric_limits<double>::epsilon() / 2;
    constexpr double bound = (3.0 + 16.0 * eps) * eps;
    const double l = (a.x - c.x) * (b.y - c.y), r = (a.y - c.y) * (b.x - c.x);
    const double det = l - r, err = bound * (std::abs(l) + std::abs(r));
    return det > err ? 1 : det < -err ? -1 : 0;
}

bool same(XY p, XY q) { return p.x == q.x && p.y == q.y; }

// Two segments that leave the shared point o towards u and v meet only at o: they are not
// collinear, or they point in opposite directions (a straight boundary running on through a
// shared vertex). False when that cannot be certified.
bool meet_only_at(XY o, XY u, XY v) {
    if (certain_orientation(o, u, v) != 0) return true;
    // Nearly collinear: opposite directions when the dot product is clearly negative.
    const double px = (u.x - o.x) * (v.x - o.x), py = (u.y - o.y) * (v.y - o.y);
    return px + py < -4 * std::numeric_limits<double>::epsilon() * (std::abs(px) + std::abs(py));
}

enum class Meet { apart, twin, unknown };

// How segment p0–p1 (of one polygon) and q0–q1 (of the other) meet: `apart` when they share at
// most an endpoint and nothing else, `twin` when q is p reversed (a shared edge), `unknown` for
// anything else (crossing, touching, overlapping, or too close to tell).
Meet meet(XY p0, XY p1, XY q0, XY q1) {
    if (!segment_box(p0, p1).intersects(segment_box(q0, q1))) return Meet::apart;
    const bool s00 = same(p0, q0), s01 = same(p0, q1), s10 = same(p1, q0), s11 = same(p1, q1);
    if (s01 && s10) return Meet::twin;
    if ((s00 && s11) || (s00 && s01) || (s10 && s11)) return Meet::unknown;  // the same edge, or degenerate
    if (s00) return meet_only_at(p0, p1, q1) ? Meet::apart : Meet::unknown;
    if (s01) return meet_only_at(p0, p1, q0) ? Meet::apart : Meet::unknown;
    if (s10) return meet_only_at(p1, p0, q1) ? Meet::apart : Meet::unknown;
    if (s11) return meet_only_at(p1, p0, q0) ? Meet::apart : Meet::unknown;
    // No shared endpoint: apart when one segment lies strictly on one side of the other's line.
    const int o1 = certain_orientation(p0, p1, q0), o2 = certain_orientation(p0, p1, q1);
    if (o1 != 0 && o1 == o2) return Meet::apart;
    const int o3 = certain_orientation(q0, q1, p0), o4 = certain_orientation(q0, q1, p1);
    if (o3 != 0 && o3 == o4) return Meet::apart;
    return Meet::unknown;
}

template <class Fn>
void for_each_segment(const Rings& r, Fn&& fn) {
    for (std::size_t k = 0; k < r.ring_count(); ++k) {
        const std::uint32_t s0 = r.start[k], s1 = r.start[k + 1];
        for (std::uint32_t i = s0; i < s1; ++i) fn(r.pts[i], r.pts[i + 1 == s1 ? s0 : i + 1]);
    }
}

double max_abs_coordinate(const Box& b) { return std::max({std::abs(b.xmin), std::abs(b.xmax), std::abs(b.ymin), std::abs(b.ymax)}); }

// Every segment of `a` near `b` is a reversed edge of `b`, or meets b's boundary at most in shared
// vertices and lies outside b (its midpoint, farther than the tolerance from b's boundary).
bool boundary_stays_outside(const Rings& a, const Rings& b, double tol) {
    bool ok = true;
    for_each_segment(a, [&](XY p0, XY p1) {
        if (!ok || !segment_box(p0, p1).intersects(b.box)) return;  // away from b: outside it
        bool twin = false;
        for_each_segment(b, [&](XY q0, XY q1) {
            if (!ok) return;
            const Meet m = meet(p0, p1, q0, q1);
            if (m == Meet::unknown) ok = false;
            twin = twin || m == Meet::twin;
        });
        if (!ok || twin) return;
        const XY m{(p0.x + p1.x) / 2, (p0.y + p1.y) / 2};
        const bool beside = m.x < b.box.xmin - tol || m.x > b.box.xmax + tol || m.y < b.box.ymin - tol || m.y > b.box.ymax + tol;
        ok = beside || locate_in_rings(m, b, tol) == 0;
    });
    return ok;
}

std::size_t segments_meeting(const Rings& r, const Box& box) {
    std::size_t n = 0;
    for_each_segment(r, [&](XY p, XY q) { n += segment_box(p, q).intersects(box); });
    return n;
}

}  // namespace

bool interiors_certainly_disjoint(const Rings& a, const Rings& b) {
    if (a.ring_count() == 0 || b.ring_count() == 0) return false;
    const auto finite = [](const Box& x) { return std::isfinite(x.xmin) && std::isfinite(x.ymin) && std::isfinite(x.xmax) && std::isfinite(x.ymax); };
    if (!finite(a.box) || !finite(b.box)) return false;  // NaN compares false everywhere: prove nothing
    if (!a.box.intersects(b.box)) return true;
    // Each segment near the other box is tested against every segment of the other polygon.
    const std::size_t work = segments_meeting(a, b.box) * b.pts.size() + segments_meeting(b, a.box) * a.pts.size();
    if (work > DISJOINT_MAX_WORK) return false;
    // Farther than this from a boundary, the crossing count of a rounded midpoint is exact.
    const double tol = 1e-6 + 1e-13 * std::max(max_abs_coordinate(a.box), max_abs_coordinate(b.box));
    return boundary_stays_outside(a, b, tol) && boundary_stays_outside(b, a, tol);
}

}  // namespace citycheck::spatial::detail
