// length_density: line length inside each finest zone (clipped to `within`) per zone area, e.g.
// 城区道路网密度. Numerator in metres, denominator in m²; the catalogue's km_per_km2 unit scales it.
// Lines are read once per (dataset, filter, classes) in the working CRS; each zone intersects the
// lines whose boxes meet its own (GEOS, one context per thread).
#include "network_inputs.hpp"

#include <citycheck/core/error.hpp>
#include <citycheck/core/per_thread.hpp>
#include <citycheck/engine/shared_inputs.hpp>
#include <citycheck/engine/vector_source.hpp>

#include <tbb/parallel_for.h>

namespace citycheck::engine {

namespace {
struct LineSet {
    std::vector<std::vector<unsigned char>> wkb;
    std::vector<spatial::Box> box;
};

std::shared_ptr<const LineSet> shared_lines(const RunContext& ctx, const std::string& dataset, const std::string& where,
                                            const std::string& class_field, const nlohmann::json& classes) {
    const auto& ds = ctx.dataset(dataset);
    const std::string filter = combined_where(ds.where, where);
    return ctx.cache.get_or_build<LineSet>("lines:" + dataset + ":" + filter + ":" + class_field + ":" + classes.dump(), [&]() {
        auto opened = open_vector_layer(ds, where);
        const ErrorContext where_ctx{ds.path.string(), opened.layer->GetName()};
        if (opened.crs.empty()) throw InputError("the dataset has no CRS; set datasets." + dataset + ".crs", where_ctx);
        const ClassFilter select(classes);
        int class_idx = -1;
        if (!select.all()) {
            if (class_field.empty()) throw UsageError("length_density: `classes` needs `class_field`");
            class_idx = require_field(*opened.layer, class_field, where_ctx, "line", "class_field");
        }
        spatial::Transform t(opened.crs, ctx.zones.crs());
        spatial::GeosContext geos;
        auto out = std::make_shared<LineSet>();
        for (auto& f : *opened.layer) {
            if (class_idx >= 0 && !select.matches(f->GetFieldAsString(class_idx))) continue;
            auto wkb = geometry_wkb(*f, t, opened.coords);
            if (wkb.empty()) continue;
            auto g = geos.from_wkb(wkb);
            out->box.push_back(geos.envelope(*g));
            out->wkb.push_back(std::move(wkb));
        }
        return std::shared_ptr<const LineSet>(out);
    });
}

class LengthDensity : public Primitive {
  public:
    std::string name() const override { return "length_density"; }

    ZoneValues compute(const IndicatorSpec& spec, const RunContext& ctx) const override {
        const auto lines = shared_lines(ctx, spec.params.at("lines").get<std::string>(), spec.params.value("where", std::string()),
                                        spec.params.value("class_field", std::string()),
                                        spec.params.contains("classes") ? spec.params["classes"] : nlohmann::json());
        const auto zones = shared_zones_within(ctx, spec.params.value("within", std::string()));
        const std::size_t n = zones->wkb.size();
        ZoneValues out;
        out.numerator.assign(n, 0.0);
        out.denominator = zones->area_m2;
        PerThread<spatial::GeosContext> geos_tls([] { return spatial::GeosContext(); });
        tbb::parallel_for(std::size_t(0), n, [&](std::size_t i) {
            if (zones->wkb[i].empty()) return;
            auto& geos = geos_tls.local();
            auto z = geos.from_wkb(zones->wkb[i]);
            const auto zb = geos.envelope(*z);
            auto prepared = geos.prepare(*z);
            double total = 0;  // summed in line order: deterministic
            for (std::size_t k = 0; k < lines->wkb.size(); ++k) {
                const auto& b = lines->box[k];
                if (b.xmax < zb.xmin || b.xmin > zb.xmax || b.ymax < zb.ymin || b.ymin > zb.ymax) continue;
                auto l = geos.from_wkb(lines->wkb[k]);
                if (GEOSPreparedIntersects_r(geos.get(), prepared.get(), l.get()) != 1) continue;
                if (GEOSPreparedContains_r(geos.get(), prepared.get(), l.get()) == 1) {
                    total += geos.length(*l);
                } else {
                    auto part = geos.intersection(*z, *l);
                    total += geos.length(*part);
                }
            }
            out.numerator[i] = total;
        });
        return out;
    }
};
}  // namespace

std::unique_ptr<Primitive> make_length_density_primitive() { return std::make_unique<LengthDensity>(); }

}  // namespace citycheck::engine
