// Sort-Tile-Recursive packing: sort by x centre into vertical slices, each slice by y centre, and
// group runs of node_size into parent nodes; repeat until one root remains.
#include <citycheck/core/error.hpp>
#include <citycheck/spatial/box_index.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

namespace citycheck::spatial {

namespace {
Box merge(const Box& a, const Box& b) {
    return {std::min(a.xmin, b.xmin), std::min(a.ymin, b.ymin), std::max(a.xmax, b.xmax), std::max(a.ymax, b.ymax)};
}

// Reorders (boxes, refs) together into STR order.
void str_order(std::vector<Box>& boxes, std::vector<std::uint32_t>& refs, std::size_t node_size) {
    const std::size_t n = boxes.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    auto cx = [&](std::size_t i) { return boxes[i].xmin + boxes[i].xmax; };
    auto cy = [&](std::size_t i) { return boxes[i].ymin + boxes[i].ymax; };
    // Ties broken by position so the order (and so query results) never depends on the sort algorithm.
    // A total order, so the parallel sort gives the same result on any number of threads.
    tbb::parallel_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cx(a) < cx(b) || (cx(a) == cx(b) && a < b); });
    const std::size_t leaves = (n + node_size - 1) / node_size;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(leaves))));
    const std::size_t per_slice = slices * node_size;
    tbb::parallel_for(std::size_t(0), (n + per_slice - 1) / per_slice, [&](std::size_t k) {
        const std::size_t s = k * per_slice, e = std::min(n, s + per_slice);
        std::sort(order.begin() + static_cast<std::ptrdiff_t>(s), order.begin() + static_cast<std::ptrdiff_t>(e),
                  [&](std::size_t a, std::size_t b) { return cy(a) < cy(b) || (cy(a) == cy(b) && a < b); });
    });
    std::vector<Box> b2(n);
    std::vector<std::uint32_t> r2(n);
    for (std::size_t i = 0; i < n; ++i) {
        b2[i] = boxes[order[i]];
        r2[i] = refs[order[i]];
    }
    boxes.swap(b2);
    refs.swap(r2);
}
}  // namespace

BoxIndex::BoxIndex(const std::vector<Box>& boxes, std::size_t node_size) : m_items(boxes.size()), m_node_size(node_size) {
    if (boxes.size() >= std::numeric_limits<std::uint32_t>::max()) throw InputError("too many features for one index");
    if (node_size < 2) throw InternalError("BoxIndex node size must be at least 2");
    if (boxes.empty()) return;
    std::vector<Box> leaves = boxes;
    std::vector<std::uint32_t> refs(boxes.size());
    std::iota(refs.begin(), refs.end(), 0u);
    str_order(leaves, refs, node_size);
    m_level_start.push_back(0);
    m_boxes = std::move(leaves);
    m_refs = std::move(refs);
    // Upper levels group consecutive runs of the level below (already in STR order).
    std::size_t lstart = 0, lcount = m_boxes.size();
    while (lcount > 1) {
        const std::size_t new_start = m_boxes.size();
        for (std::size_t i = 0; i < lcount; i += node_size) {
            Box b = m_boxes[lstart + i];
            for (std::size_t j = i + 1; j < std::min(lcount, i + node_size); ++j) b = merge(b, m_boxes[lstart + j]);
            m_boxes.push_back(b);
            m_refs.push_back(static_cast<std::uint32_t>(lstart + i));
        }
        m_level_start.push_back(new_start);
        lstart = new_start;
        lcount = m_boxes.size() - new_start;
    }
    m_level_start.push_back(m_boxes.size());
}

void BoxIndex::query(const Box& box, std::vector<std::uint32_t>& out) const {
    if (m_items == 0) return;
    const std::size_t first = out.size();
    const std::size_t levels = m_level_start.size() - 1;
    // Stack of (level, node index in m_boxes).
    std::vector<std::pair<std::size_t, std::size_t>> stack;
    stack.emplace_back(levels - 1, m_level_start[levels - 1]);
    while (!stack.empty()) {
        const auto [lvl, node] = stack.back();
        stack.pop_back();
        if (!m_boxes[node].intersects(box)) continue;
        if (lvl == 0) {
            out.push_back(m_refs[node]);
            continue;
        }
        const std::size_t child = m_refs[node];
        const std::size_t child_end = std::min(child + m_node_size, m_level_start[lvl]);
        for (std::size_t c = child; c < child_end; ++c) stack.emplace_back(lvl - 1, c);
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

}  // namespace citycheck::spatial
