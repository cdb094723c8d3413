/* wavebench exact: the arrays suite's input data and their exact answers in closed form.
 *
 * The data are small integers, so every exact answer is known in O(1) from the periods
 * of the pattern and every sum the kernels form is exact in double precision. */
#ifndef WB_EXACT_H
#define WB_EXACT_H

#include <stdint.h>

/* Element i of input a of an n-element array: ((13 i + 7) mod 31) - 14 (values -14..16,
 * each period of 31 sums to 31), except two minima -20 at n/2 and n-1 and two maxima
 * +20 at n/3 and 2n/3 (a minimum wins where they coincide). */
int64_t wb_exact_a(int64_t i, int64_t n);
/* Element i of input b: ((7 i + 3) mod 17) - 8 (values -8..8). */
int64_t wb_exact_b(int64_t i);

/* Fills buf[count] (float or double, enum wb_array_dtype) with a (which 0) or b (which 1)
 * at global indices lo .. lo+count-1. */
void wb_exact_fill(int dtype, void *buf, int which, int64_t lo, int64_t count, int64_t n);

/* Exact answers over the whole array. */
struct wb_exact_answers {
    int64_t sum, sum_abs;   /* sum of a, sum of |a| */
    int64_t dot, dot_abs;   /* sum of a*b, sum of |a*b| */
    int64_t sumsq;          /* sum of a^2 */
    int64_t max_abs;        /* max |a| */
    int64_t dot_max_abs;    /* max |a*b| */
    int64_t min, max;       /* values */
    int64_t imin, imax;     /* lowest global index of each */
};
void wb_exact_answers(struct wb_exact_answers *e, int64_t n);

/* Sum of a over global indices 0 .. i-1. */
int64_t wb_exact_prefix(int64_t i, int64_t n);

#endif
