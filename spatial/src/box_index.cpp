// Sort-Tile-Recursive packing: sort by x centre into vertical slices, each slice by y centre, and
// group runs of node_size into parent nodes; repeat until one root remains.
#include <citycheck/core/error.hpp>
#include <citycheck/core/parallel_sort.hpp>
#include <citycheck/spatial/box_index.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace citycheck::spatial {

namespace {
Box merge(const Box& a, const Box& b) {
    return {std::min(a.xmin, b.xmin), std::min(a.ymin, b.ymin), std::max(a.xmax, b.xmax), std::max(a.ymax, b.ymax)};
}

// A box centre coordinate (doubled) with the box's index: ordered by key, ties by index.
struct Keyed {
    double key;
    std::uint32_t index;
    bool operator<(const Keyed& o) const noexcept { return key < o.key || (key == o.key && index < o.index); }
};

// The boxes in STR order, with their input indices (refs). Sorts (centre, index) pairs rather than indices
// compared through the boxes: the keys sit in the array being sorted, not in random cache lines.
// The order is total (ties by index), so it is the same for any sort algorithm and thread count.
void str_order(std::span<const Box> boxes, UninitializedVector<Box>& ordered, UninitializedVector<std::uint32_t>& refs,
               std::size_t node_size) {
    const std::size_t n = boxes.size();
    UninitializedVector<Keyed> by_x(n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16384), [&](const auto& r) {
        for (std::size_t i = r.begin(); i < r.end(); ++i) by_x[i] = {boxes[i].xmin + boxes[i].xmax, static_cast<std::uint32_t>(i)};
    });
    parallel_sort(by_x.begin(), by_x.end());
    const std::size_t leaves = (n + node_size - 1) / node_size;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(leaves))));
    const std::size_t per_slice = slices * node_size;
    ordered.resize(n);
    refs.resize(n);
    tbb::parallel_for(std::size_t(0), (n + per_slice - 1) / per_slice, [&](std::size_t k) {
        const std::size_t s = k * per_slice, e = std::min(n, s + per_slice);
        UninitializedVector<Keyed> by_y(e - s);
        for (std::size_t i = s; i < e; ++i) {
            const Box& bx = boxes[by_x[i].index];
            by_y[i - s] = {bx.ymin + bx.ymax, by_x[i].index};
        }
        std::sort(by_y.begin(), by_y.end());
        for (std::size_t i = s; i < e; ++i) {
            ordered[i] = boxes[by_y[i - s].index];
            refs[i] = by_y[i - s].index;
        }
    });
}
}  // namespace

BoxIndex::BoxIndex(std::span<const Box> boxes, std::size_t node_size) : m_items(boxes.size()), m_node_size(node_size) {
    if (boxes.size() >= std::numeric_limits<std::uint32_t>::max()) throw InputError("too many features for one index");
    if (node_size < 2) throw InternalError("BoxIndex node size must be at least 2");
    if (boxes.empty()) return;
    std::size_t total = boxes.size();  // all levels: the upper ones are filled in place after the leaves
    for (std::size_t level = boxes.size(); level > 1; level = (level + node_size - 1) / node_size) total += (level + node_size - 1) / node_size;
    m_boxes.reserve(total);
    m_refs.reserve(total);
    str_order(boxes, m_boxes, m_refs, node_size);
    m_boxes.resize(total);
    m_refs.resize(total);
    m_level_start.push_back(0);
    // Upper levels group consecutive runs of the level below (already in STR order).
    std::size_t lstart = 0, lcount = boxes.size();
    while (lcount > 1) {
        const std::size_t new_start = lstart + lcount, parents = (lcount + node_size - 1) / node_size;
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, parents, 4096), [&](const auto& r) {
            for (std::size_t p = r.begin(); p < r.end(); ++p) {
                const std::size_t first = lstart + p * node_size, last = std::min(lstart + lcount, first + node_size);
                Box b = m_boxes[first];
                for (std::size_t j = first + 1; j < last; ++j) b = merge(b, m_boxes[j]);
                m_boxes[new_start + p] = b;
                m_refs[new_start + p] = static_cast<std::uint32_t>(first);
            }
        });
        m_level_start.push_back(new_start);
        lstart = new_start;
        lcount = parents;
    }
    m_level_start.push_back(m_boxes.size());
}

void BoxIndex::query(const Box& box, std::vector<std::uint32_t>& out) const {
    if (m_items == 0) return;
    const std::size_t first = out.size();
    const std::size_t levels = m_level_start.size() - 1;
    // Depth-first over (level, node) pairs whose boxes meet the query; children are tested before
    // they are pushed. At most node_size entries per level are pending: the stack is reused per
    // thread, so a query (a million of them in the overlap check) allocates nothing.
    const std::size_t root = m_level_start[levels - 1];
    if (!m_boxes[root].intersects(box)) return;
    if (levels == 1) {  // a single item: the root is the leaf
        out.push_back(m_refs[root]);
        return;
    }
    thread_local std::vector<std::pair<std::size_t, std::size_t>> stack;
    stack.clear();
    stack.emplace_back(levels - 1, root);
    while (!stack.empty()) {
        const auto [lvl, node] = stack.back();
        stack.pop_back();
        const std::size_t child = m_refs[node];
        const std::size_t child_end = std::min(child + m_node_size, m_level_start[lvl]);
        if (lvl == 1) {
            for (std::size_t c = child; c < child_end; ++c)
                if (m_boxes[c].intersects(box)) out.push_back(m_refs[c]);
            continue;
        }
        for (std::size_t c = child; c < child_end; ++c)
            if (m_boxes[c].intersects(box)) stack.emplace_back(lvl - 1, c);
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

}  // namespace citycheck::spatial
