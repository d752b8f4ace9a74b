#pragma once
// The computation primitives behind indicators. A Primitive turns an IndicatorSpec into one
// numerator/denominator per finest zone; the engine rolls those up, scores and writes them.
// Wiring a primitive from another module is one small adapter class: read the spec's params
// (contract in primitive_params.hpp), call the module, return ZoneValues in SI units.
#include <any>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <tbb/task_arena.h>

#include <citycheck/core/progress.hpp>
#include <citycheck/engine/config.hpp>
#include <citycheck/engine/result_table.hpp>
#include <citycheck/engine/zones.hpp>

namespace citycheck::engine {

// Shared intermediates built once per run (NDVI, road graph per mode, demand grids, coverage of
// zones on a grid, population grid, loaded point sets …), keyed by a string that names what was
// built and from which parameters. Thread-safe: concurrent callers of the same key wait for one build.
class Intermediates {
  public:
    template <class T>
    std::shared_ptr<const T> get_or_build(const std::string& key, const std::function<std::shared_ptr<const T>()>& build) {
        std::shared_future<std::any> fut;
        bool builder = false;
        std::promise<std::any> promise;
        {
            std::lock_guard lock(m_mutex);
            auto it = m_items.find(key);
            if (it == m_items.end()) {
                fut = promise.get_future().share();
                m_items.emplace(key, fut);
                builder = true;
            } else {
                fut = it->second;
            }
        }
        if (builder) {
            // Isolated: while the build runs nested parallel loops, this thread must not steal an
            // outer task that could wait on this very key (a self-deadlock).
            tbb::this_task_arena::isolate([&] {
                try {
                    promise.set_value(std::any(std::shared_ptr<const T>(build())));
                } catch (...) {
                    promise.set_exception(std::current_exception());
                }
            });
        }
        return std::any_cast<std::shared_ptr<const T>>(fut.get());  // rethrows a failed build
    }
    std::vector<std::string> keys() const;

  private:
    mutable std::mutex m_mutex;
    std::map<std::string, std::shared_future<std::any>> m_items;
};

// What a primitive may use while computing one indicator.
struct RunContext {
    const HealthCheckConfig& config;
    const ZoneSet& zones;
    Intermediates& cache;
    const ResultTable& done;  // indicators finished in earlier waves (operands of derived ones)
    Progress progress;

    // The dataset a parameter names; throws UsageError if the config does not define it.
    const DatasetSource& dataset(const std::string& name) const;
    // The dataset named by spec.params[param]; throws UsageError if the parameter is absent.
    const DatasetSource& dataset_param(const IndicatorSpec& spec, const std::string& param) const;
    // A finished operand; throws UsageError if absent or failed.
    const IndicatorResult& operand(const std::string& id) const;
};

class Primitive {
  public:
    virtual ~Primitive() = default;
    virtual std::string name() const = 0;
    // One numerator/denominator per finest zone (zones.finest()), SI units.
    virtual ZoneValues compute(const IndicatorSpec& spec, const RunContext& ctx) const = 0;
    // Derived primitives (expression) are evaluated at every level on rolled-up operands instead
    // of being rolled up themselves.
    virtual bool derived() const { return false; }
    virtual ZoneValues compute_level(const IndicatorSpec& spec, const RunContext& ctx, std::size_t level) const;
    // Whether value = unit scale × num/den (false: the primitive's values are already in the unit).
    virtual bool scaled() const { return true; }
};

class PrimitiveRegistry {
  public:
    void add(std::unique_ptr<Primitive> p);  // replaces a primitive of the same name
    const Primitive* find(const std::string& name) const;
    std::vector<std::string> names() const;
    bool available(const std::string& name) const;  // registered in this build

    // Every primitive of this build.
    static const PrimitiveRegistry& builtin();

  private:
    std::vector<std::unique_ptr<Primitive>> m_items;
};

void register_builtin_primitives(PrimitiveRegistry& registry);

}  // namespace citycheck::engine
