#pragma once
// A lazily created resource per worker thread (a GDAL dataset handle, a GEOS context, a search
// workspace). GDAL handles and GEOS contexts must never be shared between threads; this holder
// makes "one per thread" the easy path. Do not call a TBB algorithm while holding local():
// task stealing could run another task on this thread that uses the same resource.
#include <functional>
#include <optional>
#include <utility>

#include <tbb/enumerable_thread_specific.h>

namespace citycheck {

template <class T>
class PerThread {
  public:
    explicit PerThread(std::function<T()> factory) : m_factory(std::move(factory)) {}

    T& local() {
        auto& slot = m_slots.local();
        if (!slot) slot.emplace(m_factory());
        return *slot;
    }

    template <class F>
    void for_each(F&& f) {
        for (auto& slot : m_slots)
            if (slot) f(*slot);
    }

  private:
    std::function<T()> m_factory;
    tbb::enumerable_thread_specific<std::optional<T>> m_slots;
};

}  // namespace citycheck
