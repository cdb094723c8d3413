/* Unit tests of the collectives' conventions: counts, bus-bandwidth factors, data and checkers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "wavebench/collectives.h"

static void test_busbw_factors(void **state)
{
    (void)state;
    /* nccl-tests PERFORMANCE.md */
    assert_true(wb_coll_busbw_factor(WB_COLL_ALLREDUCE, 4) == 1.5);
    assert_true(wb_coll_busbw_factor(WB_COLL_ALLREDUCE, 1) == 0);
    assert_true(wb_coll_busbw_factor(WB_COLL_REDUCE_SCATTER, 4) == 0.75);
    assert_true(wb_coll_busbw_factor(WB_COLL_ALLGATHER, 2) == 0.5);
    assert_true(wb_coll_busbw_factor(WB_COLL_ALLTOALL, 8) == 7.0 / 8);
    assert_true(wb_coll_busbw_factor(WB_COLL_REDUCE, 8) == 1);
    assert_true(wb_coll_busbw_factor(WB_COLL_BROADCAST, 8) == 1);
}

static void test_counts(void **state)
{
    (void)state;
    struct wb_coll_counts c;
    wb_coll_counts(&c, WB_COLL_ALLREDUCE, 1024, 4, 4);
    assert_true(c.count == 256 && c.send_count == 256 && c.recv_count == 256 && c.bytes == 1024);
    wb_coll_counts(&c, WB_COLL_ALLGATHER, 1024, 4, 4);
    assert_true(c.count == 64 && c.send_count == 64 && c.recv_count == 256 && c.bytes == 1024);
    wb_coll_counts(&c, WB_COLL_REDUCE_SCATTER, 1024, 8, 3);
    assert_true(c.count == 42 && c.send_count == 126 && c.recv_count == 42 && c.bytes == 1008);
    wb_coll_counts(&c, WB_COLL_ALLTOALL, 64, 8, 4);
    assert_true(c.count == 2 && c.send_count == 8 && c.recv_count == 8);
    wb_coll_counts(&c, WB_COLL_ALLGATHER, 8, 8, 2); /* too small: skipped */
    assert_int_equal(c.count, 0);
    assert_int_equal(wb_coll_auto_iters(8), 100);
    assert_int_equal(wb_coll_auto_iters(64u << 20), 5);
}

/* The reference answer over ranks, computed directly. */
static int64_t reference(int op, int nranks, size_t i)
{
    int64_t acc = wb_coll_input(0, i);
    for (int r = 1; r < nranks; r++) {
        int64_t v = wb_coll_input(r, i);
        acc = op == WB_REDOP_SUM ? acc + v : op == WB_REDOP_MIN ? (v < acc ? v : acc) : (v > acc ? v : acc);
    }
    return acc;
}

static void test_checker_accepts_and_rejects(void **state)
{
    (void)state;
    enum { N = 1000, RANKS = 5 };
    for (int op = 0; op < WB_REDOP_COUNT; op++) {
        double d[N];
        float f[N];
        int32_t i32[N];
        int64_t i64[N];
        for (size_t i = 0; i < N; i++) {
            int64_t e = reference(op, RANKS, i + 17);
            d[i] = (double)e;
            f[i] = (float)e;
            i32[i] = (int32_t)e;
            i64[i] = e;
        }
        assert_int_equal(wb_coll_count_wrong(d, WB_DTYPE_DOUBLE, op, RANKS, 0, 17, N), 0);
        assert_int_equal(wb_coll_count_wrong(f, WB_DTYPE_FLOAT, op, RANKS, 0, 17, N), 0);
        assert_int_equal(wb_coll_count_wrong(i32, WB_DTYPE_INT32, op, RANKS, 0, 17, N), 0);
        assert_int_equal(wb_coll_count_wrong(i64, WB_DTYPE_INT64, op, RANKS, 0, 17, N), 0);
        d[3] += 1;
        f[999] = -1;
        i32[0] = 0;
        i64[500] *= 2;
        assert_int_equal(wb_coll_count_wrong(d, WB_DTYPE_DOUBLE, op, RANKS, 0, 17, N), 1);
        assert_int_equal(wb_coll_count_wrong(f, WB_DTYPE_FLOAT, op, RANKS, 0, 17, N), 1);
        assert_int_equal(wb_coll_count_wrong(i32, WB_DTYPE_INT32, op, RANKS, 0, 17, N), 1);
        assert_int_equal(wb_coll_count_wrong(i64, WB_DTYPE_INT64, op, RANKS, 0, 17, N), 1);
        /* The wrong offset is caught too. */
        assert_true(wb_coll_count_wrong(i64, WB_DTYPE_INT64, op, RANKS, 0, 18, N) > 0 || op != WB_REDOP_SUM);
    }
}

static void test_fill_and_gather_check(void **state)
{
    (void)state;
    float buf[64];
    wb_coll_fill(buf, WB_DTYPE_FLOAT, 3, 10, 64);
    assert_int_equal(wb_coll_count_wrong(buf, WB_DTYPE_FLOAT, -1, 4, 3, 10, 64), 0);
    assert_int_equal(wb_coll_count_wrong(buf, WB_DTYPE_FLOAT, -1, 4, 2, 10, 64), 64);
    /* Inputs are positive small integers: sums over many ranks stay exact in float. */
    for (size_t i = 0; i < 1000; i++) {
        assert_true(wb_coll_input(7, i) >= 1 && wb_coll_input(7, i) <= 31);
    }
    assert_true(reference(WB_REDOP_MIN, 4, 5) < reference(WB_REDOP_MAX, 4, 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_busbw_factors),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_checker_accepts_and_rejects),
        cmocka_unit_test(test_fill_and_gather_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
