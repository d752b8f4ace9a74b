// expression: arithmetic on other indicators, evaluated per zone at every level on the operands'
// rolled-up values (so a ratio of sums, never a sum of ratios).
#include <citycheck/core/error.hpp>
#include <citycheck/engine/expression.hpp>
#include <citycheck/engine/primitive.hpp>

namespace citycheck::engine {

namespace {
class ExpressionPrimitive : public Primitive {
  public:
    std::string name() const override { return "expression"; }
    bool derived() const override { return true; }
    bool scaled() const override { return false; }

    ZoneValues compute(const IndicatorSpec& spec, const RunContext& ctx) const override {
        return compute_level(spec, ctx, ctx.zones.levels().size() - 1);
    }

    ZoneValues compute_level(const IndicatorSpec& spec, const RunContext& ctx, std::size_t level) const override {
        const auto expr = Expression::parse(spec.params.at("expr").get<std::string>());
        std::vector<const IndicatorResult*> ops;
        for (const auto& id : expr.identifiers()) ops.push_back(&ctx.operand(id));
        const std::size_t n = ctx.zones.levels()[level].zones.size();
        ZoneValues out;
        out.has_denominator = expr.is_ratio();
        for (std::size_t z = 0; z < n; ++z) {
            auto lookup = [&](const std::string& id) {
                for (std::size_t k = 0; k < ops.size(); ++k)
                    if (expr.identifiers()[k] == id) return ops[k]->levels[level][z].value;
                throw InternalError("unknown operand " + id);
            };
            const auto [num, den] = expr.evaluate_parts(lookup);
            out.numerator.push_back(num);
            if (out.has_denominator) out.denominator.push_back(den);
        }
        return out;
    }
};
}  // namespace

std::unique_ptr<Primitive> make_expression_primitive() { return std::make_unique<ExpressionPrimitive>(); }

}  // namespace citycheck::engine
