/* tests/gpu: the NCCL engine of the collectives (src/cuda/gpu_coll.c, its real code: call table,
 * in-place pointers, locate, the device fill and check) through the real harness (wb_coll_run)
 * on the fake CUDA and NCCL of fake_cuda_nccl.h, on the ranks mpirun gives: every collective,
 * every type and op, both placements, at 256 B and 32 KiB, root 1 (rank 1 is the one drop1
 * skips). For the fault WB_FAULT names, each row's #wrong must be > 0 exactly where the fault
 * reaches (its sizes, collectives, types and ops) and 0 elsewhere; rank 0 prints the rows that
 * failed. untouched:K is expected to reach every faulted row, which holds for K <= 9 (the
 * harness makes 4 probe calls, then 1 warm-up and 2 x 2 timed calls before the first faulted
 * row's check). Exits with wb_coll_run's status on every rank (0; 3 for wrong values; 2 for a
 * usage error, such as two ranks on one GPU), or 99 when a row contradicts the fault. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_cuda_nccl.h"
#include "wavebench/coll_desc.h"
#include "wavebench/collectives.h"
#include "wavebench/gpu_coll.h"
#include "wavebench/gpu_device.h"

enum { HARD_ERROR = 99 };

/* Whether fault f reaches the checked call of a row (collective coll, type dtype, op, size). */
static int reaches(const struct fake_fault *f, int coll, int dtype, int op, int64_t bytes)
{
    int reduction = wb_coll_desc_get(coll)->reduction;
    if ((size_t)bytes < f->min_bytes)
        return 0;
    switch (f->kind) {
    case FAKE_UNTOUCHED:
    case FAKE_DROP1: return 1;
    case FAKE_HALF: return reduction && (dtype == WB_DTYPE_FLOAT || dtype == WB_DTYPE_DOUBLE);
    case FAKE_DOUBLE0: return reduction && op == WB_REDOP_SUM;
    case FAKE_WRONGBLOCK:
        return coll == WB_COLL_REDUCE_SCATTER || coll == WB_COLL_ALLGATHER ||
               coll == WB_COLL_ALLTOALL;
    default: return 0;
    }
}

static int lookup(const char *name, const char *(*name_of)(int), int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, name_of(i)) == 0)
            return i;
    return 0; /* redop "none": a collective that does not reduce */
}

/* Checks table t of collective coll against the fault; counts its failing rows into *failing.
 * Returns the rows that contradict the fault. Rank 0 prints the failing rows. */
static int judge(const struct wb_table *t, int coll, const struct fake_fault *f, int rank,
                 int *failing)
{
    static const char *const prefix[WB_PLACE_COUNT] = {"oop", "ip"};
    int bad = 0, size = wb_table_col(t, "size"), type = wb_table_col(t, "type"),
        redop = wb_table_col(t, "redop"), wrong[WB_PLACE_COUNT];
    for (int p = 0; p < WB_PLACE_COUNT; p++) {
        char name[16];
        snprintf(name, sizeof name, "%s_wrong", prefix[p]);
        wrong[p] = wb_table_col(t, name);
    }
    for (size_t r = 0; r < t->nrows; r++) {
        int64_t bytes = t->cols[size].data.i64[r];
        const char *tn = t->cols[type].data.str[r], *on = t->cols[redop].data.str[r];
        int want = reaches(f, coll, lookup(tn, wb_dtype_name, WB_DTYPE_COUNT),
                           lookup(on, wb_redop_name, WB_REDOP_COUNT), bytes);
        double w[WB_PLACE_COUNT];
        int failed = 0;
        for (int p = 0; p < WB_PLACE_COUNT; p++) {
            w[p] = t->cols[wrong[p]].data.f64[r];
            /* NCCL has both placements of every collective but alltoall's in-place one. */
            int absent = coll == WB_COLL_ALLTOALL && p == WB_PLACE_IN;
            if (absent ? !isnan(w[p]) : isnan(w[p]) || (w[p] > 0) != want) {
                bad++;
                if (rank == 0)
                    printf("CONTRADICTS %s: %s %s %s %lld B: #wrong %g, fault %s\n", prefix[p],
                           wb_coll_name(coll), tn, on, (long long)bytes, w[p],
                           want ? "reaches it" : "does not reach it");
            }
            failed |= w[p] > 0;
        }
        *failing += failed;
        if (failed && rank == 0)
            printf("wrong: %s %s %s %lld B: out-of-place %g, in-place %g\n", wb_coll_name(coll),
                   tn, on, (long long)bytes, w[WB_PLACE_OUT], w[WB_PLACE_IN]);
    }
    return bad;
}

int main(int argc, char **argv)
{
    struct wb_world world;
    struct wb_error err;
    wb_error_clear(&err);
    if (wb_world_init(&world, &argc, &argv, &err) != WB_OK) {
        fprintf(stderr, "MPI: %s\n", err.msg);
        return HARD_ERROR;
    }
    const struct fake_fault *f = fake_fault();
    struct wb_coll_engines all;
    wb_gpu_coll_engines(&all);
    const struct wb_coll_engine *nccl = all.list[0];
    if (f->kind == FAKE_BAD || all.n < 1 || strcmp(nccl->library, "NCCL") != 0) {
        fprintf(stderr, "nccl_fake_run: %s\n",
                f->kind == FAKE_BAD ? "WB_FAULT names no fault" : "no NCCL engine built");
        wb_world_finalize(&world);
        return HARD_ERROR;
    }

    struct wb_config cfg;
    wb_config_defaults(&cfg);
    cfg.quiet = true;
    cfg.coll.colls = (1u << WB_COLL_COUNT) - 1;
    cfg.coll.dtypes = (1u << WB_DTYPE_COUNT) - 1;
    cfg.coll.redops = (1u << WB_REDOP_COUNT) - 1;
    cfg.coll.placements = (1u << WB_PLACE_COUNT) - 1;
    cfg.coll.min_bytes = 256;
    cfg.coll.max_bytes = 32768;
    cfg.coll.factor = 128;
    cfg.coll.warmup = 1;
    cfg.coll.iters = 2;
    cfg.coll.reps = 2;
    cfg.coll.root = world.size > 1 ? 1 : 0;
    cfg.coll.check = true;

    struct wb_gpu gpu;
    struct wb_coll_engines engines = {.list = {nccl}, .n = 1, .if_none = "no engine"};
    struct wb_results res = {0};
    int status = wb_gpu_select(&gpu, &world, &err);
    if (status == WB_OK)
        status = wb_coll_run(&world, &cfg, &engines, &res, &err);
    int bad = 0, failing = 0;
    for (size_t i = 0; i < res.ntables; i++) {
        const char *name = strchr(res.tables[i]->path, '/');
        int coll = lookup(name ? name + 1 : "", wb_coll_name, WB_COLL_COUNT);
        bad += judge(res.tables[i], coll, f, world.rank, &failing);
    }
    if (status == WB_OK || status == WB_ERR_CHECK) {
        if (res.ntables != WB_COLL_COUNT)
            bad++;
        /* The verdict follows the rows: exit 3 exactly when some row is wrong. */
        if ((status == WB_ERR_CHECK) != (failing > 0) ||
            (status == WB_ERR_CHECK && !strstr(err.msg, "wrong values")))
            bad++;
    }
    if (world.rank == 0) {
        printf("fault %s: %d failing rows, %d contradicting; status %d%s%s\n",
               getenv("WB_FAULT") ? getenv("WB_FAULT") : "none", failing, bad, status,
               status != WB_OK ? ": " : "", status != WB_OK ? err.msg : "");
        fflush(stdout);
    }
    wb_results_free(&res);
    wb_world_finalize(&world);
    return bad ? HARD_ERROR : status;
}
