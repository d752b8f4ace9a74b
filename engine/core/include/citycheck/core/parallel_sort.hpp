// A parallel sort for big arrays of small trivially copyable items under a total order.
// tbb::parallel_sort partitions the whole array on one thread before its first split, so on two
// threads a sort of a million keys runs about half serial. Here every thread sorts its own run from
// the start, and the runs are merged pairwise with each merge split at co-ranks into pieces the
// threads share, so no pass over the whole array is serial. With a total order (ties broken by
// an index) the result is exactly std::sort's, on any thread count.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>
#include <functional>
#include <iterator>
#include <type_traits>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>

#include <citycheck/core/uninitialized_vector.hpp>

namespace citycheck {

namespace detail {

// Merges sorted [a, a_end) and [b, b_end) into out (which holds both), splitting big merges in two:
// the larger input at its middle, the other where that middle element belongs. Stable: on equal
// items those of a come first, as in std::merge.
template <class T, class Less>
void parallel_merge(const T* a, const T* a_end, const T* b, const T* b_end, T* out, Less& less, std::size_t grain) {
    const auto na = static_cast<std::size_t>(a_end - a), nb = static_cast<std::size_t>(b_end - b);
    if (na + nb <= grain) {
        std::merge(a, a_end, b, b_end, out, less);
        return;
    }
    const T *a_mid, *b_mid;
    if (na >= nb) {
        a_mid = a + na / 2;
        b_mid = std::lower_bound(b, b_end, *a_mid, less);  // b's items before a_mid: strictly less
    } else {
        b_mid = b + nb / 2;
        a_mid = std::upper_bound(a, a_end, *b_mid, less);  // a's items before b_mid: not greater
    }
    T* out_mid = out + (a_mid - a) + (b_mid - b);
    tbb::parallel_invoke([&] { parallel_merge(a, a_mid, b, b_mid, out, less, grain); },
                         [&] { parallel_merge(a_mid, a_end, b_mid, b_end, out_mid, less, grain); });
}

}  // namespace detail

// Sorts [first, last) of a contiguous range. `less` must be a strict total order on the items that
// occur (no two distinct items equivalent) for the result not to depend on the thread count.
template <std::contiguous_iterator It, class Less = std::less<>>
void parallel_sort(It first, It last, Less less = {}) {
    using T = std::iter_value_t<It>;
    static_assert(std::is_trivially_copyable_v<T>, "parallel_sort moves items with memcpy");
    const auto n = static_cast<std::size_t>(last - first);
    const auto threads = static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
    constexpr std::size_t kSerialBelow = 1 << 15;
    if (threads == 1 || n < kSerialBelow) {
        std::sort(first, last, less);
        return;
    }
    // Runs: a power of two, at least one per thread; run k is [bound(k), bound(k + 1)).
    const std::size_t runs = std::bit_ceil(threads);
    const auto bound = [&](std::size_t k) { return n * k / runs; };
    T* data = std::to_address(first);
    tbb::parallel_for(std::size_t(0), runs, [&](std::size_t k) { std::sort(data + bound(k), data + bound(k + 1), less); });
    UninitializedVector<T> buffer(n);
    T* src = data;
    T* dst = buffer.data();
    const std::size_t grain = std::max<std::size_t>(n / (4 * threads), 4096);
    for (std::size_t width = 1; width < runs; width *= 2) {
        tbb::parallel_for(std::size_t(0), runs / (2 * width), [&](std::size_t j) {
            const std::size_t lo = bound(2 * j * width), mid = bound((2 * j + 1) * width), hi = bound((2 * j + 2) * width);
            detail::parallel_merge<T>(src + lo, src + mid, src + mid, src + hi, dst + lo, less, grain);
        });
        std::swap(src, dst);
    }
    if (src != data)
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16), [&](const auto& r) {
            std::memcpy(static_cast<void*>(data + r.begin()), src + r.begin(), (r.end() - r.begin()) * sizeof(T));
        });
}

}  // namespace citycheck
