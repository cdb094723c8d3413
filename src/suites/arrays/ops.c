/* wavebench ops: one run of each array operation, its check and its accounting. */
#include "wavebench/ops.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "wavebench/array_kernels.h"
#include "wavebench/partition.h"

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

int wb_ops_loc_create(MPI_Datatype *pair, MPI_Op *minloc, MPI_Op *maxloc)
{
    int rc;
    if ((rc = MPI_Type_contiguous(2, MPI_DOUBLE, pair)) != MPI_SUCCESS ||
        (rc = MPI_Type_commit(pair)) != MPI_SUCCESS ||
        (rc = MPI_Op_create(minloc_fn, 1, minloc)) != MPI_SUCCESS ||
        (rc = MPI_Op_create(maxloc_fn, 1, maxloc)) != MPI_SUCCESS)
        return rc;
    return MPI_SUCCESS;
}

void wb_ops_loc_free(MPI_Datatype *pair, MPI_Op *minloc, MPI_Op *maxloc)
{
    MPI_Op_free(minloc);
    MPI_Op_free(maxloc);
    MPI_Type_free(pair);
}

static int reduce_pair(struct wb_darray *A, double value, int64_t index, int want_max,
                       struct wb_ops_result *res)
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

int wb_ops_norm(int dtype, const void *x, size_t n, int64_t n_global, MPI_Comm comm,
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

void wb_ops_prepare(struct wb_darray *A, int op)
{
    if (op == WB_AOP_AXPY) {
        memcpy(A->c, A->b, (size_t)A->count * A->es);
        A->axpy_applied = 0;
    }
}

int wb_ops_run(struct wb_darray *A, const struct wb_arrays_config *ac, int op,
               struct wb_ops_result *res)
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
        rc = wb_ops_norm(A->dtype, A->a, m, A->n, A->comm, &res->value, &res->scaled);
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
        /* Two passes on any rank count, the serial baseline included, so that its
         * speedup compares the same work. */
        double offset = 0;
        local = wb_ak_sum(A->dtype, A->a, m);
        if (A->size > 1) {
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
static void *output(struct wb_darray *A, int op, int64_t *len)
{
    if (is_reduction(op))
        return NULL;
    *len = op == WB_AOP_SLICE ? A->plan.out_count : A->count;
    return op == WB_AOP_SLICE ? A->s : A->c;
}

static double get(const struct wb_darray *A, const void *p, int64_t i)
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

/* The norm's allowed error: the sum of squares' bound (wb_ak_sum_bound) relative to the
 * sum, delta; sqrt at most keeps it (|sqrt(1 + d) - 1| <= |d|) and rounds once, the
 * reference sqrt((double)sumsq) rounds at most twice; the scaled path's squares below the
 * type's normal range cost up to one rounding of the type (wb_ops_norm). An exact sum
 * below 2^53 on the unscaled path gives both sides the one correctly rounded sqrt of the
 * same double: 0. */
static double norm_tolerance(const struct wb_darray *A, size_t block,
                             const struct wb_ops_result *res, const struct wb_exact_answers *e)
{
    double sumsq = (double)e->sumsq, exact = sqrt(sumsq);
    double bound = wb_ak_sum_bound(A->dtype, block, A->size - 1, sumsq,
                                   (double)e->max_abs * (double)e->max_abs, 1, 1);
    if (bound == 0 && !res->scaled && sumsq <= 0x1p53)
        return 0;
    double delta = sumsq > 0 ? bound / sumsq : 0;
    return (delta + 4 * (DBL_EPSILON / 2) + (res->scaled ? unit_roundoff(A->dtype) : 0)) *
           (1 + delta) * exact;
}

/* Reductions are checked against the bound of the kernels' own summation scheme
 * (wb_ak_sum_bound) over the largest block (rank 0's), ranks - 1 more additions in the
 * MPI_SUM; the exact module's data are integers, so at the sizes a machine holds the
 * bound is 0 and one missing element fails. */
int64_t wb_ops_check(struct wb_darray *A, const struct wb_arrays_config *ac, int op,
                     const struct wb_ops_result *res, const struct wb_exact_answers *e)
{
    double u = unit_roundoff(A->dtype);
    int64_t biggest, lo0;
    wb_partition_block(A->n, A->size, 0, &lo0, &biggest);
    size_t block = (size_t)biggest;
    switch (op) {
    case WB_AOP_SUM:
        return fabs(res->value - (double)e->sum) >
               wb_ak_sum_bound(A->dtype, block, A->size - 1, (double)e->sum_abs,
                               (double)e->max_abs, 1, 0);
    case WB_AOP_DOT:
        return fabs(res->value - (double)e->dot) >
               wb_ak_sum_bound(A->dtype, block, A->size - 1, (double)e->dot_abs,
                               (double)e->dot_max_abs, 1, 1);
    case WB_AOP_NORM:
        return fabs(res->value - sqrt((double)e->sumsq)) > norm_tolerance(A, block, res, e);
    case WB_AOP_MIN:
        return res->value != (double)e->min || res->index != e->imin;
    case WB_AOP_MAX:
        return res->value != (double)e->max || res->index != e->imax;
    default:
        break;
    }
    int64_t len = 0, wrong = 0;
    const void *out = output(A, op, &len);
    int64_t prefix = op == WB_AOP_CUMSUM ? wb_exact_prefix(A->lo, A->n) : 0;
    for (int64_t i = 0; i < len; i++) {
        int64_t g = A->lo + i;
        double got = get(A, out, i), xa = (double)wb_exact_a(g, A->n);
        double yb = (double)wb_exact_b(g);
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
            ok = got == (double)wb_exact_a(
                            ac->slice_start + (A->plan.out_lo + i) * ac->slice_step, A->n);
            break;
        default:
            break;
        }
        wrong += !ok;
    }
    return wrong;
}

void wb_ops_corrupt(struct wb_darray *A, int op, struct wb_ops_result *res)
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

int wb_ops_record(struct wb_darray *A, int op, struct wb_ops_result *res)
{
    int64_t len;
    const void *out = output(A, op, &len);
    if (!out)
        return MPI_SUCCESS;
    double local = wb_ak_sum(A->dtype, out, (size_t)len);
    return MPI_Allreduce(&local, &res->value, 1, MPI_DOUBLE, MPI_SUM, A->comm);
}

/* Arrays of n elements each operation reads and writes (STREAM's words per element). */
static const double words[WB_AOP_COUNT] = {
    [WB_AOP_SUM] = 1, [WB_AOP_MIN] = 1, [WB_AOP_MAX] = 1, [WB_AOP_DOT] = 2,
    [WB_AOP_NORM] = 1, [WB_AOP_SCALE] = 2, [WB_AOP_ADD] = 3, [WB_AOP_AXPY] = 3,
    [WB_AOP_CUMSUM] = 2};

double wb_ops_bytes_useful(int op, const struct wb_ops_traffic *t)
{
    if (op == WB_AOP_SLICE)
        return 2.0 * (double)t->m * (double)t->es;
    return words[op] * (double)t->n * (double)t->es;
}

double wb_ops_bytes_streamed(int op, const struct wb_ops_traffic *t)
{
    double es = (double)t->es, n = (double)t->n, m = (double)t->m;
    switch (op) {
    case WB_AOP_CUMSUM:
        return 3 * n * es;
    case WB_AOP_NORM:
        return (t->scaled ? 3 : 1) * n * es;
    case WB_AOP_SLICE: {
        if (t->m == 0 || t->step == 1)
            return 2 * m * es;
        /* The span's lines, or one line per element once step * es passes a line. */
        double span = ((m - 1) * (double)t->step + 1) * es, lines = m * (double)t->line;
        return (span < lines ? span : lines) + m * es + 2 * (double)t->remote * es;
    }
    default:
        return wb_ops_bytes_useful(op, t);
    }
}

double wb_ops_footprint(int op, const struct wb_arrays_config *ac, int p, int r, size_t es)
{
    int64_t lo, count;
    wb_partition_block(ac->n, p, r, &lo, &count);
    if (op != WB_AOP_SLICE) /* axpy's y is read and written in place: two arrays */
        return (op == WB_AOP_AXPY ? 2 : words[op]) * (double)count * (double)es;
    struct wb_slice_plan plan;
    wb_slice_plan(&plan, ac->n, p, r, ac->slice_start, ac->slice_stop, ac->slice_step, NULL,
                  NULL);
    double pack = ac->slice_step > 1 ? (double)plan.nsel : 0;
    return ((double)count + (double)plan.out_count + pack) * (double)es;
}

double wb_ops_expected(int op, const struct wb_exact_answers *e, int64_t *index)
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
