// per_capita (glue form): the ratio of two extensive indicators, e.g. park area (m²) over
// population. Operands' finest-zone values are the numerator and denominator, so the roll-up sums
// areas and people separately and divides at each level.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/primitive.hpp>

namespace citycheck::engine {

namespace {
class PerCapita : public Primitive {
  public:
    std::string name() const override { return "per_capita"; }
    bool scaled() const override { return false; }  // operands are already in their units

    ZoneValues compute(const IndicatorSpec& spec, const RunContext& ctx) const override {
        const auto& a = ctx.operand(spec.params.at("numerator").get<std::string>());
        const auto& b = ctx.operand(spec.params.at("denominator").get<std::string>());
        for (const auto* r : {&a, &b})
            if (!r->extensive)
                throw UsageError("per_capita operand '" + r->id + "' is a ratio; per_capita needs extensive quantities (areas, lengths, counts, population)");
        const auto& fa = a.levels.back();
        const auto& fb = b.levels.back();
        ZoneValues out;
        for (std::size_t i = 0; i < fa.size(); ++i) {
            out.numerator.push_back(fa[i].value);
            out.denominator.push_back(fb[i].value);
        }
        return out;
    }
};
}  // namespace

std::unique_ptr<Primitive> make_per_capita_primitive() { return std::make_unique<PerCapita>(); }

}  // namespace citycheck::engine
