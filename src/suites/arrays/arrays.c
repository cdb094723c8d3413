/* wavebench distributed arrays suite: the harness. Checks the configuration before any
 * work, then per type runs every operation (ops.h) on the serial baseline and in
 * parallel, times it, checks it and fills the table "arrays/ops". */
#define _DEFAULT_SOURCE /* nanosleep */
#include "wavebench/arrays.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wavebench/array_kernels.h"
#include "wavebench/stragglers.h"
#include "wavebench/watchdog.h"
#include "wavebench/cache.h"
#include "wavebench/darray.h"
#include "wavebench/exact.h"
#include "wavebench/membw.h"
#include "wavebench/memory.h"
#include "wavebench/ops.h"
#include "wavebench/progress.h"
#include "wavebench/signals.h"
#include "wavebench/slice.h"
#include "wavebench/stats.h"

static size_t largest_elem(unsigned dtypes)
{
    return dtypes & (1u << WB_ADTYPE_DOUBLE) ? sizeof(double) : sizeof(float);
}

int wb_arrays_validate(const struct wb_world *w, const struct wb_config *cfg, struct wb_error *err)
{
    const struct wb_arrays_config *ac = &cfg->arrays;
    int p = w->size;
    if (ac->ops & (1u << WB_AOP_SLICE)) {
        if (wb_slice_len(ac->n, ac->slice_start, ac->slice_stop, ac->slice_step) == 0)
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
            need += (double)wb_darray_rank_bytes(ac, p, r, es);
    if (ac->serial_baseline && w->locality_of[0] == w->locality) {
        double serial = (double)wb_darray_rank_bytes(ac, 1, 0, es);
        need = serial > need ? serial : need;
    }
    /* The bandwidth probe runs before, alone. */
    struct wb_cache_llc llc;
    int local = w->ranks_per_locality[w->locality];
    double probe = (double)local *
                   (double)wb_membw_rank_bytes(wb_membw_elements(wb_cache_llc(&llc, WB_CACHE_SYSFS), local));
    need = probe > need ? probe : need;
    int64_t avail = wb_memory_available();
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

/* Warm-up, timed repetitions (raw[reps] in ms, this rank), one check of the last run.
 * Returns this rank's wrong count. A stop request on A's ranks, asked before every
 * repetition, ends it early with *stop the signal and nothing checked. */
static int64_t measure(struct wb_darray *A, const struct wb_config *cfg, int op, double *raw,
                       struct wb_ops_result *res, const struct wb_exact_answers *e,
                       int corrupt_me, int *stop)
{
    const struct wb_arrays_config *ac = &cfg->arrays;
    int rc;
    wb_watchdog_arm("arrays %s on %lld %s elements (%d ranks)", wb_array_op_name(op),
                    (long long)A->n, wb_array_dtype_name(A->dtype), A->size);
    wb_ops_prepare(A, op);
    for (int64_t i = 0; i < ac->warmup; i++)
        if ((rc = wb_ops_run(A, ac, op, res)) != MPI_SUCCESS)
            wb_world_fatal_mpi(MPI_COMM_WORLD, A->rank, rc, "warm-up array operation");
    for (int64_t r = 0; r < ac->reps; r++) {
        if ((*stop = wb_world_stop_requested_on(A->comm)) != 0) {
            wb_watchdog_disarm();
            return 0;
        }
        wb_watchdog_touch();
        if ((rc = MPI_Barrier(A->comm)) != MPI_SUCCESS)
            wb_world_fatal_mpi(MPI_COMM_WORLD, A->rank, rc, "MPI_Barrier");
        double t0 = MPI_Wtime();
        rc = wb_ops_run(A, ac, op, res);
        raw[r] = (MPI_Wtime() - t0) * 1e3;
        if (rc != MPI_SUCCESS)
            wb_world_fatal_mpi(MPI_COMM_WORLD, A->rank, rc, "timed array operation");
    }
    if (corrupt_me)
        wb_ops_corrupt(A, op, res);
    int64_t wrong = wb_ops_check(A, ac, op, res, e);
    if ((rc = wb_ops_record(A, op, res)) != MPI_SUCCESS)
        wb_world_fatal_mpi(MPI_COMM_WORLD, A->rank, rc, "checksum reduction");
    wb_watchdog_disarm();
    return wrong;
}

/* Column indices of the table. */
struct cols {
    int op, n, type, ranks, time, gbps, serial, speedup, eff, wrong;
    int bytes_useful, bytes_streamed, s_bytes_streamed, gbps_useful, pct_triad;
    int fits, s_fits, localities, rep_min, rep_max, ci_lo, ci_hi, rank_min, rank_avg, rank_max;
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
    COL(pct_triad, "pct_of_triad", WB_COL_F64, FIGURE, HIGHER, "%triad", "%", "parallel", 7, 1);
    COL(fits, "fits_llc", WB_COL_I64, CONTEXT, NONE, "inLLC", "", "", 5, 0);
    COL(wrong, "wrong", WB_COL_F64, VERDICT, LOWER, "#wrong", "", "", 7, 0);
    COL(gbps_useful, "gbps_useful", WB_COL_F64, FIGURE, HIGHER, NULL, "GB/s", "", 0, 0);
    COL(bytes_useful, "bytes_useful", WB_COL_I64, CONTEXT, NONE, NULL, "B", "", 0, 0);
    COL(bytes_streamed, "bytes_streamed", WB_COL_I64, CONTEXT, NONE, NULL, "B", "", 0, 0);
    COL(s_bytes_streamed, "serial_bytes_streamed", WB_COL_I64, CONTEXT, NONE, NULL, "B", "", 0, 0);
    COL(s_fits, "serial_fits_llc", WB_COL_I64, CONTEXT, NONE, NULL, "", "", 0, 0);
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

struct run_state {
    const struct wb_world *w;
    const struct wb_config *cfg;
    struct wb_table *t;
    struct cols c;
    struct wb_exact_answers exact;
    MPI_Datatype pair;
    MPI_Op minloc, maxloc;
    int huge;
    int64_t wrong_total;
    struct wb_cache_llc llc; /* this rank's */
    int64_t llc_bytes;       /* the largest locality's, all instances; 0 unknown */
    size_t line;             /* the largest cache line over ranks */
    struct wb_membw bound;
};

/* 1 when every locality's ranks' data of op fit in its last-level cache together (the
 * figure is then a cache bandwidth), 0 when not, -1 when the cache is unknown; p ranks
 * (1: rank 0 alone). */
static int64_t fits_llc(const struct run_state *st, int op, int p, size_t es)
{
    const struct wb_world *w = st->w;
    if (st->llc_bytes <= 0)
        return -1;
    double most = 0;
    for (int l = 0; l < (p == 1 ? 1 : w->n_localities); l++) {
        double sum = 0;
        for (int r = 0; r < p; r++)
            if (p == 1 || w->locality_of[r] == l)
                sum += wb_ops_footprint(op, &st->cfg->arrays, p, r, es);
        most = sum > most ? sum : most;
    }
    return most <= (double)st->llc_bytes;
}

static struct wb_ops_traffic traffic(const struct run_state *st, size_t es, int scaled,
                                     int64_t remote)
{
    const struct wb_arrays_config *ac = &st->cfg->arrays;
    return (struct wb_ops_traffic){
        .n = ac->n, .m = wb_slice_len(ac->n, ac->slice_start, ac->slice_stop, ac->slice_step),
        .step = ac->slice_step, .remote = remote, .es = es, .line = st->line, .scaled = scaled};
}

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
    struct wb_darray A = {.pair = st->pair, .minloc = st->minloc, .maxloc = st->maxloc};
    if (times && w->rank == 0)
        wb_darray_init(&A, MPI_COMM_SELF, 0, 1, dtype, ac, err);
    int status = wb_world_agree(w, err);
    if (status != WB_OK) {
        if (w->rank == 0)
            wb_darray_free(&A);
        free(times);
        return status;
    }
    if (w->rank == 0) {
        st->huge &= A.huge;
        size_t k = 0;
        int stop = 0;
        for (int op = 0; op < WB_AOP_COUNT && !stop; op++) {
            if (!(ac->ops & (1u << op)))
                continue;
            struct wb_ops_result res;
            times[nops * nreps + k] =
                (double)measure(&A, st->cfg, op, times + k * nreps, &res, &st->exact, 0, &stop);
            times[nops * nreps + nops + k] = res.scaled;
            k++;
        }
        wb_darray_free(&A);
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
    int stop = wb_world_stop_requested(w);
    if (stop) { /* this type's rows are unfinished */
        free(times);
        wb_table_keep_rows(t, first);
        return WB_FAIL(err, WB_ERR_INTERRUPTED,
                       "arrays: stop requested (%s) during the serial baseline; results so far "
                       "written, marked incomplete",
                       wb_signal_name(stop));
    }
    int op = -1;
    for (size_t k = 0; k < nops; k++) {
        size_t row = first + k;
        while (!(ac->ops & (1u << ++op)))
            ; /* the k-th selected operation */
        struct wb_summary s;
        if (wb_summarize(&s, times + k * nreps, nreps) != 0)
            wb_world_fatal_mpi(MPI_COMM_WORLD, w->rank, MPI_ERR_NO_MEM, "statistics buffer");
        double *raw = wb_table_raw(t, st->c.s_raw, row);
        for (size_t r = 0; r < nreps; r++)
            raw[r] = w->rank == 0 ? times[k * nreps + r] : NAN;
        size_t es = dtype == WB_ADTYPE_FLOAT ? 4 : 8;
        struct wb_ops_traffic tr = traffic(st, es, times[nops * nreps + nops + k] != 0, 0);
        double bytes = wb_ops_bytes_streamed(op, &tr);
        wb_table_set_i64(t, row, st->c.s_bytes_streamed, (int64_t)bytes);
        wb_table_set_i64(t, row, st->c.s_fits, fits_llc(st, op, 1, es));
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
    struct wb_darray A = {.pair = st->pair, .minloc = st->minloc, .maxloc = st->maxloc};
    wb_darray_init(&A, w->comm, w->rank, w->size, dtype, ac, err);
    int status = wb_world_agree(w, err);
    if (status != WB_OK) {
        wb_darray_free(&A);
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
        struct wb_ops_result res;
        int stop = 0;
        int64_t wrong = measure(&A, st->cfg, op, raw, &res, &st->exact,
                                st->cfg->debug_corrupt_rank == w->rank, &stop);
        if (stop) {
            wb_darray_free(&A);
            wb_table_keep_rows(t, row);
            return WB_FAIL(err, WB_ERR_INTERRUPTED,
                           "arrays: stop requested (%s) during %s; results so far written, "
                           "marked incomplete",
                           wb_signal_name(stop), wb_array_op_name(op));
        }
        struct wb_rank_stats rs;
        int64_t wrong_all, remote = A.plan.remote, remote_all;
        int rc;
        if ((rc = wb_stats_across_ranks(&rs, raw, nreps, w->comm)) ||
            (rc = MPI_Allreduce(&wrong, &wrong_all, 1, MPI_INT64_T, MPI_SUM, w->comm)) ||
            (rc = MPI_Allreduce(&remote, &remote_all, 1, MPI_INT64_T, MPI_SUM, w->comm)))
            wb_world_fatal_mpi(MPI_COMM_WORLD, w->rank, rc, "statistics across ranks");
        const struct wb_summary s = rs.slowest;
        struct wb_ops_traffic tr = traffic(st, A.es, res.scaled, remote_all);
        double bytes = wb_ops_bytes_streamed(op, &tr), gbps = bytes / (s.median * 1e-3) / 1e9;
        int64_t eidx;
        double expect = wb_ops_expected(op, &st->exact, &eidx);
        wb_table_set_f64(t, row, c->time, s.median);
        wb_table_set_f64(t, row, c->gbps, gbps);
        wb_table_set_i64(t, row, c->bytes_streamed, (int64_t)bytes);
        wb_table_set_f64(t, row, c->gbps_useful,
                         wb_ops_bytes_useful(op, &tr) / (s.median * 1e-3) / 1e9);
        wb_table_set_f64(t, row, c->pct_triad,
                         st->bound.triad_gbps > 0 ? gbps / st->bound.triad_gbps * 100 : NAN);
        wb_table_set_i64(t, row, c->fits, fits_llc(st, op, w->size, A.es));
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
    wb_darray_free(&A);
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
             (long long)wb_slice_len(ac->n, ac->slice_start, ac->slice_stop,
                                            ac->slice_step));
    wb_table_attr_text(t, "slice", text);
    wb_table_attr_text(t, "serial_baseline", ac->serial_baseline ? "rank 0 alone, same code" : "off");
    wb_table_attr_text(t, "memory", "2 MiB aligned + MADV_HUGEPAGE; result arrays reused");
    wb_table_attr_text(t, "huge_pages", st->huge ? "madvise accepted" : "madvise refused");
    wb_table_attr_text(t, "thp_enabled", thp);
    wb_table_attr_text(t, "bytes",
                       "reads + writes, no write-allocate (docs/results-format.md); gbps and "
                       "pct_of_triad from bytes_streamed (the traffic the code makes), "
                       "gbps_useful from bytes_useful (each element once)");
    wb_table_attr_num(t, "llc_bytes", (double)st->llc_bytes);
    snprintf(text, sizeof text, "L%d %lld KiB x %d instances, line %lld B (rank 0's sysfs); "
             "largest over localities %lld KiB", st->llc.level, (long long)(st->llc.bytes >> 10),
             st->llc.instances, (long long)st->llc.line, (long long)(st->llc_bytes >> 10));
    wb_table_attr_text(t, "llc", text);
    wb_table_attr_num(t, "cache_line_bytes", (double)st->line);
    /* A VM's sysfs may describe less cache than the CPU has (cpuid, which sysconf reads). */
    wb_table_attr_num(t, "llc_sysconf_l3_bytes", (double)sysconf(_SC_LEVEL3_CACHE_SIZE));
    size_t fit = 0, sfit = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        fit += t->cols[st->c.fits].data.i64[r] == 1;
        sfit += t->cols[st->c.s_fits].data.i64[r] == 1;
    }
    if (st->llc_bytes <= 0)
        snprintf(text, sizeof text, "last-level cache unknown: fits_llc -1");
    else if (fit + sfit == 0)
        snprintf(text, sizeof text, "no row's data fit in the last-level cache");
    else
        snprintf(text, sizeof text, "%zu parallel and %zu serial rows' data fit in the last-level "
                 "cache (inLLC 1): their GB/s are cache, not memory, bandwidth", fit, sfit);
    wb_table_attr_text(t, "fits_llc_note", text);
    snprintf(text, sizeof text, "STREAM copy and triad on doubles, all %d ranks at once, 4x "
             "the last-level cache per locality, best of %d", st->w->size, st->bound.reps);
    wb_table_attr_text(t, "bound", text);
    wb_table_attr_num(t, "bound_copy_gbps", st->bound.copy_gbps);
    wb_table_attr_num(t, "bound_triad_gbps", st->bound.triad_gbps);
    wb_table_attr_num(t, "bound_elements_per_rank", (double)st->bound.elements);
    wb_table_attr_num(t, "bound_repetitions", st->bound.reps);
    wb_table_attr_num(t, "bound_seconds", st->bound.seconds);
    snprintf(text, sizeof text,
             "blocks of %d, %d lanes, pairwise; %d segments read side by side, their sums "
             "pairwise, then the rest", WB_AK_BLOCK, WB_AK_ACC, WB_AK_RSEGS);
    wb_table_attr_text(t, "summation", text);
    wb_table_attr_text(t, "kernel_flags", wb_ak_build_flags());
    wb_table_attr_text(t, "kernel_variant", wb_ak_kernel_variant());
    snprintf(text, sizeof text,
             "element-wise ops on %d segments side by side; outputs of at least %zu bytes "
             "(rank 0's share of its last-level cache) stored non-temporally",
             WB_AK_WSEGS, wb_ak_nontemporal_min());
    wb_table_attr_text(t, "streams", text);
    wb_table_attr_text(t, WB_STRAGGLER_SERIES, "time_raw"); /* the serial baseline: one rank */
    wb_table_attr_text(t, "tolerance",
                       "sum, dot, norm: the summation's stage-by-stage bound, 0 while every "
                       "partial sum is an integer its type holds; others exact");
    wb_table_attr_text(t, "axpy", "y = b once, not reset: after k runs b + k alpha a");
    wb_table_attr_text(t, "cumsum", "two passes on any rank count: local total, MPI_Exscan, "
                                    "local scan from the offset");
    wb_table_attr_num(t, "wrong", (double)st->wrong_total);
    wb_table_attr_text(t, "verdict", st->wrong_total ? "FAILED" : "OK");
}

/* The bandwidth probe's time box: a few repetitions of copy and triad, well under a
 * second on any machine whose arrays of 4x its cache take milliseconds. */
#define PROBE_BUDGET_S 0.3

/* Bytes per second of one rank reading memory: the best of three sums over 32 MiB. */
static double probe_read_rate(void)
{
    size_t n = (32u << 20) / sizeof(double);
    double *a = wb_memory_alloc(n * sizeof(double), NULL), best = 0;
    if (!a)
        return 0;
    for (size_t i = 0; i < n; i++)
        a[i] = (double)(i & 7);
    volatile double sink = 0;
    for (int k = 0; k < 3; k++) {
        double t0 = MPI_Wtime(), s = 0;
        for (size_t i = 0; i < n; i++)
            s += a[i];
        double dt = MPI_Wtime() - t0;
        sink += s;
        if (dt > 0 && (double)(n * sizeof(double)) / dt > best)
            best = (double)(n * sizeof(double)) / dt;
    }
    (void)sink;
    free(a);
    return best;
}

/* Rank 0 says how long the suite will take, from its traffic at the probed read rate: the
 * serial baseline at one rank's rate, the parallel runs sharing each locality's. */
static void announce(const struct run_state *st)
{
    const struct wb_world *w = st->w;
    const struct wb_config *cfg = st->cfg;
    const struct wb_arrays_config *ac = &cfg->arrays;
    if (w->rank != 0 || cfg->quiet)
        return;
    double rate = probe_read_rate(), bytes = 0;
    for (int d = 0; d < WB_ADTYPE_COUNT; d++)
        for (int op = 0; op < WB_AOP_COUNT && (ac->dtypes & (1u << d)); op++)
            if (ac->ops & (1u << op)) {
                struct wb_ops_traffic tr = traffic(st, d == WB_ADTYPE_FLOAT ? 4 : 8, 0, 0);
                bytes += wb_ops_bytes_streamed(op, &tr) * (double)(ac->warmup + ac->reps + 1);
            }
    double seconds = (ac->serial_baseline ? bytes : 0) / rate + bytes / rate / w->n_localities;
    char took[32];
    wb_progress_duration(seconds, took, sizeof took);
    printf("# arrays: about %s (memory traffic %.3g GB at the probed %.3g GB/s per rank)\n",
           rate > 0 ? took : "unknown", bytes * (1 + ac->serial_baseline) / 1e9, rate / 1e9);
    fflush(stdout);
}

int wb_arrays_run(const struct wb_world *w, const struct wb_config *cfg,
                  struct wb_results *results, struct wb_error *err)
{
    const struct wb_arrays_config *ac = &cfg->arrays;
    char title[256];
    snprintf(title, sizeof title,
             "distributed arrays, %d ranks on %d localities; time: median over %lld repetitions "
             "of the slowest rank (the rank average is time_rank_avg in the file)",
             w->size, w->n_localities, (long long)ac->reps);
    struct run_state st = {.w = w, .cfg = cfg, .huge = 1};
    st.t = wb_results_new_table(results, "arrays/ops", title);
    if (!st.t || define_table(st.t, &st.c, (size_t)ac->reps) != 0)
        return WB_FAIL(err, WB_ERR_RUNTIME, "arrays: out of memory (results table)");
    wb_exact_answers(&st.exact, ac->n);
    if (wb_ops_loc_create(&st.pair, &st.minloc, &st.maxloc) != MPI_SUCCESS)
        return WB_FAIL(err, WB_ERR_RUNTIME, "arrays: cannot create the MPI min/max-location op");

    /* The cache and the bound, measured before any array exists (validate counted the
     * probe's memory). */
    int64_t llc = wb_cache_llc(&st.llc, WB_CACHE_SYSFS), line = st.llc.line, line_max = 64;
    MPI_Allreduce(&llc, &st.llc_bytes, 1, MPI_INT64_T, MPI_MAX, w->comm);
    MPI_Allreduce(&line, &line_max, 1, MPI_INT64_T, MPI_MAX, w->comm);
    st.line = (size_t)line_max;
    /* Past this rank's share of the cache an output would not stay there anyway. */
    int local_ranks = w->ranks_per_locality[w->locality];
    wb_ak_set_nontemporal_min((size_t)(llc > 0 ? llc : (int64_t)64 << 20) /
                              (size_t)(local_ranks > 0 ? local_ranks : 1));
    int status = wb_membw_measure(w->comm, wb_membw_elements(llc, local_ranks), PROBE_BUDGET_S,
                                  &st.bound, err);
    announce(&st);
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
            struct wb_ops_traffic tr = traffic(&st, es, 0, 0);
            wb_table_set_i64(st.t, (size_t)row, c->bytes_useful,
                             (int64_t)wb_ops_bytes_useful(op, &tr));
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
    wb_ops_loc_free(&st.pair, &st.minloc, &st.maxloc);
    if (status == WB_OK && st.wrong_total > 0)
        status = WB_FAIL(err, WB_ERR_CHECK, "arrays: %lld wrong values", (long long)st.wrong_total);
    return status;
}
