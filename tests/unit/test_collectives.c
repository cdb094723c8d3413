/* Unit tests of the collectives' conventions: counts, bus-bandwidth factors, data and checkers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "wavebench/coll_data.h"
#include "wavebench/coll_desc.h"
#include "wavebench/collectives.h"

static void test_busbw_factors(void **state)
{
    (void)state;
    /* nccl-tests PERFORMANCE.md */
    assert_true(wb_coll_desc_get(WB_COLL_ALLREDUCE)->busbw_factor(4) == 1.5);
    assert_true(wb_coll_desc_get(WB_COLL_ALLREDUCE)->busbw_factor(1) == 0);
    assert_true(wb_coll_desc_get(WB_COLL_REDUCE_SCATTER)->busbw_factor(4) == 0.75);
    assert_true(wb_coll_desc_get(WB_COLL_ALLGATHER)->busbw_factor(2) == 0.5);
    assert_true(wb_coll_desc_get(WB_COLL_ALLTOALL)->busbw_factor(8) == 7.0 / 8);
    assert_true(wb_coll_desc_get(WB_COLL_REDUCE)->busbw_factor(8) == 1);
    assert_true(wb_coll_desc_get(WB_COLL_BROADCAST)->busbw_factor(8) == 1);
}

static void counts(struct wb_coll_counts *c, int coll, size_t bytes, size_t ts, int n)
{
    wb_coll_desc_counts(c, wb_coll_desc_get(coll), bytes, ts, n);
}

static void test_counts(void **state)
{
    (void)state;
    struct wb_coll_counts c;
    counts(&c, WB_COLL_ALLREDUCE, 1024, 4, 4);
    assert_true(c.count == 256 && c.send_count == 256 && c.recv_count == 256 && c.bytes == 1024);
    counts(&c, WB_COLL_ALLGATHER, 1024, 4, 4);
    assert_true(c.count == 64 && c.send_count == 64 && c.recv_count == 256 && c.bytes == 1024);
    counts(&c, WB_COLL_REDUCE_SCATTER, 1024, 8, 3);
    assert_true(c.count == 42 && c.send_count == 126 && c.recv_count == 42 && c.bytes == 1008);
    counts(&c, WB_COLL_ALLTOALL, 64, 8, 4);
    assert_true(c.count == 2 && c.send_count == 8 && c.recv_count == 8);
    counts(&c, WB_COLL_ALLGATHER, 8, 8, 2); /* too small: skipped */
    assert_int_equal(c.count, 0);
    assert_int_equal(wb_coll_auto_iters(8), 100);
    assert_int_equal(wb_coll_auto_iters(64u << 20), 5);
}

/* The reference answer over ranks, computed directly. */
static int64_t reference(int op, int nranks, size_t i)
{
    int64_t acc = wb_coll_data_input(0, i);
    for (int r = 1; r < nranks; r++) {
        int64_t v = wb_coll_data_input(r, i);
        acc = op == WB_REDOP_SUM ? acc + v : op == WB_REDOP_MIN ? (v < acc ? v : acc) : (v > acc ? v : acc);
    }
    return acc;
}

static int64_t wrong_in(const void *buf, int dtype, int op, int nranks, int src, size_t offset, size_t n)
{
    struct wb_coll_data_period p;
    wb_coll_data_tabulate(&p, op, src, nranks);
    return wb_coll_data_count_wrong(buf, dtype, &p, offset, n);
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
        assert_int_equal(wrong_in(d, WB_DTYPE_DOUBLE, op, RANKS, 0, 17, N), 0);
        assert_int_equal(wrong_in(f, WB_DTYPE_FLOAT, op, RANKS, 0, 17, N), 0);
        assert_int_equal(wrong_in(i32, WB_DTYPE_INT32, op, RANKS, 0, 17, N), 0);
        assert_int_equal(wrong_in(i64, WB_DTYPE_INT64, op, RANKS, 0, 17, N), 0);
        d[3] += 1;
        f[999] = -1;
        i32[0] = 0;
        i64[500] *= 2;
        assert_int_equal(wrong_in(d, WB_DTYPE_DOUBLE, op, RANKS, 0, 17, N), 1);
        assert_int_equal(wrong_in(f, WB_DTYPE_FLOAT, op, RANKS, 0, 17, N), 1);
        assert_int_equal(wrong_in(i32, WB_DTYPE_INT32, op, RANKS, 0, 17, N), 1);
        assert_int_equal(wrong_in(i64, WB_DTYPE_INT64, op, RANKS, 0, 17, N), 1);
        /* The wrong offset is caught too. */
        assert_true(wrong_in(i64, WB_DTYPE_INT64, op, RANKS, 0, 18, N) > 0 || op != WB_REDOP_SUM);
    }
}

static void test_fill_and_gather_check(void **state)
{
    (void)state;
    float buf[64];
    struct wb_coll_data_period p, never;
    wb_coll_data_tabulate(&p, -1, 3, 4);
    wb_coll_data_fill(buf, WB_DTYPE_FLOAT, &p, 10, 64);
    for (size_t i = 0; i < 64; i++)
        assert_true(buf[i] == (float)wb_coll_data_input(3, 10 + i));
    assert_int_equal(wrong_in(buf, WB_DTYPE_FLOAT, -1, 4, 3, 10, 64), 0);
    assert_int_equal(wrong_in(buf, WB_DTYPE_FLOAT, -1, 4, 2, 10, 64), 64);
    /* Inputs are positive small integers: sums over many ranks stay exact in float, and the
     * falsified value is never expected. */
    wb_coll_data_never(&never);
    for (size_t i = 0; i < 1000; i++) {
        assert_true(wb_coll_data_input(7, i) >= 1 && wb_coll_data_input(7, i) <= 31);
        assert_true(wb_coll_data_input(7, i) == wb_coll_data_input(7, i % WB_COLL_DATA_PERIOD));
    }
    for (int op = -1; op < WB_REDOP_COUNT; op++) {
        wb_coll_data_tabulate(&p, op, 2, 6);
        for (size_t i = 0; i < WB_COLL_DATA_PERIOD; i++)
            assert_true(p.v[i] > 0 && p.v[i] != never.v[i]);
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
