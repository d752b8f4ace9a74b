// The zone loop of the land-use overlay, the overlap check and the classification by scheme.
#include "overlay_clip_area.hpp"
#include "overlay_disjoint.hpp"
#include "overlay_internal.hpp"

#include <citycheck/core/error.hpp>
#include <citycheck/core/per_thread.hpp>
#include <citycheck/spatial/overlay.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace citycheck::spatial {

namespace {

constexpr std::size_t MAX_EXAMPLES = 20;
// Overlaps smaller than this (m², planar) are floating-point noise along shared edges.
constexpr double OVERLAP_NOISE_M2 = 1e-6;

struct ZoneWorker {
    GeosContext ctx;
    std::optional<Transform> to_lonlat;
    std::vector<std::uint32_t> candidates;
    detail::Rings parcel;
    detail::ClipScratch scratch;
};

std::string describe_basis(const AreaSpec& a, const Crs& crs) {
    switch (a.basis) {
    case AreaBasis::planar: return "planar " + crs.to_user_string().substr(0, 40);
    case AreaBasis::ellipsoidal: return "ellipsoidal CGCS2000";
    case AreaBasis::field:
        return "field " + a.field + " apportioned by planar share in " + crs.to_user_string().substr(0, 40) +
               "; zone area ellipsoidal CGCS2000";
    }
    return {};
}

}  // namespace

double OverlayResult::coded_area(std::size_t zone) const {
    double s = 0;
    for (std::size_t c = 0; c < codes.size(); ++c) s += area[zone * codes.size() + c];
    return s;
}

OverlayResult overlay(const OverlayZones& zones_in, const ParcelSet& parcels, const OverlayOptions& options, const Progress& progress) {
    // Zones in another CRS are brought to the parcels' working CRS first.
    std::optional<OverlayZones> reprojected;
    if (!zones_in.crs.empty() && !parcels.crs.empty() && !zones_in.crs.same_as(parcels.crs))
        reprojected = make_zones(zones_in.ids, zones_in.wkb, zones_in.crs, parcels.crs);
    const OverlayZones& zones = reprojected ? *reprojected : zones_in;

    OverlayResult out;
    out.area_spec = parcels.area;
    out.basis_text = describe_basis(parcels.area, parcels.crs);
    out.zone_ids = zones.ids;
    out.codes = parcels.codes;
    const std::size_t nz = zones.ids.size(), nc = parcels.codes.size();
    out.zone_area.assign(nz, 0.0);
    out.area.assign(nz * nc, 0.0);
    out.code_parcels.assign(nc, 0);
    out.code_area.assign(nc, 0.0);
    for (std::size_t i = 0; i < parcels.size(); ++i) {  // serial, fixed order
        ++out.code_parcels[parcels.code_of[i]];
        out.code_area[parcels.code_of[i]] += parcels.basis_area[i];
    }

    const AreaBasis basis = parcels.area.basis;
    const bool naive = options.algorithm == OverlayAlgorithm::naive;
    const Crs work = parcels.crs;
    PerThread<ZoneWorker> workers([&] {
        ZoneWorker w{GeosContext(), std::nullopt, {}, {}, {}};
        if (basis != AreaBasis::planar) w.to_lonlat.emplace(work, detail::cgcs2000_geographic());
        return w;
    });
    std::vector<OverlayStats> stats(nz);
    const Progress zone_progress = progress.scaled(0.0, options.check_overlaps ? 0.7 : 1.0);  // outlives the counter
    ProgressCounter counter(zone_progress, nz, "overlaying zones");
    // One task per zone; each zone's sums run in ascending parcel order on one thread, so the
    // result is the same for any number of threads.
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nz, 1), [&](const tbb::blocked_range<std::size_t>& r) {
        ZoneWorker& w = workers.local();
        const auto& ctx = w.ctx;
        for (std::size_t z = r.begin(); z != r.end(); ++z) {
            GeomPtr zone = ctx.from_wkb(zones.wkb[z]);
            const Box zbox = ctx.envelope(*zone);
            out.zone_area[z] = basis == AreaBasis::planar ? ctx.area(*zone) : detail::geodesic_area(ctx, *zone, *w.to_lonlat);
            // Indexed: the area of parcel ∩ zone from the boundaries' crossings; GEOS clips only where
            // that is degenerate (edges along the zone boundary) or where the piece itself is needed
            // (ellipsoidal areas).
            std::optional<detail::ZoneBoundary> boundary;
            if (!naive) {
                detail::Rings zr;
                if (detail::parse_polygonal_wkb(zones.wkb[z], zr)) boundary.emplace(std::move(zr));
            }
            PreparedPtr prepared;  // made on first need
            w.candidates.clear();
            parcels.index.query(zbox, w.candidates);
            double* acc = out.area.data() + z * nc;
            OverlayStats& st = stats[z];
            st.candidates = w.candidates.size();
            for (const std::uint32_t j : w.candidates) {
                // Most parcels lie well inside or outside: their box says so, their geometry is not read.
                if (boundary)
                    if (const int side = boundary->box_side(parcels.boxes[j], w.scratch); side >= 0) {
                        if (side == 1) {
                            acc[parcels.code_of[j]] += parcels.basis_area[j];
                            ++st.contained;
                        }
                        continue;
                    }
                std::optional<detail::ClipArea> fast;
                if (boundary && detail::parse_polygonal_wkb(parcels.geometry(j), w.parcel))
                    fast = boundary->clip_area(w.parcel, w.scratch);
                if (fast && fast->whole) {  // wholly inside: counted whole, no clipping, no re-measuring
                    acc[parcels.code_of[j]] += parcels.basis_area[j];
                    ++st.contained;
                    continue;
                }
                if (fast && fast->area <= 0) continue;  // no common interior
                if (fast && basis != AreaBasis::ellipsoidal) {
                    ++st.clipped;
                    acc[parcels.code_of[j]] += basis == AreaBasis::planar ? fast->area
                                               : parcels.planar_area[j] > 0
                                                   ? parcels.field_area[j] * (fast->area / parcels.planar_area[j])
                                                   : 0.0;
                    continue;
                }
                GeomPtr parcel = ctx.from_wkb(parcels.geometry(j));
                if (!naive && !fast) {
                    if (!prepared) prepared = ctx.prepare(*zone);
                    if (zbox.contains(parcels.boxes[j]) && GEOSPreparedContains_r(ctx.get(), prepared.get(), parcel.get()) == 1) {
                        acc[parcels.code_of[j]] += parcels.basis_area[j];
                        ++st.contained;
                        continue;
                    }
                    if (GEOSPreparedIntersects_r(ctx.get(), prepared.get(), parcel.get()) != 1) continue;
                }
                GeomPtr piece = ctx.intersection(*zone, *parcel);
                ++st.clipped;
                if (!naive) ++st.clipped_by_geos;
                if (GEOSisEmpty_r(ctx.get(), piece.get()) == 1) continue;
                double a = 0;
                switch (basis) {
                case AreaBasis::planar: a = ctx.area(*piece); break;
                case AreaBasis::ellipsoidal: a = detail::geodesic_area(ctx, *piece, *w.to_lonlat); break;
                case AreaBasis::field:
                    a = parcels.planar_area[j] > 0 ? parcels.field_area[j] * (ctx.area(*piece) / parcels.planar_area[j]) : 0.0;
                    break;
                }
                acc[parcels.code_of[j]] += a;
            }
            counter.step();
        }
    });
    for (const auto& s : stats) {
        out.stats.candidates += s.candidates;
        out.stats.contained += s.contained;
        out.stats.clipped += s.clipped;
        out.stats.clipped_by_geos += s.clipped_by_geos;
    }
    if (options.check_overlaps) out.overlaps = find_overlaps(parcels, progress.scaled(0.7, 1.0));
    return out;
}

namespace {

struct OverlapFound {
    std::uint32_t other;
    double area;
};

// One thread's GEOS context and buffers for the overlap check.
struct OverlapWorker {
    GeosContext ctx;
    std::vector<std::uint32_t> candidates;
    detail::Rings ri, rj;
};

// The parcels j > i among the candidates whose interiors overlap parcel i's, with the area.
void overlaps_of(const ParcelSet& parcels, std::uint32_t i, OverlapWorker& w, std::vector<OverlapFound>& out) {
    const auto& ctx = w.ctx;
    GeomPtr gi;
    PreparedPtr pi;
    int ri_parsed = -1;  // parsed into w.ri: -1 not yet, 0 failed, 1 done
    const Box& bi = parcels.boxes[i];
    for (const std::uint32_t j : w.candidates) {
        if (j <= i) continue;
        const Box& bj = parcels.boxes[j];
        // Interiors can only overlap where the boxes overlap with positive area.
        if (std::min(bi.xmax, bj.xmax) <= std::max(bi.xmin, bj.xmin) || std::min(bi.ymax, bj.ymax) <= std::max(bi.ymin, bj.ymin)) continue;
        // Neighbours in a clean tessellation share edges: proved apart without GEOS.
        if (ri_parsed < 0) ri_parsed = detail::parse_polygonal_wkb(parcels.geometry(i), w.ri);
        if (ri_parsed && detail::parse_polygonal_wkb(parcels.geometry(j), w.rj) && detail::interiors_certainly_disjoint(w.ri, w.rj))
            continue;
        if (!gi) {
            gi = ctx.from_wkb(parcels.geometry(i));
            pi = ctx.prepare(*gi);
        }
        GeomPtr gj = ctx.from_wkb(parcels.geometry(j));
        if (GEOSPreparedIntersects_r(ctx.get(), pi.get(), gj.get()) != 1) continue;
        // Neighbours in a tessellation touch; only pairs whose interiors meet are clipped.
        const char interiors = GEOSRelatePattern_r(ctx.get(), gi.get(), gj.get(), "T********");
        ctx.check(interiors != 2, "relate parcels");
        if (interiors != 1) continue;
        const double a = ctx.area(*ctx.intersection(*gi, *gj));
        if (a > OVERLAP_NOISE_M2) out.push_back({j, a});
    }
}

}  // namespace

OverlapReport find_overlaps(const ParcelSet& parcels, const Progress& progress) {
    const std::size_t n = parcels.size();
    std::vector<std::vector<OverlapFound>> found(n);
    PerThread<OverlapWorker> workers([] { return OverlapWorker{GeosContext(), {}, {}, {}}; });
    ProgressCounter counter(progress, n, "checking parcel overlaps");
    // Parcels in packed groups of neighbours: one index query per group, then each parcel of the
    // group against the group's candidates (ascending, so each parcel's pairs come in order).
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, parcels.index.group_count(), 16), [&](const tbb::blocked_range<std::size_t>& r) {
        OverlapWorker& w = workers.local();
        std::size_t done = 0;
        for (std::size_t g = r.begin(); g != r.end(); ++g) {
            w.candidates.clear();
            parcels.index.query(parcels.index.group_box(g), w.candidates);
            for (const std::uint32_t i : parcels.index.group_items(g)) overlaps_of(parcels, i, w, found[i]), ++done;
        }
        counter.step(done);
    });
    OverlapReport rep;
    rep.checked = true;
    for (std::size_t i = 0; i < n; ++i)
        for (const auto& f : found[i]) {
            ++rep.pairs;
            rep.doubly_counted_m2 += f.area;
            if (rep.examples.size() < MAX_EXAMPLES) rep.examples.emplace_back(parcels.fid[i], parcels.fid[f.other]);
        }
    return rep;
}

LandTable classify(const OverlayResult& result, const LandScheme& scheme) {
    LandTable t;
    t.scheme = &scheme;
    t.zones = result.zone_ids.size();
    const std::size_t ncls = scheme.classes().size(), ngrp = scheme.groups().size(), nc = result.codes.size();
    std::vector<std::optional<std::size_t>> cls_of(nc);
    std::map<std::string, UnknownCode> unknown;
    for (std::size_t c = 0; c < nc; ++c) {
        cls_of[c] = scheme.classify(result.codes[c]);
        if (!cls_of[c]) {
            auto& u = unknown[result.codes[c]];
            u.code = result.codes[c];
            u.parcels += result.code_parcels[c];
            u.layer_area += result.code_area[c];
        }
    }
    // Which groups each class belongs to.
    std::vector<std::vector<std::size_t>> groups_of(ncls);
    for (std::size_t g = 0; g < ngrp; ++g)
        for (const auto c : scheme.groups()[g].classes) groups_of[c].push_back(g);
    t.class_area.assign(t.zones * ncls, 0.0);
    t.group_area.assign(t.zones * ngrp, 0.0);
    t.unknown_area.assign(t.zones, 0.0);
    for (std::size_t z = 0; z < t.zones; ++z) {
        for (std::size_t c = 0; c < nc; ++c) {  // fixed code order: deterministic sums
            const double a = result.area[z * nc + c];
            if (a == 0.0) continue;
            if (cls_of[c]) {
                t.class_area[z * ncls + *cls_of[c]] += a;
            } else {
                t.unknown_area[z] += a;
                unknown[result.codes[c]].zones_area += a;
            }
        }
        for (std::size_t k = 0; k < ncls; ++k)
            for (const auto g : groups_of[k]) t.group_area[z * ngrp + g] += t.class_area[z * ncls + k];
    }
    for (auto& [code, u] : unknown) t.unknown.push_back(u);
    return t;
}

}  // namespace citycheck::spatial
