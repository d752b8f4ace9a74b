// zonal: a raster statistic per finest zone (or its part inside `within`) with exact pixel coverage
// fractions, through raster::compute_zonal. frac_* give the area where a condition holds over the
// valid covered area (green coverage: vegetated m² / zone m²), sum is extensive, mean is Σw·v / Σw,
// so every statistic rolls up by summing numerators and denominators.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/shared_inputs.hpp>
#include <citycheck/raster/ndvi.hpp>
#include <citycheck/raster/zonal.hpp>
#include <citycheck/spatial/gdal.hpp>

#include <ogr_geometry.h>

namespace citycheck::engine {

namespace {

// The finest zones (clipped to `within`) as raster zones in the raster's CRS; shared by every
// zonal indicator on rasters of that CRS.
std::shared_ptr<const raster::ZoneSet> raster_zones(const RunContext& ctx, const std::string& within, const raster::Raster& r,
                                                    const std::string& raster_name) {
    const auto& crs = r.grid().crs();
    if (crs.empty())
        throw InputError("the raster has no CRS; assign one (gdal_edit.py -a_srs EPSG:…)", ErrorContext{r.path()});
    return ctx.cache.get_or_build<raster::ZoneSet>("raster_zones:" + within + ":" + raster_name, [&]() {
        const auto clipped = shared_zones_within(ctx, within);
        spatial::Transform tr(ctx.zones.crs(), crs);
        spatial::GeosContext geos;
        auto out = std::make_shared<raster::ZoneSet>();
        out->source = "zones";
        const auto& finest = ctx.zones.finest().zones;
        for (std::size_t i = 0; i < clipped->wkb.size(); ++i) {
            raster::Zone z;
            z.id = finest[i].id;
            if (!clipped->wkb[i].empty()) {
                OGRGeometry* g = nullptr;
                if (OGRGeometryFactory::createFromWkb(clipped->wkb[i].data(), nullptr, &g, clipped->wkb[i].size()) != OGRERR_NONE || !g)
                    throw InternalError("cannot decode zone " + z.id);
                std::unique_ptr<OGRGeometry> owned(g);
                if (!tr.is_identity() && owned->transform(tr.ogr()) != OGRERR_NONE)
                    throw InputError(spatial::with_gdal_reason("cannot transform zone " + z.id + " to the raster's CRS"), ErrorContext{r.path()});
                z.wkb.resize(owned->WkbSize());
                owned->exportToWkb(wkbNDR, z.wkb.data(), wkbVariantIso);
                auto gg = geos.from_wkb(z.wkb);
                z.box = geos.envelope(*gg);
            }
            out->zones.push_back(std::move(z));
        }
        return std::shared_ptr<const raster::ZoneSet>(out);
    });
}

raster::StatSpec stat_spec(const IndicatorSpec& spec) {
    const std::string stat = spec.params.at("stat").get<std::string>();
    raster::StatSpec s;
    s.name = stat;
    if (stat == "sum") s.kind = raster::StatKind::sum;
    else if (stat == "mean") s.kind = raster::StatKind::mean;
    else if (stat == "frac_ge") s.kind = raster::StatKind::frac_ge;
    else if (stat == "frac_gt") s.kind = raster::StatKind::frac_gt;
    else if (stat == "frac_le") s.kind = raster::StatKind::frac_le;
    else if (stat == "frac_lt") s.kind = raster::StatKind::frac_lt;
    else if (stat == "frac_in") s.kind = raster::StatKind::frac_in;
    else throw UsageError("zonal: unknown stat '" + stat + "' (sum, mean, frac_ge, frac_gt, frac_le, frac_lt, frac_in)");
    if (s.is_condition() && s.kind != raster::StatKind::frac_in) {
        if (!spec.params.contains("threshold")) throw UsageError("zonal: stat " + stat + " needs threshold");
        s.threshold = spec.params.at("threshold").get<double>();
    }
    if (s.kind == raster::StatKind::frac_in) {
        if (!spec.params.contains("classes") || !spec.params.at("classes").is_array())
            throw UsageError("zonal: stat frac_in needs classes: [codes]");
        for (const auto& c : spec.params.at("classes")) s.classes.push_back(c.is_string() ? std::stod(c.get<std::string>()) : c.get<double>());
    }
    return s;
}

class Zonal : public Primitive {
  public:
    std::string name() const override { return "zonal"; }

    ZoneValues compute(const IndicatorSpec& spec, const RunContext& ctx) const override {
        const std::string raster_name = spec.params.at("raster").get<std::string>();
        const auto& ds = ctx.dataset(raster_name);
        const std::string within = spec.params.value("within", std::string());
        const auto image = ctx.cache.get_or_build<raster::Raster>("raster:" + raster_name,
                                                                  [&] { return std::make_shared<const raster::Raster>(ds.path.string()); });
        // The value source: NDVI computed on the fly from two bands, or one band.
        std::unique_ptr<raster::ValueSource> source;
        if (spec.params.contains("ndvi")) {
            const auto& nd = spec.params.at("ndvi");
            if (!nd.is_object() || !nd.contains("red") || !nd.contains("nir"))
                throw UsageError("zonal: ndvi must be {red: N, nir: N}");
            source = std::make_unique<raster::NdviSource>(*image, raster::NdviBands{nd.at("red").get<int>(), nd.at("nir").get<int>()});
        } else {
            source = std::make_unique<raster::BandSource>(*image, spec.params.value("band", 1));
        }
        const auto zones = raster_zones(ctx, within, *image, raster_name);

        raster::ZonalInput input;
        input.sources = {source.get()};
        input.stats = {stat_spec(spec)};
        raster::ZonalOptions options;
        const std::string pixels = spec.params.value("pixels", std::string("exact"));
        options.mode = pixels == "exact" ? raster::CoverageMode::fractional : raster::parse_coverage_mode(pixels);
        const auto result = raster::compute_zonal(input, *zones, options, ctx.progress);

        const auto& stat = input.stats.front();
        ZoneValues out;
        const std::size_t n = zones->zones.size();
        out.numerator.assign(n, 0.0);
        out.denominator.assign(n, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            const auto& acc = result[i][0];
            if (stat.is_condition()) {
                out.numerator[i] = acc.cond_area.empty() ? 0.0 : acc.cond_area[0];
                out.denominator[i] = acc.area;
            } else if (stat.kind == raster::StatKind::sum) {
                out.numerator[i] = acc.sum;
            } else {  // mean: Σw·v over Σw, so parents get the coverage-weighted mean
                out.numerator[i] = acc.sum;
                out.denominator[i] = acc.weight;
            }
            if (!zones->zones[i].wkb.empty() && acc.weight == 0)
                out.warnings.push_back("zone " + zones->zones[i].id + " has no valid raster data");
        }
        if (stat.kind == raster::StatKind::sum) {
            out.has_denominator = false;
            out.denominator.clear();
        }
        return out;
    }
};

}  // namespace

std::unique_ptr<Primitive> make_zonal_primitive() { return std::make_unique<Zonal>(); }

}  // namespace citycheck::engine
