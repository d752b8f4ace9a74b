// area_share: area of land classes per finest zone (or its part inside `within`) from an exact
// overlay of the zones with land parcels (spatial::overlay). The overlay (area by raw code per
// zone) is cached per (dataset, code field, area basis, within), so every 三调 area indicator of a
// run reuses one overlay; the class selection is applied afterwards on the raw codes.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/shared_inputs.hpp>
#include <citycheck/spatial/overlay.hpp>

#include <regex>

namespace citycheck::engine {

namespace {

// A code selection: every code, a list (a two-character code matches its subclasses), or a regex.
class CodeSet {
  public:
    CodeSet(const nlohmann::json& j, const std::string& param) {
        if (j.is_string() && j.get<std::string>() == "all") {
            m_all = true;
        } else if (j.is_string() && j.get<std::string>() == "zone") {
            m_zone = true;
        } else if (j.is_object() && j.contains("regex") && j.at("regex").is_string()) {
            m_has_regex = true;
            try {
                m_regex = std::regex(j.at("regex").get<std::string>());
            } catch (const std::regex_error& e) {
                throw UsageError("area_share: bad regex in " + param + ": " + e.what());
            }
        } else if (j.is_array()) {
            for (const auto& c : j) m_codes.push_back(c.is_string() ? c.get<std::string>() : c.dump());
        } else {
            throw UsageError("area_share: " + param + " must be a list of codes, {regex: …} or all");
        }
    }
    bool all() const noexcept { return m_all; }
    bool zone() const noexcept { return m_zone; }
    bool matches(const std::string& code) const {
        if (m_all) return true;
        if (m_has_regex) return std::regex_search(code, m_regex);
        for (const auto& c : m_codes)
            if (code == c || (c.size() == 2 && code.rfind(c, 0) == 0)) return true;
        return false;
    }

  private:
    bool m_all = false, m_zone = false, m_has_regex = false;
    std::regex m_regex;
    std::vector<std::string> m_codes;
};

struct ZoneOverlay {
    spatial::OverlayResult result;
    std::vector<std::size_t> row;  // finest zone → row in result (npos: nothing of the zone inside `within`)
};
constexpr std::size_t NONE = static_cast<std::size_t>(-1);

std::shared_ptr<const ZoneOverlay> shared_overlay(const RunContext& ctx, const std::string& dataset, const std::string& code_field,
                                                  const std::string& area, const std::string& within) {
    const auto& ds = ctx.dataset(dataset);
    const std::string key = "overlay:" + dataset + ":" + code_field + ":" + area + ":" + within;
    return ctx.cache.get_or_build<ZoneOverlay>(key, [&]() {
        const auto spec = spatial::AreaSpec::parse(area);
        spatial::ParcelSource src;
        src.path = ds.path.string();
        src.layer = ds.layer;
        src.code_field = code_field;
        src.area_field = spec.field;
        src.where = ds.where;
        src.crs = ds.crs;
        src.encoding = ds.encoding;
        const auto parcels = spatial::load_parcels(src, spec, ctx.progress);
        const auto clipped = shared_zones_within(ctx, within);
        const auto& finest = ctx.zones.finest().zones;
        auto out = std::make_shared<ZoneOverlay>();
        std::vector<std::string> ids;
        std::vector<std::vector<unsigned char>> wkb;
        out->row.assign(clipped->wkb.size(), NONE);
        for (std::size_t i = 0; i < clipped->wkb.size(); ++i) {
            if (clipped->wkb[i].empty()) continue;
            out->row[i] = ids.size();
            ids.push_back(finest[i].id);
            wkb.push_back(clipped->wkb[i]);
        }
        const auto zones = spatial::make_zones(ids, wkb, ctx.zones.crs(), parcels.crs);
        // Overlapping parcels count twice: the check is cheap on a clean tessellation (shared edges
        // are proved apart without GEOS), and each indicator over this overlay warns of them.
        spatial::OverlayOptions options;
        options.check_overlaps = true;
        out->result = spatial::overlay(zones, parcels, options, ctx.progress);
        return std::shared_ptr<const ZoneOverlay>(out);
    });
}

class AreaShare : public Primitive {
  public:
    std::string name() const override { return "area_share"; }

    ZoneValues compute(const IndicatorSpec& spec, const RunContext& ctx) const override {
        const std::string dataset = spec.params.at("landuse").get<std::string>();
        const std::string within = spec.params.value("within", std::string());
        const std::string area = spec.params.value("area", std::string("planar"));
        const std::string output = spec.params.value("output", std::string("share"));
        const CodeSet classes(spec.params.at("classes"), "classes");
        const CodeSet over(spec.params.value("over", nlohmann::json("zone")), "over");
        const std::size_t n = ctx.zones.finest().zones.size();
        ZoneValues out;
        out.numerator.assign(n, 0.0);
        out.denominator.assign(n, 0.0);

        if (classes.all() && !spec.params.contains("code_field")) {
            // Polygons without a class field (建成区, shelters): the area of their union in each zone.
            if (area != "planar") throw UsageError("area_share: classes: all without code_field supports area: planar only");
            polygon_area(ctx, dataset, within, out);
        } else {
            const std::string code_field = spec.params.value("code_field", std::string("DLBM"));
            const auto ov = shared_overlay(ctx, dataset, code_field, area, within);
            const auto& r = ov->result;
            std::vector<char> num_code(r.codes.size()), den_code(r.codes.size());
            for (std::size_t c = 0; c < r.codes.size(); ++c) {
                num_code[c] = classes.matches(r.codes[c]);
                den_code[c] = !over.zone() && over.matches(r.codes[c]);
            }
            for (std::size_t i = 0; i < n; ++i) {
                const auto z = ov->row[i];
                if (z == NONE) continue;
                for (std::size_t c = 0; c < r.codes.size(); ++c) {
                    if (num_code[c]) out.numerator[i] += r.code_area_in_zone(z, c);
                    if (den_code[c]) out.denominator[i] += r.code_area_in_zone(z, c);
                }
                if (over.zone()) out.denominator[i] = r.zone_area[z];
            }
            if (const auto& o = r.overlaps; o.pairs > 0) {
                std::string example;
                if (!o.examples.empty())
                    example = ", e.g. features " + std::to_string(o.examples[0].first) + " and " + std::to_string(o.examples[0].second);
                out.warnings.push_back(std::to_string(o.pairs) + " pair(s) of parcels in '" + dataset + "' overlap (" +
                                       std::to_string(o.doubly_counted_m2) + " m² counted twice" + example +
                                       "); `citycheck landuse --report` lists them");
            }
        }
        if (output == "area") {
            out.has_denominator = false;
            out.denominator.clear();
        }
        return out;
    }

  private:
    static void polygon_area(const RunContext& ctx, const std::string& dataset, const std::string& within, ZoneValues& out) {
        const auto u = shared_polygon_union(ctx, dataset);
        const auto clipped = shared_zones_within(ctx, within);
        spatial::GeosContext geos;
        auto polys = geos.from_wkb(*u);
        for (std::size_t i = 0; i < clipped->wkb.size(); ++i) {
            if (clipped->wkb[i].empty()) continue;
            auto z = geos.from_wkb(clipped->wkb[i]);
            auto inter = geos.own(GEOSIntersection_r(geos.get(), z.get(), polys.get()), "intersection");
            double a = 0;
            GEOSArea_r(geos.get(), inter.get(), &a);
            out.numerator[i] = a;
            out.denominator[i] = clipped->area_m2[i];
        }
    }
};

}  // namespace

std::unique_ptr<Primitive> make_area_share_primitive() { return std::make_unique<AreaShare>(); }

}  // namespace citycheck::engine
