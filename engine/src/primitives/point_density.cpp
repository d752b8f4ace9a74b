// point_density: points per km² of zone (or of its part inside `within`). Points per zone are
// counted with GEOS prepared containment after an x-sorted range prefilter on the zone's box.
#include <citycheck/core/per_thread.hpp>
#include <citycheck/engine/shared_inputs.hpp>

#include <algorithm>

#include <tbb/parallel_for.h>

namespace citycheck::engine {

namespace {
class PointDensity : public Primitive {
  public:
    std::string name() const override { return "point_density"; }

    ZoneValues compute(const IndicatorSpec& spec, const RunContext& ctx) const override {
        const std::string points_name = spec.params.at("points").get<std::string>();
        const std::string where = spec.params.value("where", std::string());
        const std::string within = spec.params.value("within", std::string());
        const auto points = shared_points(ctx, points_name, where);
        const auto zones = shared_zones_within(ctx, within);
        const std::size_t n = zones->wkb.size();
        ZoneValues out;
        out.numerator.assign(n, 0.0);
        out.denominator = zones->area_m2;
        std::vector<std::vector<std::size_t>> on_edge(n);  // points on the zone's boundary
        PerThread<spatial::GeosContext> geos_tls([] { return spatial::GeosContext(); });
        tbb::parallel_for(std::size_t(0), n, [&](std::size_t i) {
            if (zones->wkb[i].empty()) return;
            auto& geos = geos_tls.local();
            auto g = geos.from_wkb(zones->wkb[i]);
            const auto box = geos.envelope(*g);
            auto prepared = geos.prepare(*g);
            const auto lo = std::lower_bound(points->x.begin(), points->x.end(), box.xmin) - points->x.begin();
            const auto hi = std::upper_bound(points->x.begin(), points->x.end(), box.xmax) - points->x.begin();
            std::size_t count = 0;
            for (auto k = lo; k < hi; ++k) {
                const auto j = static_cast<std::size_t>(k);
                const double y = points->y[j];
                if (y < box.ymin || y > box.ymax) continue;
                auto pt = geos.make_point(points->x[j], y);
                if (GEOSPreparedContains_r(geos.get(), prepared.get(), pt.get()) == 1)
                    ++count;
                else if (GEOSPreparedCovers_r(geos.get(), prepared.get(), pt.get()) == 1)
                    on_edge[i].push_back(j);
            }
            out.numerator[i] = static_cast<double>(count);
        });
        // A point on a shared edge counts once, for the first zone (in zone order) touching it, so
        // that children's counts add up to their parent's.
        std::vector<char> taken(points->x.size(), 0);
        for (std::size_t i = 0; i < n; ++i)
            for (auto j : on_edge[i])
                if (!taken[j]) {
                    taken[j] = 1;
                    out.numerator[i] += 1.0;
                }
        return out;
    }
};
}  // namespace

std::unique_ptr<Primitive> make_point_density_primitive() { return std::make_unique<PointDensity>(); }

}  // namespace citycheck::engine
