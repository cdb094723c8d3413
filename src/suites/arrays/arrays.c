/* wavebench distributed arrays suite: partition, data with known answers, slice plans,
 * memory checks, and the harness (serial baseline, timing, checks, table). The local
 * kernels are in array_kernels.c. */
#define _DEFAULT_SOURCE /* madvise */
#include "wavebench/arrays.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "wavebench/stats.h"

/* ---- partition ------------------------------------------------------------------------ */

void wb_arrays_partition(int64_t n, int p, int r, int64_t *lo, int64_t *count)
{
    int64_t base = n / p, rem = n % p;
    *count = base + (r < rem);
    *lo = (int64_t)r * base + (r < rem ? r : rem);
}

int wb_arrays_owner(int64_t n, int p, int64_t i)
{
    int64_t base = n / p, rem = n % p, big = rem * (base + 1);
    if (i < big)
        return (int)(i / (base + 1));
    return (int)(rem + (i - big) / base); /* i >= big implies base >= 1 */
}

/* ---- slice ------------------------------------------------------------------------------ */

int64_t wb_arrays_slice_len(int64_t n, int64_t start, int64_t stop, int64_t step)
{
    if (stop < 0 || stop > n)
        stop = n;
    if (start >= stop)
        return 0;
    return (stop - start + step - 1) / step;
}

int64_t wb_arrays_slice_before(int64_t i, int64_t start, int64_t step, int64_t m)
{
    if (i <= start)
        return 0;
    int64_t k = (i - start + step - 1) / step;
    return k < m ? k : m;
}

static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

void wb_arrays_slice_plan(struct wb_arrays_slice_plan *plan, int64_t n, int p, int r,
                          int64_t start, int64_t stop, int64_t step, int64_t *sendcounts,
                          int64_t *recvcounts)
{
    int64_t m = wb_arrays_slice_len(n, start, stop, step), lo, count;
    wb_arrays_partition(n, p, r, &lo, &count);
    /* My selected elements are result elements k0 .. k1-1, in order. */
    int64_t k0 = wb_arrays_slice_before(lo, start, step, m);
    int64_t k1 = wb_arrays_slice_before(lo + count, start, step, m);
    plan->m = m;
    plan->nsel = k1 - k0;
    plan->first = plan->nsel ? start + k0 * step - lo : 0;
    wb_arrays_partition(m, p, r, &plan->out_lo, &plan->out_count);
    plan->remote = plan->nsel;
    for (int q = 0; q < p; q++) {
        int64_t qlo, qcount, olo, ocount;
        wb_arrays_partition(m, p, q, &olo, &ocount);
        int64_t send = overlap(k0, k1, olo, olo + ocount);
        if (q == r)
            plan->remote -= send;
        if (sendcounts)
            sendcounts[q] = send;
        if (recvcounts) {
            wb_arrays_partition(n, p, q, &qlo, &qcount);
            recvcounts[q] = overlap(wb_arrays_slice_before(qlo, start, step, m),
                                    wb_arrays_slice_before(qlo + qcount, start, step, m),
                                    plan->out_lo, plan->out_lo + plan->out_count);
        }
    }
}

/* ---- data and exact answers --------------------------------------------------------- */

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

int64_t wb_arrays_value_b(int64_t i)
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

int64_t wb_arrays_value(int64_t i, int64_t n)
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
                p[pos[k] - lo] = (T)wb_arrays_value(pos[k], n);                       \
    } while (0)

void wb_arrays_fill(int dtype, void *buf, int which, int64_t lo, int64_t count, int64_t n)
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
    int64_t a = pattern_a(i), b = wb_arrays_value_b(i);
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
        int64_t v = wb_arrays_value(i, n);
        int better = want_max ? v > *value : v < *value;
        if (*index < 0 || better || (v == *value && i < *index)) {
            *value = v;
            *index = i;
        }
    }
}

void wb_arrays_exact(struct wb_arrays_exact *e, int64_t n)
{
    e->sum = periodic_sum(n, A_MOD, term, F_A);
    e->sum_abs = periodic_sum(n, A_MOD, term, F_ABS_A);
    e->sumsq = periodic_sum(n, A_MOD, term, F_SQ_A);
    e->dot = periodic_sum(n, A_MOD * B_MOD, term, F_AB);
    e->dot_abs = periodic_sum(n, A_MOD * B_MOD, term, F_ABS_AB);
    int64_t pos[4];
    int k = specials(n, pos);
    for (int c = 0; c < k; c++) {
        int64_t i = pos[c], v = wb_arrays_value(i, n), p = pattern_a(i), b = wb_arrays_value_b(i);
        e->sum += v - p;
        e->sum_abs += abs64(v) - abs64(p);
        e->sumsq += v * v - p * p;
        e->dot += (v - p) * b;
        e->dot_abs += abs64(v * b) - abs64(p * b);
    }
    extreme(n, 0, &e->min, &e->imin);
    extreme(n, 1, &e->max, &e->imax);
}

int64_t wb_arrays_prefix(int64_t i, int64_t n)
{
    int64_t s = periodic_sum(i, A_MOD, term, F_A), pos[4];
    int k = specials(n, pos);
    for (int c = 0; c < k; c++)
        if (pos[c] < i)
            s += wb_arrays_value(pos[c], n) - pattern_a(pos[c]);
    return s;
}

/* ---- memory --------------------------------------------------------------------------- */

#define HUGE_PAGE ((size_t)2 << 20)

static size_t alloc_size(size_t bytes)
{
    if (bytes >= (HUGE_PAGE >> 1))
        return (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    return (bytes + 63) / 64 * 64 + 64;
}

void *wb_arrays_alloc(size_t bytes, int *huge)
{
    size_t size = alloc_size(bytes);
    void *p = NULL;
    if (huge)
        *huge = 0;
    if (posix_memalign(&p, size >= HUGE_PAGE ? HUGE_PAGE : 64, size) != 0)
        return NULL;
    if (size >= HUGE_PAGE) {
        int ok = madvise(p, size, MADV_HUGEPAGE) == 0;
        if (huge)
            *huge = ok;
    }
    return p;
}

int64_t wb_arrays_rank_bytes(const struct wb_arrays_config *ac, int p, int r, size_t elem_size)
{
    int64_t lo, count;
    wb_arrays_partition(ac->n, p, r, &lo, &count);
    int64_t total = 3 * (int64_t)alloc_size((size_t)count * elem_size);
    if (ac->ops & (1u << WB_AOP_SLICE)) {
        struct wb_arrays_slice_plan plan;
        wb_arrays_slice_plan(&plan, ac->n, p, r, ac->slice_start, ac->slice_stop,
                             ac->slice_step, NULL, NULL);
        total += (int64_t)alloc_size((size_t)plan.out_count * elem_size);
        if (ac->slice_step > 1)
            total += (int64_t)alloc_size((size_t)plan.nsel * elem_size);
    }
    return total;
}

static int64_t read_number(const char *path)
{
    FILE *f = fopen(path, "r");
    long long v = -1;
    if (f) {
        if (fscanf(f, "%lld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

/* Bytes this process may still allocate: MemAvailable, lowered by a cgroup limit (v2 or
 * v1) when one is set. -1 when unknown. */
static int64_t memory_available(void)
{
    int64_t avail = -1;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        long long kib;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
                avail = (int64_t)kib * 1024;
        fclose(f);
    }
    int64_t limit = read_number("/sys/fs/cgroup/memory.max"); /* "max" reads as -1 */
    int64_t used = read_number("/sys/fs/cgroup/memory.current");
    if (limit < 0) {
        limit = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
        used = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
    }
    if (limit > 0 && used >= 0 && limit < ((int64_t)1 << 60)) {
        int64_t room = limit > used ? limit - used : 0;
        if (avail < 0 || room < avail)
            avail = room;
    }
    return avail;
}

static size_t largest_elem(unsigned dtypes)
{
    return dtypes & (1u << WB_ADTYPE_DOUBLE) ? sizeof(double) : sizeof(float);
}

int wb_arrays_validate(const struct wb_world *w, const struct wb_config *cfg, struct wb_error *err)
{
    const struct wb_arrays_config *ac = &cfg->arrays;
    int p = w->size;
    if (ac->ops & (1u << WB_AOP_SLICE)) {
        if (wb_arrays_slice_len(ac->n, ac->slice_start, ac->slice_stop, ac->slice_step) == 0)
            return WB_FAIL(err, WB_ERR_USAGE,
                           "[arrays] slice_start: %lld:%lld selects nothing from %lld elements; "
                           "allowed start 0 to %lld below slice_stop",
                           (long long)ac->slice_start, (long long)ac->slice_stop,
                           (long long)ac->n, (long long)ac->n - 1);
    }
    /* What this rank's locality holds at once: every local rank's blocks, or (earlier,
     * alone) rank 0's whole serial copy. */
    size_t es = largest_elem(ac->dtypes);
    double need = 0;
    for (int r = 0; r < p; r++)
        if (w->locality_of[r] == w->locality)
            need += (double)wb_arrays_rank_bytes(ac, p, r, es);
    if (ac->serial_baseline && w->locality_of[0] == w->locality) {
        double serial = (double)wb_arrays_rank_bytes(ac, 1, 0, es);
        need = serial > need ? serial : need;
    }
    int64_t avail = memory_available();
    const double usable = 0.9; /* room for MPI, the OS and the rest of wavebench */
    if (avail > 0 && need > usable * (double)avail) {
        double fit = (double)ac->n * usable * (double)avail / need;
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[arrays] size: %lld %s elements need %.1f GiB on %s but %.1f GiB is "
                       "available; allowed at most about %.0f elements",
                       (long long)ac->n, es == sizeof(double) ? "double" : "float",
                       need / 1073741824.0, w->hostnames[w->rank],
                       (double)avail / 1073741824.0, fit);
    }
    if (ac->ops & (1u << WB_AOP_SLICE)) {
        int64_t block = (ac->n + p - 1) / p;
        if (block > INT_MAX)
            return WB_FAIL(err, WB_ERR_USAGE,
                           "[arrays] size: %lld elements on %d ranks give blocks of %lld, more "
                           "than slice's MPI counts allow (%d); use more ranks or leave slice out",
                           (long long)ac->n, p, (long long)block, INT_MAX);
    }
    return WB_OK;
}

/* ---- the suite ---------------------------------------------------------------------- */

/* One set of distributed arrays of one type over one communicator (the world, or
 * MPI_COMM_SELF for the serial baseline). */
struct darray {
    MPI_Comm comm;
    int rank, size;
    int dtype;
    size_t es;
    MPI_Datatype type;
    int64_t n, lo, count;
    void *a, *b, *c;  /* inputs a, b; the result array, reused by every operation */
    void *s, *pack;   /* slice result and its pack buffer (step > 1) */
    struct wb_arrays_slice_plan plan;
    int *scounts, *sdispls, *rcounts, *rdispls;
    int huge;         /* madvise(MADV_HUGEPAGE) accepted on every large array */
    int64_t self_skip, self_count, self_dst; /* slice: my elements that stay with me */
    int64_t axpy_applied;
    MPI_Datatype pair;     /* (value, index) as two doubles */
    MPI_Op minloc, maxloc;
};

struct op_result {
    double value;   /* reductions: the global result; others: sum of the output */
    int64_t index;  /* min, max: global index; else -1 */
    int scaled;     /* norm: the scaled two-pass path ran */
};

static void pair_reduce(const double *in, double *inout, int n, int want_max)
{
    for (int k = 0; k < n; k++, in += 2, inout += 2) {
        if (in[1] < 0)
            continue;
        int better = want_max ? in[0] > inout[0] : in[0] < inout[0];
        if (inout[1] < 0 || better || (in[0] == inout[0] && in[1] < inout[1])) {
            inout[0] = in[0];
            inout[1] = in[1];
        }
    }
}

static void minloc_fn(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    pair_reduce(in, inout, *len, 0);
}

static void maxloc_fn(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    pair_reduce(in, inout, *len, 1);
}

static void darray_free(struct darray *A)
{
    free(A->a);
    free(A->b);
    free(A->c);
    free(A->s);
    free(A->pack);
    free(A->scounts);
    A->a = A->b = A->c = A->s = A->pack = NULL;
    A->scounts = NULL;
}

static void *take(struct darray *A, int64_t count, int *failed)
{
    int huge = 1;
    void *p = wb_arrays_alloc((size_t)count * A->es, &huge);
    if (!p)
        *failed = 1;
    else if ((size_t)count * A->es >= HUGE_PAGE && !huge)
        A->huge = 0;
    return p;
}

/* Allocates and fills; returns WB_OK or WB_ERR_RUNTIME (this rank only). */
static int darray_init(struct darray *A, MPI_Comm comm, int rank, int size, int dtype,
                       const struct wb_arrays_config *ac, struct wb_error *err)
{
    A->comm = comm;
    A->rank = rank;
    A->size = size;
    A->dtype = dtype;
    A->es = dtype == WB_ADTYPE_FLOAT ? sizeof(float) : sizeof(double);
    A->type = dtype == WB_ADTYPE_FLOAT ? MPI_FLOAT : MPI_DOUBLE;
    A->n = ac->n;
    A->huge = 1;
    wb_arrays_partition(ac->n, size, rank, &A->lo, &A->count);
    int failed = 0;
    A->a = take(A, A->count, &failed);
    A->b = take(A, A->count, &failed);
    A->c = take(A, A->count, &failed);
    int64_t *counts = malloc(sizeof(int64_t) * 2 * (size_t)size);
    A->scounts = malloc(sizeof(int) * 4 * (size_t)size);
    if (!counts || !A->scounts)
        failed = 1;
    if (!failed && (ac->ops & (1u << WB_AOP_SLICE))) {
        wb_arrays_slice_plan(&A->plan, ac->n, size, rank, ac->slice_start, ac->slice_stop,
                             ac->slice_step, counts, counts + size);
        A->s = take(A, A->plan.out_count, &failed);
        if (ac->slice_step > 1)
            A->pack = take(A, A->plan.nsel, &failed);
        A->sdispls = A->scounts + size;
        A->rcounts = A->scounts + 2 * size;
        A->rdispls = A->scounts + 3 * size;
        int sd = 0, rd = 0;
        for (int q = 0; q < size; q++) {
            A->scounts[q] = (int)counts[q];
            A->rcounts[q] = (int)counts[size + q];
            A->sdispls[q] = sd;
            A->rdispls[q] = rd;
            sd += A->scounts[q];
            rd += A->rcounts[q];
        }
        /* What stays on this rank is gathered straight into the result; MPI moves the rest. */
        A->self_skip = A->sdispls[rank];
        A->self_count = A->scounts[rank];
        A->self_dst = A->rdispls[rank];
        A->scounts[rank] = A->rcounts[rank] = 0;
    }
    free(counts);
    if (failed) {
        darray_free(A);
        return WB_FAIL(err, WB_ERR_RUNTIME,
                       "arrays: cannot allocate the %s arrays of %lld elements on rank %d",
                       wb_array_dtype_name(dtype), (long long)A->count, rank);
    }
    /* First touch by the rank that uses the pages. */
    wb_arrays_fill(dtype, A->a, 0, A->lo, A->count, A->n);
    wb_arrays_fill(dtype, A->b, 1, A->lo, A->count, A->n);
    memset(A->c, 0, (size_t)A->count * A->es);
    if (A->s)
        memset(A->s, 0, (size_t)A->plan.out_count * A->es);
    if (A->pack)
        memset(A->pack, 0, (size_t)A->plan.nsel * A->es);
    return WB_OK;
}

static int reduce_pair(struct darray *A, double value, int64_t index, int want_max,
                       struct op_result *res)
{
    double in[2] = {value, index >= 0 ? (double)(A->lo + index) : -1}, out[2];
    int rc = MPI_Allreduce(in, out, 1, A->pair, want_max ? A->maxloc : A->minloc, A->comm);
    res->value = out[0];
    res->index = (int64_t)out[1];
    return rc;
}

/* MPI_Allreduce of one double, or a copy when comm is MPI_COMM_NULL (no MPI at all). */
static int reduce1(double in, double *out, MPI_Op op, MPI_Comm comm)
{
    if (comm == MPI_COMM_NULL) {
        *out = in;
        return MPI_SUCCESS;
    }
    return MPI_Allreduce(&in, out, 1, MPI_DOUBLE, op, comm);
}

int wb_arrays_norm(int dtype, const void *x, size_t n, int64_t n_global, MPI_Comm comm,
                   double *norm, int *scaled)
{
    double s;
    int rc = reduce1(wb_ak_sumsq(dtype, x, n, 1.0), &s, MPI_SUM, comm);
    /* Squares below the smallest normal number lose digits (float: 2^-126, double:
     * 2^-1022); with the sum above n_global * 2^-100 (2^-960) their share of it stays
     * below one rounding of the type. */
    double tiny = (double)n_global * (dtype == WB_ADTYPE_FLOAT ? 0x1p-100 : 0x1p-960);
    *scaled = !(isfinite(s) && s >= tiny);
    if (rc != MPI_SUCCESS || !*scaled) {
        *norm = sqrt(s);
        return rc;
    }
    double big;
    if ((rc = reduce1(wb_ak_maxabs(dtype, x, n), &big, MPI_MAX, comm)) != MPI_SUCCESS)
        return rc;
    if (big == 0 || !isfinite(big)) {
        *norm = big;
        return rc;
    }
    /* big = f 2^e, 0.5 <= f < 1: every x / 2^e is at most 1, the sum at most n_global. */
    int e;
    frexp(big, &e);
    int lo_e = dtype == WB_ADTYPE_FLOAT ? -125 : -1021; /* 2^-e stays finite in the type */
    e = e < lo_e ? lo_e : e;
    rc = reduce1(wb_ak_sumsq(dtype, x, n, ldexp(1.0, -e)), &s, MPI_SUM, comm);
    *norm = sqrt(s) * ldexp(1.0, e);
    return rc;
}

/* One run of an operation, communication included. */
static int run_op(struct darray *A, const struct wb_arrays_config *ac, int op,
                  struct op_result *res)
{
    size_t m = (size_t)A->count;
    double local, v;
    int64_t idx;
    int rc = MPI_SUCCESS;
    res->index = -1;
    res->scaled = 0;
    switch (op) {
    case WB_AOP_SUM:
        local = wb_ak_sum(A->dtype, A->a, m);
        rc = MPI_Allreduce(&local, &res->value, 1, MPI_DOUBLE, MPI_SUM, A->comm);
        break;
    case WB_AOP_MIN:
    case WB_AOP_MAX:
        wb_ak_minloc(A->dtype, A->a, m, op == WB_AOP_MAX, &v, &idx);
        rc = reduce_pair(A, v, idx, op == WB_AOP_MAX, res);
        break;
    case WB_AOP_DOT:
        local = wb_ak_dot(A->dtype, A->a, A->b, m);
        rc = MPI_Allreduce(&local, &res->value, 1, MPI_DOUBLE, MPI_SUM, A->comm);
        break;
    case WB_AOP_NORM:
        rc = wb_arrays_norm(A->dtype, A->a, m, A->n, A->comm, &res->value, &res->scaled);
        break;
    case WB_AOP_SCALE:
        wb_ak_scale(A->dtype, A->c, A->a, m, 2.0);
        break;
    case WB_AOP_ADD:
        wb_ak_add(A->dtype, A->c, A->a, A->b, m);
        break;
    case WB_AOP_AXPY:
        wb_ak_axpy(A->dtype, A->c, A->a, m, ac->alpha);
        A->axpy_applied++;
        break;
    case WB_AOP_CUMSUM: {
        double offset = 0;
        if (A->size > 1) {
            local = wb_ak_sum(A->dtype, A->a, m);
            rc = MPI_Exscan(&local, &offset, 1, MPI_DOUBLE, MPI_SUM, A->comm);
            if (A->rank == 0)
                offset = 0; /* MPI_Exscan leaves rank 0's result undefined */
        }
        wb_ak_cumsum(A->dtype, A->c, A->a, m, offset);
        break;
    }
    case WB_AOP_SLICE: {
        /* Selected elements k < self_skip go to lower ranks, then self_count stay here,
         * the rest go to higher ranks. Step 1 sends straight from a; larger steps pack. */
        size_t step = (size_t)ac->slice_step, first = (size_t)A->plan.first;
        size_t skip = (size_t)A->self_skip, self = (size_t)A->self_count;
        size_t after = skip + self;
        const void *send = (const char *)A->a + first * A->es;
        if (step > 1) {
            wb_ak_gather(A->dtype, A->pack, A->a, first, step, skip);
            wb_ak_gather(A->dtype, (char *)A->pack + after * A->es, A->a, first + after * step,
                         step, (size_t)A->plan.nsel - after);
            send = A->pack;
        }
        wb_ak_gather(A->dtype, (char *)A->s + (size_t)A->self_dst * A->es, A->a,
                     first + skip * step, step, self);
        rc = MPI_Alltoallv(send, A->scounts, A->sdispls, A->type, A->s, A->rcounts,
                           A->rdispls, A->type, A->comm);
        break;
    }
    default:
        break;
    }
    return rc;
}

static int is_reduction(int op)
{
    return op <= WB_AOP_NORM;
}

/* The operation's output array on this rank and its length (element-wise ops, scan,
 * slice), or NULL. */
static void *output(struct darray *A, int op, int64_t *len)
{
    if (is_reduction(op))
        return NULL;
    *len = op == WB_AOP_SLICE ? A->plan.out_count : A->count;
    return op == WB_AOP_SLICE ? A->s : A->c;
}

static double get(const struct darray *A, const void *p, int64_t i)
{
    return A->dtype == WB_ADTYPE_FLOAT ? (double)((const float *)p)[i] : ((const double *)p)[i];
}

/* Unit roundoff of the type the kernels accumulate their lanes in. */
static double unit_roundoff(int dtype)
{
    return dtype == WB_ADTYPE_FLOAT ? FLT_EPSILON / 2 : DBL_EPSILON / 2;
}

/* The axpy result after k applications y += alpha x from y = b, in the element type,
 * unfused and fused (either is a correct rounding of the kernel's expression). */
#define AXPY_EXPECT(T, FMA)                                                          \
    do {                                                                             \
        T x = (T)xa, al = (T)ac->alpha, e1 = (T)yb, e2 = (T)yb;                      \
        for (int64_t k = 0; k < A->axpy_applied; k++) {                              \
            T t = al * x;                                                            \
            e1 = e1 + t;                                                             \
            e2 = FMA(al, x, e2);                                                     \
        }                                                                            \
        ok = got == (double)e1 || got == (double)e2;                                 \
    } while (0)

/* Counts wrong values of the last run of op on this rank (reductions: 0 or 1, this
 * rank's copy of the result), against the exact answers e. */
static int64_t check_op(struct darray *A, const struct wb_arrays_config *ac, int op,
                        const struct op_result *res, const struct wb_arrays_exact *e)
{
    double u = unit_roundoff(A->dtype);
    int64_t biggest, lo0;
    wb_arrays_partition(A->n, A->size, 0, &lo0, &biggest);
    double depth = wb_ak_sum_depth((size_t)biggest) + (A->size - 1);
    double gamma = depth * u / (1 - depth * u);
    switch (op) {
    case WB_AOP_SUM:
        return fabs(res->value - (double)e->sum) > gamma * (double)e->sum_abs;
    case WB_AOP_DOT:
        gamma = (depth + 1) * u / (1 - (depth + 1) * u);
        return fabs(res->value - (double)e->dot) > gamma * (double)e->dot_abs;
    case WB_AOP_NORM: {
        double exact = sqrt((double)e->sumsq);
        return fabs(res->value - exact) > (gamma + 4 * DBL_EPSILON) * exact;
    }
    case WB_AOP_MIN:
        return res->value != (double)e->min || res->index != e->imin;
    case WB_AOP_MAX:
        return res->value != (double)e->max || res->index != e->imax;
    default:
        break;
    }
    int64_t len, wrong = 0;
    const void *out = output(A, op, &len);
    int64_t prefix = op == WB_AOP_CUMSUM ? wb_arrays_prefix(A->lo, A->n) : 0;
    for (int64_t i = 0; i < len; i++) {
        int64_t g = A->lo + i;
        double got = get(A, out, i), xa = (double)wb_arrays_value(g, A->n);
        double yb = (double)wb_arrays_value_b(g);
        int ok = 1;
        switch (op) {
        case WB_AOP_SCALE:
            ok = got == 2 * xa;
            break;
        case WB_AOP_ADD:
            ok = got == xa + yb;
            break;
        case WB_AOP_AXPY:
            if (A->dtype == WB_ADTYPE_FLOAT)
                AXPY_EXPECT(float, fmaf);
            else
                AXPY_EXPECT(double, fma);
            break;
        case WB_AOP_CUMSUM:
            /* Exact while the running sum is an integer the type holds exactly. */
            prefix += (int64_t)xa;
            ok = fabs(got - (double)prefix) <= 2 * u * fabs((double)prefix);
            break;
        case WB_AOP_SLICE:
            ok = got == (double)wb_arrays_value(
                            ac->slice_start + (A->plan.out_lo + i) * ac->slice_step, A->n);
            break;
        default:
            break;
        }
        wrong += !ok;
    }
    return wrong;
}

/* Test-only (debug.corrupt_rank): falsify this rank's copy of the result or its first
 * output element. */
static void corrupt(struct darray *A, int op, struct op_result *res)
{
    int64_t len;
    void *out = output(A, op, &len);
    if (!out) {
        res->value += 1;
    } else if (len > 0) {
        if (A->dtype == WB_ADTYPE_FLOAT)
            ((float *)out)[0] += 1;
        else
            ((double *)out)[0] += 1;
    }
}

/* What the table records of the output: the reductions' result, else the sum of the
 * output array (exact for this data, so identical for any rank count). */
static int record_value(struct darray *A, int op, struct op_result *res)
{
    int64_t len;
    const void *out = output(A, op, &len);
    if (!out)
        return MPI_SUCCESS;
    double local = wb_ak_sum(A->dtype, out, (size_t)len);
    return MPI_Allreduce(&local, &res->value, 1, MPI_DOUBLE, MPI_SUM, A->comm);
}

/* Bytes an operation reads and writes (whole array; the convention of STREAM: no
 * write-allocate traffic). */
static double op_bytes(int op, int64_t n, int64_t m, size_t es, int scaled)
{
    static const double words[WB_AOP_COUNT] = {
        [WB_AOP_SUM] = 1, [WB_AOP_MIN] = 1, [WB_AOP_MAX] = 1, [WB_AOP_DOT] = 2,
        [WB_AOP_NORM] = 1, [WB_AOP_SCALE] = 2, [WB_AOP_ADD] = 3, [WB_AOP_AXPY] = 3,
        [WB_AOP_CUMSUM] = 2, [WB_AOP_SLICE] = 2};
    if (op == WB_AOP_SLICE)
        return 2.0 * (double)m * (double)es;
    return (words[op] + (op == WB_AOP_NORM && scaled ? 2 : 0)) * (double)n * (double)es;
}

/* Warm-up, timed repetitions (raw[reps] in ms, this rank), one check of the last run.
 * Returns this rank's wrong count. */
static int64_t measure(struct darray *A, const struct wb_config *cfg, int op, double *raw,
                       struct op_result *res, const struct wb_arrays_exact *e, int corrupt_me)
{
    const struct wb_arrays_config *ac = &cfg->arrays;
    int rc;
    if (op == WB_AOP_AXPY) {
        memcpy(A->c, A->b, (size_t)A->count * A->es);
        A->axpy_applied = 0;
    }
    for (int64_t i = 0; i < ac->warmup; i++)
        if ((rc = run_op(A, ac, op, res)) != MPI_SUCCESS)
            wb_world_fatal_mpi(MPI_COMM_WORLD, A->rank, rc, "warm-up array operation");
    for (int64_t r = 0; r < ac->reps; r++) {
        if ((rc = MPI_Barrier(A->comm)) != MPI_SUCCESS)
            wb_world_fatal_mpi(MPI_COMM_WORLD, A->rank, rc, "MPI_Barrier");
        double t0 = MPI_Wtime();
        rc = run_op(A, ac, op, res);
        raw[r] = (MPI_Wtime() - t0) * 1e3;
        if (rc != MPI_SUCCESS)
            wb_world_fatal_mpi(MPI_COMM_WORLD, A->rank, rc, "timed array operation");
    }
    if (corrupt_me)
        corrupt(A, op, res);
    int64_t wrong = check_op(A, ac, op, res, e);
    if ((rc = record_value(A, op, res)) != MPI_SUCCESS)
        wb_world_fatal_mpi(MPI_COMM_WORLD, A->rank, rc, "checksum reduction");
    return wrong;
}

/* Column indices of the table. */
struct cols {
    int op, n, type, ranks, time, gbps, serial, speedup, eff, wrong;
    int bytes, localities, rep_min, rep_max, ci_lo, ci_hi, rank_min, rank_avg, rank_max;
    int s_gbps, s_rep_min, s_rep_max, s_ci_lo, s_ci_hi, s_wrong;
    int result, expected, index, expected_index, remote, scaled;
    int raw, s_raw;
};

static int define_table(struct wb_table *t, struct cols *c, size_t nreps)
{
    int bad = 0;
#define COL(f, name, type, role, better, head, unit, group, w, p)                                  \
    bad |= (c->f = wb_table_add_col(t, name, type, WB_ROLE_##role, WB_BETTER_##better, head, unit, \
                                    group, w, p)) < 0
    COL(op, "op", WB_COL_STR, KEY, NONE, "op", "", "", 7, 0);
    COL(n, "n", WB_COL_I64, KEY, NONE, "n", "elements", "", 11, 0);
    COL(type, "type", WB_COL_STR, KEY, NONE, "type", "", "", 7, 0);
    COL(ranks, "ranks", WB_COL_I64, KEY, NONE, "ranks", "", "", 5, 0);
    COL(time, "time", WB_COL_F64, FIGURE, LOWER, "time", "ms", "parallel", 10, 3);
    COL(gbps, "gbps", WB_COL_F64, FIGURE, HIGHER, "GB/s", "GB/s", "parallel", 8, 2);
    COL(serial, "serial_time", WB_COL_F64, FIGURE, LOWER, "time", "ms", "serial (rank 0)", 10, 3);
    COL(speedup, "speedup", WB_COL_F64, FIGURE, HIGHER, "speedup", "", "serial (rank 0)", 8, 2);
    COL(eff, "efficiency", WB_COL_F64, FIGURE, HIGHER, "eff", "", "serial (rank 0)", 6, 2);
    COL(wrong, "wrong", WB_COL_F64, VERDICT, LOWER, "#wrong", "", "", 7, 0);
    COL(bytes, "bytes", WB_COL_I64, CONTEXT, NONE, NULL, "B", "", 0, 0);
    COL(localities, "localities", WB_COL_I64, CONTEXT, NONE, NULL, "", "", 0, 0);
    COL(rep_min, "time_rep_min", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(rep_max, "time_rep_max", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(ci_lo, "time_ci_lo", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(ci_hi, "time_ci_hi", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(rank_min, "time_rank_min", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(rank_avg, "time_rank_avg", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(rank_max, "time_rank_max", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(s_gbps, "serial_gbps", WB_COL_F64, FIGURE, HIGHER, NULL, "GB/s", "", 0, 0);
    COL(s_rep_min, "serial_rep_min", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(s_rep_max, "serial_rep_max", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(s_ci_lo, "serial_ci_lo", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(s_ci_hi, "serial_ci_hi", WB_COL_F64, SPREAD, NONE, NULL, "ms", "", 0, 0);
    COL(s_wrong, "serial_wrong", WB_COL_F64, VERDICT, LOWER, NULL, "", "", 0, 0);
    COL(result, "result", WB_COL_F64, CONTEXT, NONE, NULL, "", "", 0, 0);
    COL(expected, "expected", WB_COL_F64, CONTEXT, NONE, NULL, "", "", 0, 0);
    COL(index, "index", WB_COL_I64, CONTEXT, NONE, NULL, "", "", 0, 0);
    COL(expected_index, "expected_index", WB_COL_I64, CONTEXT, NONE, NULL, "", "", 0, 0);
    COL(remote, "remote_elements", WB_COL_I64, CONTEXT, NONE, NULL, "elements", "", 0, 0);
    COL(scaled, "norm_scaled", WB_COL_I64, CONTEXT, NONE, NULL, "", "", 0, 0);
#undef COL
    bad |= (c->raw = wb_table_add_raw(t, "time_raw", "ms", nreps)) < 0;
    bad |= (c->s_raw = wb_table_add_raw(t, "serial_time_raw", "ms", nreps)) < 0;
    return bad ? -1 : 0;
}

/* The reference answer the table shows next to the result. */
static double expected_value(int op, const struct wb_arrays_exact *e, int64_t *index)
{
    *index = op == WB_AOP_MIN ? e->imin : op == WB_AOP_MAX ? e->imax : -1;
    switch (op) {
    case WB_AOP_SUM: return (double)e->sum;
    case WB_AOP_MIN: return (double)e->min;
    case WB_AOP_MAX: return (double)e->max;
    case WB_AOP_DOT: return (double)e->dot;
    case WB_AOP_NORM: return sqrt((double)e->sumsq);
    default: return NAN; /* outputs are checked element by element */
    }
}

struct run_state {
    const struct wb_world *w;
    const struct wb_config *cfg;
    struct wb_table *t;
    struct cols c;
    struct wb_arrays_exact exact;
    MPI_Datatype pair;
    MPI_Op minloc, maxloc;
    int huge;
    int64_t wrong_total;
};

static int nops_selected(unsigned ops)
{
    int k = 0;
    for (int op = 0; op < WB_AOP_COUNT; op++)
        k += (ops >> op) & 1;
    return k;
}

/* Rank 0 alone over the whole array; fills the serial columns of rows first .. on every
 * rank (the times travel from rank 0). Returns a status agreed by every rank. */
static int serial_phase(struct run_state *st, int dtype, size_t first, struct wb_error *err)
{
    const struct wb_arrays_config *ac = &st->cfg->arrays;
    const struct wb_world *w = st->w;
    size_t nreps = (size_t)ac->reps, nops = (size_t)nops_selected(ac->ops);
    double *times = calloc(nops * nreps + 2 * nops, sizeof(double)); /* + wrong, scaled */
    if (!times)
        WB_FAIL(err, WB_ERR_RUNTIME, "arrays: out of memory (serial times)");
    struct darray A = {.pair = st->pair, .minloc = st->minloc, .maxloc = st->maxloc};
    if (times && w->rank == 0)
        darray_init(&A, MPI_COMM_SELF, 0, 1, dtype, ac, err);
    int status = wb_world_agree(w, err);
    if (status != WB_OK) {
        if (w->rank == 0)
            darray_free(&A);
        free(times);
        return status;
    }
    if (w->rank == 0) {
        st->huge &= A.huge;
        size_t k = 0;
        for (int op = 0; op < WB_AOP_COUNT; op++) {
            if (!(ac->ops & (1u << op)))
                continue;
            struct op_result res;
            times[nops * nreps + k] =
                (double)measure(&A, st->cfg, op, times + k * nreps, &res, &st->exact, 0);
            times[nops * nreps + nops + k] = res.scaled;
            k++;
        }
        darray_free(&A);
    }
    /* The other ranks wait without spinning: a polling rank can take issue slots or
     * memory bandwidth from rank 0 (on this kind of VM the serial baseline ran at half
     * speed beside a rank busy-waiting in MPI_Bcast). */
    MPI_Request req;
    int done = 0, rc = MPI_Ibarrier(w->comm, &req);
    while (rc == MPI_SUCCESS && !done) {
        rc = MPI_Test(&req, &done, MPI_STATUS_IGNORE);
        if (!done && w->rank != 0)
            nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
    if (rc == MPI_SUCCESS)
        rc = MPI_Bcast(times, (int)(nops * nreps + 2 * nops), MPI_DOUBLE, 0, w->comm);
    if (rc != MPI_SUCCESS)
        wb_world_fatal_mpi(MPI_COMM_WORLD, w->rank, rc, "MPI_Bcast of serial times");
    struct wb_table *t = st->t;
    for (size_t k = 0; k < nops; k++) {
        size_t row = first + k;
        struct wb_summary s;
        if (wb_summarize(&s, times + k * nreps, nreps) != 0)
            wb_world_fatal_mpi(MPI_COMM_WORLD, w->rank, MPI_ERR_NO_MEM, "statistics buffer");
        double *raw = wb_table_raw(t, st->c.s_raw, row);
        for (size_t r = 0; r < nreps; r++)
            raw[r] = w->rank == 0 ? times[k * nreps + r] : NAN;
        double bytes = (double)t->cols[st->c.bytes].data.i64[row];
        if (times[nops * nreps + nops + k] != 0)
            bytes += 2.0 * (double)ac->n * (dtype == WB_ADTYPE_FLOAT ? 4 : 8);
        wb_table_set_f64(t, row, st->c.serial, s.median);
        wb_table_set_f64(t, row, st->c.s_gbps, bytes / (s.median * 1e-3) / 1e9);
        wb_table_set_f64(t, row, st->c.s_rep_min, s.min);
        wb_table_set_f64(t, row, st->c.s_rep_max, s.max);
        wb_table_set_f64(t, row, st->c.s_ci_lo, s.ci_lo);
        wb_table_set_f64(t, row, st->c.s_ci_hi, s.ci_hi);
        wb_table_set_f64(t, row, st->c.s_wrong, times[nops * nreps + k]);
        st->wrong_total += (int64_t)times[nops * nreps + k];
    }
    free(times);
    return WB_OK;
}

/* Every rank over its block: times, checks and the parallel columns of rows first .. */
static int parallel_phase(struct run_state *st, int dtype, size_t first, struct wb_error *err)
{
    const struct wb_arrays_config *ac = &st->cfg->arrays;
    const struct wb_world *w = st->w;
    size_t nreps = (size_t)ac->reps;
    struct darray A = {.pair = st->pair, .minloc = st->minloc, .maxloc = st->maxloc};
    darray_init(&A, w->comm, w->rank, w->size, dtype, ac, err);
    int status = wb_world_agree(w, err);
    if (status != WB_OK) {
        darray_free(&A);
        return status;
    }
    int huge = A.huge, huge_all;
    MPI_Allreduce(&huge, &huge_all, 1, MPI_INT, MPI_MIN, w->comm);
    st->huge &= huge_all;
    struct wb_table *t = st->t;
    const struct cols *c = &st->c;
    size_t row = first;
    for (int op = 0; op < WB_AOP_COUNT; op++) {
        if (!(ac->ops & (1u << op)))
            continue;
        double *raw = wb_table_raw(t, c->raw, row);
        struct op_result res;
        int64_t wrong = measure(&A, st->cfg, op, raw, &res, &st->exact,
                                st->cfg->debug_corrupt_rank == w->rank);
        struct wb_rank_stats rs;
        int64_t wrong_all, remote = A.plan.remote, remote_all;
        int rc;
        if ((rc = wb_stats_across_ranks(&rs, raw, nreps, w->comm)) ||
            (rc = MPI_Allreduce(&wrong, &wrong_all, 1, MPI_INT64_T, MPI_SUM, w->comm)) ||
            (rc = MPI_Allreduce(&remote, &remote_all, 1, MPI_INT64_T, MPI_SUM, w->comm)))
            wb_world_fatal_mpi(MPI_COMM_WORLD, w->rank, rc, "statistics across ranks");
        const struct wb_summary s = rs.slowest;
        double bytes = op_bytes(op, ac->n, A.plan.m, A.es, res.scaled);
        int64_t eidx;
        double expect = expected_value(op, &st->exact, &eidx);
        wb_table_set_f64(t, row, c->time, s.median);
        wb_table_set_f64(t, row, c->gbps, bytes / (s.median * 1e-3) / 1e9);
        wb_table_set_f64(t, row, c->rep_min, s.min);
        wb_table_set_f64(t, row, c->rep_max, s.max);
        wb_table_set_f64(t, row, c->ci_lo, s.ci_lo);
        wb_table_set_f64(t, row, c->ci_hi, s.ci_hi);
        wb_table_set_f64(t, row, c->rank_min, rs.rank_min);
        wb_table_set_f64(t, row, c->rank_avg, rs.rank_avg);
        wb_table_set_f64(t, row, c->rank_max, rs.rank_max);
        wb_table_set_f64(t, row, c->wrong, (double)wrong_all);
        wb_table_set_f64(t, row, c->result, res.value);
        wb_table_set_f64(t, row, c->expected, expect);
        wb_table_set_i64(t, row, c->index, res.index);
        wb_table_set_i64(t, row, c->expected_index, eidx);
        wb_table_set_i64(t, row, c->remote, op == WB_AOP_SLICE ? remote_all : 0);
        wb_table_set_i64(t, row, c->scaled, res.scaled);
        double serial = t->cols[c->serial].data.f64[row];
        wb_table_set_f64(t, row, c->speedup, serial / s.median);
        wb_table_set_f64(t, row, c->eff, serial / s.median / w->size);
        st->wrong_total += wrong_all;
        row++;
    }
    darray_free(&A);
    return WB_OK;
}

static void describe(struct wb_table *t, const struct run_state *st)
{
    const struct wb_arrays_config *ac = &st->cfg->arrays;
    char text[256], thp[64] = "unknown";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f) {
        if (!fgets(thp, sizeof thp, f))
            snprintf(thp, sizeof thp, "unknown");
        thp[strcspn(thp, "\n")] = '\0';
        fclose(f);
    }
    /* Table attributes must be the same on every rank: rank 0's setting is recorded. */
    MPI_Bcast(thp, sizeof thp, MPI_CHAR, 0, st->w->comm);
    wb_table_attr_text(t, "backend", "cpu");
    wb_table_attr_num(t, "ranks", st->w->size);
    wb_table_attr_num(t, "localities", st->w->n_localities);
    wb_table_attr_text(t, "partition", "contiguous blocks, the first n % ranks one longer");
    wb_table_attr_num(t, "warmup", (double)ac->warmup);
    wb_table_attr_num(t, "repetitions", (double)ac->reps);
    wb_table_attr_num(t, "alpha", ac->alpha);
    snprintf(text, sizeof text, "%lld:%lld:%lld, %lld elements", (long long)ac->slice_start,
             (long long)ac->slice_stop, (long long)ac->slice_step,
             (long long)wb_arrays_slice_len(ac->n, ac->slice_start, ac->slice_stop,
                                            ac->slice_step));
    wb_table_attr_text(t, "slice", text);
    wb_table_attr_text(t, "serial_baseline", ac->serial_baseline ? "rank 0 alone, same code" : "off");
    wb_table_attr_text(t, "memory", "2 MiB aligned + MADV_HUGEPAGE; result arrays reused");
    wb_table_attr_text(t, "huge_pages", st->huge ? "madvise accepted" : "madvise refused");
    wb_table_attr_text(t, "thp_enabled", thp);
    wb_table_attr_text(t, "bytes", "reads + writes, no write-allocate (docs/results-format.md)");
    snprintf(text, sizeof text, "blocks of %d, %d lanes, pairwise", WB_AK_BLOCK, WB_AK_ACC);
    wb_table_attr_text(t, "summation", text);
    wb_table_attr_text(t, "tolerance", "sum, dot, norm: gamma_K sum|x|; others exact");
    wb_table_attr_text(t, "axpy", "y = b once, not reset: after k runs b + k alpha a");
    wb_table_attr_text(t, "cumsum", "local total, MPI_Exscan, local scan from the offset");
    wb_table_attr_num(t, "wrong", (double)st->wrong_total);
    wb_table_attr_text(t, "verdict", st->wrong_total ? "FAILED" : "OK");
}

int wb_arrays_run(const struct wb_world *w, const struct wb_config *cfg,
                  struct wb_results *results, struct wb_error *err)
{
    const struct wb_arrays_config *ac = &cfg->arrays;
    char title[160];
    snprintf(title, sizeof title,
             "distributed arrays, %d ranks on %d localities; time: median over %lld repetitions of the slowest rank",
             w->size, w->n_localities, (long long)ac->reps);
    struct run_state st = {.w = w, .cfg = cfg, .huge = 1};
    st.t = wb_results_new_table(results, "arrays/ops", title);
    if (!st.t || define_table(st.t, &st.c, (size_t)ac->reps) != 0)
        return WB_FAIL(err, WB_ERR_RUNTIME, "arrays: out of memory (results table)");
    wb_arrays_exact(&st.exact, ac->n);
    if (MPI_Type_contiguous(2, MPI_DOUBLE, &st.pair) != MPI_SUCCESS ||
        MPI_Type_commit(&st.pair) != MPI_SUCCESS ||
        MPI_Op_create(minloc_fn, 1, &st.minloc) != MPI_SUCCESS ||
        MPI_Op_create(maxloc_fn, 1, &st.maxloc) != MPI_SUCCESS)
        return WB_FAIL(err, WB_ERR_RUNTIME, "arrays: cannot create the MPI min/max-location op");

    int status = WB_OK;
    int64_t m = wb_arrays_slice_len(ac->n, ac->slice_start, ac->slice_stop, ac->slice_step);
    for (int d = 0; d < WB_ADTYPE_COUNT && status == WB_OK; d++) {
        if (!(ac->dtypes & (1u << d)))
            continue;
        size_t first = st.t->nrows, es = d == WB_ADTYPE_FLOAT ? 4 : 8;
        for (int op = 0; op < WB_AOP_COUNT; op++) {
            if (!(ac->ops & (1u << op)))
                continue;
            long row = wb_table_add_row(st.t);
            if (row < 0) {
                status = WB_FAIL(err, WB_ERR_RUNTIME, "arrays: out of memory (results table)");
                break;
            }
            const struct cols *c = &st.c;
            wb_table_set_str(st.t, (size_t)row, c->op, wb_array_op_name(op));
            wb_table_set_i64(st.t, (size_t)row, c->n, ac->n);
            wb_table_set_str(st.t, (size_t)row, c->type, wb_array_dtype_name(d));
            wb_table_set_i64(st.t, (size_t)row, c->ranks, w->size);
            wb_table_set_i64(st.t, (size_t)row, c->localities, w->n_localities);
            wb_table_set_i64(st.t, (size_t)row, c->bytes, (int64_t)op_bytes(op, ac->n, m, es, 0));
            const int nan_cols[] = {c->serial, c->speedup, c->eff, c->s_gbps, c->s_rep_min,
                                    c->s_rep_max, c->s_ci_lo, c->s_ci_hi, c->s_wrong};
            for (size_t k = 0; k < WB_ARRAY_LEN(nan_cols); k++)
                wb_table_set_f64(st.t, (size_t)row, nan_cols[k], NAN);
            double *sraw = wb_table_raw(st.t, c->s_raw, (size_t)row);
            for (int64_t r = 0; r < ac->reps; r++)
                sraw[r] = NAN;
        }
        if (status == WB_OK && ac->serial_baseline)
            status = serial_phase(&st, d, first, err);
        if (status == WB_OK)
            status = parallel_phase(&st, d, first, err);
    }
    describe(st.t, &st);
    MPI_Op_free(&st.minloc);
    MPI_Op_free(&st.maxloc);
    MPI_Type_free(&st.pair);
    if (status == WB_OK && st.wrong_total > 0)
        status = WB_FAIL(err, WB_ERR_CHECK, "arrays: %lld wrong values", (long long)st.wrong_total);
    return status;
}
