// Primitive registry, run context accessors and the stubs for primitives not in this build.
#include <citycheck/core/error.hpp>
#include <citycheck/engine/primitive.hpp>

namespace citycheck::engine {

std::vector<std::string> Intermediates::keys() const {
    std::lock_guard lock(m_mutex);
    std::vector<std::string> out;
    for (const auto& [k, v] : m_items) out.push_back(k);
    return out;
}

const DatasetSource& RunContext::dataset(const std::string& name) const {
    auto it = config.datasets.find(name);
    if (it == config.datasets.end()) throw UsageError("dataset '" + name + "' is not defined under datasets:");
    return it->second;
}

const DatasetSource& RunContext::dataset_param(const IndicatorSpec& spec, const std::string& param) const {
    if (!spec.params.contains(param) || !spec.params[param].is_string())
        throw UsageError("indicator '" + spec.id + "': parameter '" + param + "' must name a dataset");
    return dataset(spec.params[param].get<std::string>());
}

const IndicatorResult& RunContext::operand(const std::string& id) const {
    const auto* r = done.find(id);
    if (!r) throw InternalError("operand '" + id + "' was not computed before its user");
    if (r->state == IndicatorState::failed) throw UsageError("operand indicator '" + id + "' failed: " + r->failure);
    return *r;
}

ZoneValues Primitive::compute_level(const IndicatorSpec& spec, const RunContext&, std::size_t) const {
    throw InternalError("primitive '" + name() + "' is not derived; compute_level() called for '" + spec.id + "'");
}

void PrimitiveRegistry::add(std::unique_ptr<Primitive> p) {
    for (auto& item : m_items)
        if (item->name() == p->name()) {
            item = std::move(p);
            return;
        }
    m_items.push_back(std::move(p));
}

const Primitive* PrimitiveRegistry::find(const std::string& name) const {
    for (const auto& item : m_items)
        if (item->name() == name) return item.get();
    return nullptr;
}

std::vector<std::string> PrimitiveRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& item : m_items) out.push_back(item->name());
    return out;
}

bool PrimitiveRegistry::available(const std::string& name) const {
    const auto* p = find(name);
    return p && !dynamic_cast<const UnavailablePrimitive*>(p);
}

const PrimitiveRegistry& PrimitiveRegistry::builtin() {
    static const PrimitiveRegistry registry = [] {
        PrimitiveRegistry r;
        register_builtin_primitives(r);
        return r;
    }();
    return registry;
}

ZoneValues UnavailablePrimitive::compute(const IndicatorSpec&, const RunContext&) const {
    throw UsageError("primitive '" + m_name + "' is not available in this build yet (it arrives with " + m_with +
                     "); disable the indicator (enabled: false) or run with --keep-going");
}

}  // namespace citycheck::engine
