// run_both: both pieces of work finish even when one fails; the first's error wins, as in turn.
#include <citycheck/core/run_both.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string_view>

#include <citycheck/core/error.hpp>
#include <citycheck/core/progress.hpp>

#include <tbb/task_arena.h>

namespace {

TEST(RunBoth, BothFinishAndTheFirstErrorWins) {
    for (const int threads : {1, 2}) {
        SCOPED_TRACE(threads);
        tbb::task_arena(threads).execute([] {
            std::atomic<int> done{0};
            EXPECT_THROW(citycheck::run_both([&] { throw std::runtime_error("first"); }, [&] { ++done; }), std::runtime_error);
            EXPECT_EQ(done.load(), 1);  // the second was not cancelled
            try {
                citycheck::run_both([&] { ++done; throw std::invalid_argument("first"); }, [&] { ++done; throw std::runtime_error("second"); });
                ADD_FAILURE() << "nothing thrown";
            } catch (const std::invalid_argument&) {
            }
            EXPECT_EQ(done.load(), 3);
            EXPECT_THROW(citycheck::run_both([&] { ++done; }, [] { throw std::out_of_range("second"); }), std::out_of_range);
            EXPECT_EQ(done.load(), 4);
        });
    }
}

// A failure of the second stops the first at its next report (here a loop reporting until told
// to stop): the first's Cancelled gives way to the second's error. Without a stop the first's own
// error still comes first, and a user's cancel of the first is not taken for an answer. (On one
// thread the two run in turn, so only the errors are checked there.)
TEST(RunBoth, UntilErrorStopsTheOtherAndReportsTheCause) {
    using citycheck::Cancelled;
    using citycheck::Progress;
    for (const int threads : {1, 2}) {
        SCOPED_TRACE(threads);
        tbb::task_arena(threads).execute([threads] {
            const Progress silent([](double, std::string_view) { return true; });
            std::atomic<int> reports{0};
            const auto work_until_stopped = [&](const std::atomic<bool>& stop) {
                const Progress p = silent.until(stop);
                for (int k = 0; k < 20'000'000; ++k) p.report(0.5, "working"), ++reports;  // only a stop ends this in time
            };
            EXPECT_THROW(citycheck::run_both_until_error(work_until_stopped, [](const std::atomic<bool>&) { throw std::out_of_range("zones"); }),
                         std::out_of_range);
            if (threads > 1) {
                EXPECT_LT(reports.load(), 20'000'000);
            }
            reports = 0;
            EXPECT_THROW(citycheck::run_both_until_error([](const std::atomic<bool>&) { throw std::out_of_range("parcels"); }, work_until_stopped),
                         std::out_of_range);
            if (threads > 1) {
                EXPECT_LT(reports.load(), 20'000'000);
            }
            try {  // both fail on their own: the first's error
                citycheck::run_both_until_error([](const std::atomic<bool>&) { throw std::invalid_argument("first"); },
                                                [](const std::atomic<bool>&) { throw std::runtime_error("second"); });
                ADD_FAILURE() << "nothing thrown";
            } catch (const std::invalid_argument&) {
            }
            // The user cancels the first: that is the error, and the second obeys the stop.
            const Progress user_cancel([](double, std::string_view) { return false; });
            EXPECT_THROW(citycheck::run_both_until_error([&](const std::atomic<bool>& stop) { user_cancel.until(stop).report(0, "x"); },
                                                         work_until_stopped),
                         Cancelled);
            int done = 0;
            citycheck::run_both_until_error([&](const std::atomic<bool>&) { ++done; }, [&](const std::atomic<bool>&) { ++done; });
            EXPECT_EQ(done, 2);
        });
    }
}

}  // namespace
