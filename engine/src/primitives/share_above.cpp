// share_above: land where population density exceeds a threshold (人口密度超过每平方公里1.5万人的
// 城市建设用地规模). The population source (a raster resampled sum-preserving, census polygons by
// areal weighting or dasymetric onto `residential` land, or heat/points summed per cell; see
// population_source.hpp) becomes a grid of `cell_m` aligned to the working CRS; a cell is dense when persons / (cell area × land share) exceeds the
// threshold, where the land share is the cell's part covered by the selected `landuse` classes
// (construction land) or 1 without landuse. Numerator: zone land (m², only the counted share) in
// dense cells; denominator: none (output area) or the zone area (output share).
#include "network_inputs.hpp"

#include <algorithm>

#include <citycheck/core/error.hpp>
#include <citycheck/engine/population_source.hpp>
#include <citycheck/engine/shared_inputs.hpp>
#include <citycheck/engine/vector_source.hpp>
#include <citycheck/raster/population_stats.hpp>

namespace citycheck::engine {

namespace {

// Polygons of the selected land classes (WKB in the working CRS).
std::vector<std::vector<unsigned char>> class_polygons(const RunContext& ctx, const std::string& dataset,
                                                       const ClassFilter& select, const std::string& code_field) {
    const auto& ds = ctx.dataset(dataset);
    auto opened = open_vector_layer(ds);
    const ErrorContext where{ds.path.string(), opened.layer->GetName()};
    if (opened.crs.empty()) throw InputError("the dataset has no CRS; set datasets." + dataset + ".crs", where);
    int idx = -1;
    if (!select.all()) {
        idx = require_field(*opened.layer, code_field, where, "land-use", "code_field");
    }
    spatial::Transform t(opened.crs, ctx.zones.crs());
    std::vector<std::vector<unsigned char>> polys;
    for (auto& f : *opened.layer) {
        if (idx >= 0 && !select.matches(f->GetFieldAsString(idx))) continue;
        auto wkb = geometry_wkb(*f, t, opened.coords);
        if (!wkb.empty()) polys.push_back(std::move(wkb));
    }
    return polys;
}

struct DensityGrid {
    raster::PopulationGrid pop;
};

// The run's population grid from whatever source the `population` dataset is (raster, census
// polygons by areal weighting or dasymetric, heat/points), built once per parameter set.
std::shared_ptr<const DensityGrid> shared_population_grid(const RunContext& ctx, const IndicatorSpec& spec, double cell_m) {
    const auto& p = spec.params;
    const std::string dataset = p.at("population").get<std::string>();
    const auto& ds = ctx.dataset(dataset);
    PopulationSource src = population_source_of(ds);
    src.count_field = p.value("count_field", std::string());
    src.coords = spatial::parse_coord_system(p.value("coords", std::string("wgs84")));
    const std::string residential = p.value("residential", std::string());
    const nlohmann::json rclasses = p.contains("residential_classes") ? p["residential_classes"] : nlohmann::json::array({"0701", "0702"});
    const std::string code_field = p.value("code_field", std::string("DLBM"));
    const std::string key = "population-grid:" + dataset + ":" + std::to_string(cell_m) + ":" + src.count_field + ":" +
                            p.value("coords", std::string("wgs84")) + ":" + residential + ":" + rclasses.dump() + ":" + code_field;
    return ctx.cache.get_or_build<DensityGrid>(key, [&]() {
        if (!residential.empty()) src.residential = class_polygons(ctx, residential, ClassFilter(rclasses), code_field);
        auto out = std::make_shared<DensityGrid>();
        out->pop = population_grid_from_source(src, ctx.zones.crs(), ctx.zones.extent(), cell_m).grid;
        return std::shared_ptr<const DensityGrid>(out);
    });
}

// Per-cell share of the selected land classes.
std::vector<double> land_share(const RunContext& ctx, const std::string& dataset, const ClassFilter& select,
                               const std::string& code_field, const raster::Grid& grid) {
    auto share = raster::land_share_from_polygons(class_polygons(ctx, dataset, select, code_field), grid);
    for (auto& s : share) s = std::min(s, 1.0);
    return share;
}

class ShareAbove : public Primitive {
  public:
    std::string name() const override { return "share_above"; }

    ZoneValues compute(const IndicatorSpec& spec, const RunContext& ctx) const override {
        const auto& p = spec.params;
        const ClassFilter select(p.contains("classes") ? p["classes"] : nlohmann::json());  // bad classes fail before any reading
        (void)ctx.dataset_param(spec, "population");
        const double cell_m = p.value("cell_m", 100.0);
        const auto grid = shared_population_grid(ctx, spec, cell_m);
        const auto zones = shared_zones_within(ctx, p.value("within", std::string()));

        raster::DensityOptions options;
        options.threshold_per_km2 = p.at("threshold_per_km2").get<double>();
        std::vector<double> share;
        if (p.contains("landuse")) {
            share = land_share(ctx, p["landuse"].get<std::string>(), select,
                               p.value("code_field", std::string("DLBM")), grid->pop.grid);
            options.land_share = share;
        }
        // Zones with nothing inside `within` have no cells (and empty WKB).
        std::vector<std::vector<unsigned char>> wkb;
        std::vector<std::size_t> index;
        for (std::size_t i = 0; i < zones->wkb.size(); ++i)
            if (!zones->wkb[i].empty()) {
                wkb.push_back(zones->wkb[i]);
                index.push_back(i);
            }
        const auto cells = raster::zone_cell_areas(wkb, grid->pop.grid);
        const auto stats = raster::zone_population(grid->pop, cells, options);

        ZoneValues out;
        out.numerator.assign(zones->wkb.size(), 0.0);
        for (std::size_t k = 0; k < stats.size(); ++k) out.numerator[index[k]] = stats[k].area_above_threshold_km2 * 1e6;
        if (p.value("output", std::string("area")) == "share") {
            out.denominator = zones->area_m2;
        } else {
            out.has_denominator = false;
        }
        return out;
    }
};
}  // namespace

std::unique_ptr<Primitive> make_share_above_primitive() { return std::make_unique<ShareAbove>(); }

}  // namespace citycheck::engine
