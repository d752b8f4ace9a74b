// Explicit registration of every primitive of this build (no static self-registration: it is
// dropped by the linker in a static library). Wiring a real primitive = replacing its stub here.
#include <citycheck/engine/primitive.hpp>

namespace citycheck::engine {

std::unique_ptr<Primitive> make_length_density_primitive();
std::unique_ptr<Primitive> make_coverage_primitive();
std::unique_ptr<Primitive> make_share_above_primitive();
std::unique_ptr<Primitive> make_point_density_primitive();
std::unique_ptr<Primitive> make_expression_primitive();
std::unique_ptr<Primitive> make_per_capita_primitive();

void register_builtin_primitives(PrimitiveRegistry& r) {
    r.add(make_point_density_primitive());
    r.add(make_expression_primitive());
    r.add(make_per_capita_primitive());
    // Stubs until the primitives' branches are merged; each fails with a clear message.
    r.add(std::make_unique<UnavailablePrimitive>("zonal", "the raster zonal / green-coverage work"));
    r.add(std::make_unique<UnavailablePrimitive>("area_share", "the land-survey overlay work"));
    r.add(make_length_density_primitive());
    r.add(make_coverage_primitive());
    r.add(make_share_above_primitive());
}

}  // namespace citycheck::engine
