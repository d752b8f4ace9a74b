// Primitive registry and run context accessors.
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
    return find(name) != nullptr;
}

const PrimitiveRegistry& PrimitiveRegistry::builtin() {
    static const PrimitiveRegistry registry = [] {
        PrimitiveRegistry r;
        register_builtin_primitives(r);
        return r;
    }();
    return registry;
}

}  // namespace citycheck::engine
