#include <citycheck/core/error.hpp>
#include <citycheck/demo/demo_city.hpp>

namespace citycheck::demo {

DemoOutput write_demo_city(const std::filesystem::path&, const DemoOptions&, const Progress&) {
    throw InternalError("the demo city generator is not built yet");
}

}  // namespace citycheck::demo
