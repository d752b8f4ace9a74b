// Explicit registration of every primitive of this build (no static self-registration: it is
// dropped by the linker in a static library). Wiring a real primitive = replacing its stub here.
#include <citycheck/engine/primitive.hpp>

namespace citycheck::engine {

std::unique_ptr<Primitive> make_point_density_primitive();
std::unique_ptr<Primitive> make_expression_primitive();
std::unique_ptr<Primitive> make_per_capita_primitive();
std::unique_ptr<Primitive> make_zonal_primitive();
std::unique_ptr<Primitive> make_area_share_primitive();

void register_builtin_primitives(PrimitiveRegistry& r) {
    r.add(make_point_density_primitive());
    r.add(make_expression_primitive());
    r.add(make_per_capita_primitive());
    // Stubs until the primitives' branches are merged; each fails with a clear message.
    r.add(make_zonal_primitive());
    r.add(make_area_share_primitive());
    r.add(std::make_unique<UnavailablePrimitive>("length_density", "the network work (spatial::density)"));
    r.add(std::make_unique<UnavailablePrimitive>("coverage", "the network coverage work"));
    r.add(std::make_unique<UnavailablePrimitive>("share_above", "the population work"));
}

}  // namespace citycheck::engine
