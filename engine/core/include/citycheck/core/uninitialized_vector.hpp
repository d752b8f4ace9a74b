// A std::vector whose resize() leaves new elements of trivial types unwritten: for big buffers
// that a parallel loop fills right after (zeroing them first would be a serial pass over memory
// that is about to be overwritten anyway).
#pragma once

#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace citycheck {

template <class T, class Base = std::allocator<T>>
struct DefaultInitAllocator : Base {
    using Base::Base;
    template <class U>
    struct rebind {
        using other = DefaultInitAllocator<U, typename std::allocator_traits<Base>::template rebind_alloc<U>>;
    };
    // Value-initialisation (what resize() asks for) becomes default-initialisation.
    template <class U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        std::allocator_traits<Base>::construct(static_cast<Base&>(*this), p, std::forward<Args>(args)...);
    }
};

template <class T>
using UninitializedVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace citycheck
