/* wavebench exact: periodic input data with planted extremes, and their closed forms. */
#include "wavebench/exact.h"

#include "wavebench/config.h"

#define A_MOD 31
#define A_MUL 13
#define A_ADD 7
#define A_OFF 14
#define B_MOD 17
#define B_MUL 7
#define B_ADD 3
#define B_OFF 8
#define SPECIAL_MIN (-20)
#define SPECIAL_MAX 20

static int64_t pattern_a(int64_t i)
{
    return (A_MUL * (i % A_MOD) + A_ADD) % A_MOD - A_OFF;
}

int64_t wb_exact_b(int64_t i)
{
    return (B_MUL * (i % B_MOD) + B_ADD) % B_MOD - B_OFF;
}

/* The distinct special positions of an n-element array (at most 4). */
static int specials(int64_t n, int64_t pos[4])
{
    const int64_t cand[4] = {n / 2, n - 1, n / 3, 2 * n / 3};
    int k = 0;
    for (int c = 0; c < 4; c++) {
        int dup = 0;
        for (int j = 0; j < k; j++)
            dup |= pos[j] == cand[c];
        if (!dup)
            pos[k++] = cand[c];
    }
    return k;
}

int64_t wb_exact_a(int64_t i, int64_t n)
{
    if (i == n / 2 || i == n - 1)
        return SPECIAL_MIN;
    if (i == n / 3 || i == 2 * n / 3)
        return SPECIAL_MAX;
    return pattern_a(i);
}

#define FILL_AS(T)                                                                    \
    do {                                                                              \
        T *p = buf;                                                                   \
        for (int64_t i = 0; i < count; i++) {                                         \
            p[i] = (T)(res - off);                                                    \
            res += mul;                                                               \
            if (res >= mod)                                                           \
                res -= mod;                                                           \
        }                                                                             \
        for (int k = 0; which == 0 && k < nspecial; k++)                              \
            if (pos[k] >= lo && pos[k] < lo + count)                                  \
                p[pos[k] - lo] = (T)wb_exact_a(pos[k], n);                            \
    } while (0)

void wb_exact_fill(int dtype, void *buf, int which, int64_t lo, int64_t count, int64_t n)
{
    int64_t mod = which ? B_MOD : A_MOD, mul = which ? B_MUL : A_MUL;
    int64_t off = which ? B_OFF : A_OFF;
    int64_t res = (mul * (lo % mod) + (which ? B_ADD : A_ADD)) % mod;
    int64_t pos[4];
    int nspecial = specials(n, pos);
    if (dtype == WB_ADTYPE_FLOAT)
        FILL_AS(float);
    else
        FILL_AS(double);
}

/* Sum over i in [0, n) of f(i) for f periodic with period `period`. */
static int64_t periodic_sum(int64_t n, int64_t period, int64_t (*f)(int64_t, int), int what)
{
    int64_t full = 0, part = 0, rem = n % period;
    for (int64_t i = 0; i < period; i++) {
        int64_t v = f(i, what);
        full += v;
        if (i < rem)
            part += v;
    }
    return (n / period) * full + part;
}

enum { F_A, F_ABS_A, F_SQ_A, F_AB, F_ABS_AB };

static int64_t term(int64_t i, int what)
{
    int64_t a = pattern_a(i), b = wb_exact_b(i);
    switch (what) {
    case F_A: return a;
    case F_ABS_A: return a < 0 ? -a : a;
    case F_SQ_A: return a * a;
    case F_AB: return a * b;
    default: return a * b < 0 ? -a * b : a * b;
    }
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* The extreme value and its lowest index. Small arrays: a scan. Larger ones: the
 * candidates are the specials and the first 5 places of the pattern's extreme (the
 * specials overwrite at most 4 of them). */
static void extreme(int64_t n, int want_max, int64_t *value, int64_t *index)
{
    int64_t pos[4], first = 0;
    int k = specials(n, pos);
    while (pattern_a(first) != (want_max ? A_MOD - 1 - A_OFF : -A_OFF))
        first++;
    int ncand = n <= 6 * A_MOD ? (int)n : k + 5;
    *index = -1;
    *value = 0;
    for (int c = 0; c < ncand; c++) {
        int64_t i = n <= 6 * A_MOD ? c : c < k ? pos[c] : first + (int64_t)(c - k) * A_MOD;
        if (i >= n)
            continue;
        int64_t v = wb_exact_a(i, n);
        int better = want_max ? v > *value : v < *value;
        if (*index < 0 || better || (v == *value && i < *index)) {
            *value = v;
            *index = i;
        }
    }
}

void wb_exact_answers(struct wb_exact_answers *e, int64_t n)
{
    e->sum = periodic_sum(n, A_MOD, term, F_A);
    e->sum_abs = periodic_sum(n, A_MOD, term, F_ABS_A);
    e->sumsq = periodic_sum(n, A_MOD, term, F_SQ_A);
    e->dot = periodic_sum(n, A_MOD * B_MOD, term, F_AB);
    e->dot_abs = periodic_sum(n, A_MOD * B_MOD, term, F_ABS_AB);
    int64_t pos[4];
    int k = specials(n, pos);
    for (int c = 0; c < k; c++) {
        int64_t i = pos[c], v = wb_exact_a(i, n), p = pattern_a(i), b = wb_exact_b(i);
        e->sum += v - p;
        e->sum_abs += abs64(v) - abs64(p);
        e->sumsq += v * v - p * p;
        e->dot += (v - p) * b;
        e->dot_abs += abs64(v * b) - abs64(p * b);
    }
    extreme(n, 0, &e->min, &e->imin);
    extreme(n, 1, &e->max, &e->imax);
    e->max_abs = abs64(e->min) > abs64(e->max) ? abs64(e->min) : abs64(e->max);
    /* Each residue of the joint period at its first place not taken by a special, then
     * the specials. */
    const int64_t period = A_MOD * B_MOD;
    e->dot_max_abs = 0;
    for (int64_t r = 0; r < n && r < period; r++)
        for (int64_t i = r; i < n; i += period)
            if (wb_exact_a(i, n) == pattern_a(i)) {
                if (term(r, F_ABS_AB) > e->dot_max_abs)
                    e->dot_max_abs = term(r, F_ABS_AB);
                break;
            }
    for (int c = 0; c < k; c++)
        if (abs64(wb_exact_a(pos[c], n) * wb_exact_b(pos[c])) > e->dot_max_abs)
            e->dot_max_abs = abs64(wb_exact_a(pos[c], n) * wb_exact_b(pos[c]));
}

int64_t wb_exact_prefix(int64_t i, int64_t n)
{
    int64_t s = periodic_sum(i, A_MOD, term, F_A), pos[4];
    int k = specials(n, pos);
    for (int c = 0; c < k; c++)
        if (pos[c] < i)
            s += wb_exact_a(pos[c], n) - pattern_a(pos[c]);
    return s;
}
