// Two independent pieces of work run at the same time (when a second thread is free), e.g. two
// input layers loaded together. Neither throws into tbb::parallel_invoke, which would cancel the
// other one midway: an error of either is held until both have finished, then rethrown, the
// first's before the second's, as when they run in turn.
#pragma once

#include <exception>

#include <tbb/parallel_invoke.h>

namespace citycheck {

template <class First, class Second>
void run_both(First&& first, Second&& second) {
    std::exception_ptr first_error, second_error;
    tbb::parallel_invoke(
        [&] {
            try {
                first();
            } catch (...) {
                first_error = std::current_exception();
            }
        },
        [&] {
            try {
                second();
            } catch (...) {
                second_error = std::current_exception();
            }
        });
    if (first_error) std::rethrow_exception(first_error);
    if (second_error) std::rethrow_exception(second_error);
}

}  // namespace citycheck
