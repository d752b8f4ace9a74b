// Explicit registration of every primitive of this build (no static self-registration: it is
// dropped by the linker in a static library). A new primitive is one factory and one line here.
#include <citycheck/engine/primitive.hpp>

namespace citycheck::engine {

std::unique_ptr<Primitive> make_length_density_primitive();
std::unique_ptr<Primitive> make_coverage_primitive();
std::unique_ptr<Primitive> make_share_above_primitive();
std::unique_ptr<Primitive> make_point_density_primitive();
std::unique_ptr<Primitive> make_expression_primitive();
std::unique_ptr<Primitive> make_per_capita_primitive();
std::unique_ptr<Primitive> make_zonal_primitive();
std::unique_ptr<Primitive> make_area_share_primitive();

void register_builtin_primitives(PrimitiveRegistry& r) {
    r.add(make_point_density_primitive());
    r.add(make_expression_primitive());
    r.add(make_per_capita_primitive());
    r.add(make_zonal_primitive());
    r.add(make_area_share_primitive());
    r.add(make_length_density_primitive());
    r.add(make_coverage_primitive());
    r.add(make_share_above_primitive());
}

}  // namespace citycheck::engine
