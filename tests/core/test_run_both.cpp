// run_both: both pieces of work finish even when one fails; the first's error wins, as in turn.
#include <citycheck/core/run_both.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

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

}  // namespace
