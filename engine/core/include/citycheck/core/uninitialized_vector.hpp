// A std::vector whose resize() leaves new elements of trivially copyable types unwritten: for big
// buffers that a parallel loop fills right after (zeroing them first would be a serial pass over
// memory that is about to be overwritten anyway). Default member initialisers of such types (e.g.
// Box's zeros) are skipped too; other types are default-initialised.
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
    // Value-initialisation (what resize() asks for) becomes no write at all for trivially copyable
    // types (implicit-lifetime types: the allocation already provides their objects, P0593) and
    // default-initialisation for the rest.
    template <class U>
    void construct([[maybe_unused]] U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        if constexpr (!(std::is_trivially_copyable_v<U> && std::is_trivially_destructible_v<U>)) ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        std::allocator_traits<Base>::construct(static_cast<Base&>(*this), p, std::forward<Args>(args)...);
    }
};

template <class T>
using UninitializedVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace citycheck
