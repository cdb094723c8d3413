/* Unit tests of the statistics: median, range, the distribution-free CI of the median. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "wavebench/stats.h"

static void test_summary(void **state)
{
    (void)state;
    double x[] = {5, 1, 4, 2, 3};
    struct wb_summary s;
    assert_int_equal(wb_summarize(&s, x, 5), 0);
    assert_true(s.min == 1 && s.max == 5 && s.median == 3 && s.mean == 3);
    assert_true(isnan(s.ci_lo) && isnan(s.ci_hi)); /* too few for a 95% CI */
    assert_true(x[0] == 5);                          /* input untouched */
    double y[] = {4, 1, 3, 2};
    assert_int_equal(wb_summarize(&s, y, 4), 0);
    assert_true(s.median == 2.5);
}

static void test_ci_ranks(void **state)
{
    (void)state;
    size_t lo, hi;
    wb_median_ci_ranks(5, &lo, &hi);
    assert_int_equal(lo, 0);
    wb_median_ci_ranks(6, &lo, &hi);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 6);
    /* Le Boudec's table: n = 10 -> (2, 9), n = 100 -> (40, 61). */
    wb_median_ci_ranks(10, &lo, &hi);
    assert_int_equal(lo, 2);
    assert_int_equal(hi, 9);
    wb_median_ci_ranks(100, &lo, &hi);
    assert_int_equal(lo, 40);
    assert_int_equal(hi, 61);
    /* From 1075 on, 2^-n underflows a double. Expected ranks by exact rational arithmetic
     * (Python: the largest k with 40 * sum(comb(n, j) for j < k) <= 2**n). */
    wb_median_ci_ranks(1075, &lo, &hi);
    assert_int_equal(lo, 505);
    assert_int_equal(hi, 571);
    wb_median_ci_ranks(100000, &lo, &hi);
    assert_int_equal(lo, 49690);
    assert_int_equal(hi, 50311);
    /* Every n: a proper interval around the median, never inverted. */
    for (size_t n = 6; n <= 5000; n++) {
        wb_median_ci_ranks(n, &lo, &hi);
        assert_true(lo >= 1 && lo <= (n + 1) / 2 && hi == n - lo + 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_ci_ranks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
