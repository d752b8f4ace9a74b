// Two independent pieces of work run at the same time (when a second thread is free), e.g. two
// input layers loaded together. Neither throws into tbb::parallel_invoke, which would cancel the
// other one midway: an error of either is held until both have finished, then rethrown, the
// first's before the second's, as when they run in turn.
#pragma once

#include <atomic>
#include <exception>

#include <citycheck/core/error.hpp>

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

// As run_both, but a failure of either asks the other to give up: each gets `stop`, set at the
// first failure, to pass on (e.g. as Progress::until(stop)), so that it throws Cancelled at its
// next report instead of finishing work whose result is lost. A Cancelled that answers such a stop
// gives way to the error that caused it; otherwise the first's error comes first, as in run_both.
template <class First, class Second>
void run_both_until_error(First&& first, Second&& second) {
    std::atomic<bool> stop{false};
    std::exception_ptr first_error, second_error;
    bool first_obeyed = false, second_obeyed = false;  // ended by Cancelled after the other had failed
    const auto guarded = [&stop](auto& work, std::exception_ptr& error, bool& obeyed) {
        try {
            work(static_cast<const std::atomic<bool>&>(stop));
        } catch (const Cancelled&) {
            error = std::current_exception();
            obeyed = stop.exchange(true);  // already set: the other failed first, this only obeyed
        } catch (...) {
            error = std::current_exception();
            stop.store(true);
        }
    };
    tbb::parallel_invoke([&] { guarded(first, first_error, first_obeyed); }, [&] { guarded(second, second_error, second_obeyed); });
    if (first_obeyed && second_error) std::rethrow_exception(second_error);
    if (first_error) std::rethrow_exception(first_error);
    if (second_error) std::rethrow_exception(second_error);
}

}  // namespace citycheck
