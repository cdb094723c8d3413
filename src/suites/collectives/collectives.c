/* wavebench collectives suite: the harness. It drives the engines it is given over the
 * descriptors' table; its only library calls are MPI's, for statistics across ranks. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/collectives.h"

#include <math.h>
#include <stdio.h>

#include "wavebench/memory.h"
#include "wavebench/progress.h"
#include "wavebench/signals.h"
#include "wavebench/stats.h"
#include "wavebench/stragglers.h"
#include "wavebench/watchdog.h"

int64_t wb_coll_auto_iters(size_t bytes)
{
    int64_t iters = (int64_t)((64u << 20) / (bytes ? bytes : 1));
    return iters < 5 ? 5 : iters > 100 ? 100 : iters;
}

/* Column indices of one placement's figures. */
struct place_cols {
    int time, algbw, busbw, wrong, link; /* link: -1 where no link rate is given */
    int t_min, t_avg, t_max, ci_lo, ci_hi, rep_min, rep_max, iters;
    int raw;
};

struct coll_table {
    int size, count, type, redop, root;
    struct place_cols place[WB_PLACE_COUNT];
};

static int define_table(struct wb_table *t, struct coll_table *ct, size_t nreps, int with_link)
{
    static const char *const prefix[WB_PLACE_COUNT] = {"oop", "ip"};
    static const char *const label[WB_PLACE_COUNT] = {"out-of-place", "in-place"};
    int bad = 0;
    bad |= (ct->size = wb_table_add_col(t, "size", WB_COL_I64, WB_ROLE_KEY, WB_BETTER_NONE, "size",
                                        "B", "", 12, 0)) < 0;
    wb_table_set_threshold(t, ct->size, "min_busbw"); /* judged at the largest size */
    bad |= (ct->count = wb_table_add_col(t, "count", WB_COL_I64, WB_ROLE_CONTEXT, WB_BETTER_NONE,
                                         "count", "elements", "", 12, 0)) < 0;
    bad |= (ct->type = wb_table_add_col(t, "type", WB_COL_STR, WB_ROLE_KEY, WB_BETTER_NONE, "type",
                                        "", "", 7, 0)) < 0;
    bad |= (ct->redop = wb_table_add_col(t, "redop", WB_COL_STR, WB_ROLE_KEY, WB_BETTER_NONE,
                                         "redop", "", "", 6, 0)) < 0;
    bad |= (ct->root = wb_table_add_col(t, "root", WB_COL_I64, WB_ROLE_KEY, WB_BETTER_NONE, "root",
                                        "", "", 5, 0)) < 0;
    for (int p = 0; p < WB_PLACE_COUNT; p++) {
        struct place_cols *pc = &ct->place[p];
        char name[WB_NAME_LEN];
#define COL(field, suffix, type, role, better, head, unit, width, prec)                     \
    snprintf(name, sizeof name, "%s_%s", prefix[p], suffix);                                \
    bad |= (pc->field = wb_table_add_col(t, name, type, WB_ROLE_##role, WB_BETTER_##better, \
                                         head, unit, label[p], width, prec)) < 0
        COL(time, "time", WB_COL_F64, FIGURE, LOWER, "time", "us", 10, 2);
        COL(algbw, "algbw", WB_COL_F64, FIGURE, HIGHER, "algbw", "GB/s", 8, 2);
        COL(busbw, "busbw", WB_COL_F64, FIGURE, HIGHER, "busbw", "GB/s", 8, 2);
        wb_table_set_threshold(t, pc->busbw, "min_busbw");
        pc->link = -1;
        if (with_link) {
            COL(link, "link_frac", WB_COL_F64, FIGURE, HIGHER, "link", "frac", 6, 2);
        }
        COL(wrong, "wrong", WB_COL_F64, VERDICT, LOWER, "#wrong", "", 7, 0);
        COL(t_min, "time_rank_min", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(t_avg, "time_rank_avg", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(t_max, "time_rank_max", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(ci_lo, "time_ci_lo", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(ci_hi, "time_ci_hi", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(rep_min, "time_rep_min", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(rep_max, "time_rep_max", WB_COL_F64, SPREAD, NONE, NULL, "us", 0, 0);
        COL(iters, "iters", WB_COL_I64, CONTEXT, NONE, NULL, "", 0, 0);
#undef COL
        snprintf(name, sizeof name, "%s_time_raw", prefix[p]);
        bad |= (pc->raw = wb_table_add_raw(t, name, "us", nreps)) < 0;
    }
    return bad ? -1 : 0;
}

static void mark_absent(struct wb_table *t, const struct place_cols *pc, size_t row)
{
    const int cols[] = {pc->time, pc->algbw, pc->busbw, pc->wrong, pc->t_min, pc->t_avg,
                        pc->t_max, pc->ci_lo, pc->ci_hi, pc->rep_min, pc->rep_max, pc->link};
    for (size_t i = 0; i < WB_ARRAY_LEN(cols); i++)
        if (cols[i] >= 0)
            wb_table_set_f64(t, row, cols[i], NAN);
    double *raw = wb_table_raw(t, pc->raw, row);
    for (size_t r = 0; r < t->raw[pc->raw].nreps; r++)
        raw[r] = NAN;
}

/* An engine opened for a run. */
/* How long the sweep will take: a probe of one collective at the smallest and largest size
 * gives each size's time by linear interpolation (latency plus bytes over bandwidth); a
 * measurement costs its warm-up, timed and checked operations at that time. Progress and
 * its ETA count the same cost, so a sweep whose last sizes are the long ones says so. */
struct sweep_clock {
    struct wb_progress *progress;
    double small, large;     /* probed sizes, B */
    double t_small, t_large; /* their times per operation, us (slowest rank) */
    double total, done;      /* cost of the whole sweep and of what is measured, us */
};

struct engine {
    const struct wb_coll_engine *e;
    void *ctx; /* NULL on a rank outside the scope's groups */
    struct sweep_clock *clock;
};

/* The ranks a sweep runs over (enum wb_scope). The engine works on `w`, a view of the world
 * whose communicator is this rank's group; barriers, stops and statistics stay on the whole
 * world, so every group starts each repetition together and the table reports the slowest
 * rank of all groups. A rank in no group (inter: all but each locality's first) takes part
 * in those alone. */
struct scope {
    int id;
    int member;
    int groups;        /* groups measuring at once */
    struct wb_world w; /* rank and size in the group (size on every rank, rank -1 outside) */
};

/* The time one measurement of bytes takes, us. */
static double measurement_cost(const struct wb_coll_config *cc, const struct sweep_clock *c,
                               size_t bytes)
{
    double b = (double)bytes, t = c->t_large;
    if (c->large > c->small)
        t = c->t_small + (c->t_large - c->t_small) * (b - c->small) / (c->large - c->small);
    int64_t iters = cc->iters ? cc->iters : wb_coll_auto_iters(bytes);
    return (double)(cc->warmup + cc->reps * iters + (cc->check ? 1 : 0)) * (t > 0 ? t : 0);
}

/* Writes every input region of s. */
static void fill_inputs(const struct engine *en, const struct wb_coll_desc *d,
                        const struct wb_coll_shape *s)
{
    struct wb_coll_region r;
    struct wb_coll_data_period p;
    for (int k = 0; d->input(s, k, &r); k++) {
        wb_coll_data_tabulate(&p, r.op, r.src, s->nranks, s->salt,
                              wb_coll_data_kind(d->reduction, s->nranks));
        en->e->fill(en->ctx, s, &r, &p);
    }
}

static int overlaps(const struct wb_coll_region *a, const struct wb_coll_region *b)
{
    return a->buf == b->buf && a->at < b->at + b->n && b->at < a->at + a->n;
}

/* Writes WB_COLL_DATA_NEVER into every result region that is not also an input (an
 * in-place result starts as the input), so that a checked call that writes nothing is
 * wrong instead of showing what the timed calls left there. */
static void poison_results(const struct engine *en, const struct wb_coll_desc *d,
                           const struct wb_coll_shape *s)
{
    struct wb_coll_region r, in;
    struct wb_coll_data_period never;
    wb_coll_data_never(&never);
    for (int k = 0; d->result(s, k, &r); k++) {
        if (en->e->locate)
            en->e->locate(d, s, &r);
        int shared = 0;
        for (int j = 0; !shared && d->input(s, j, &in); j++)
            shared = overlaps(&r, &in);
        if (!shared)
            en->e->fill(en->ctx, s, &r, &never);
    }
}

/* One operation from fresh inputs into poisoned outputs; returns this rank's wrong elements
 * over its result regions. Test-only (cfg->debug_corrupt_rank): that rank first falsifies
 * the first element
 * of its first result region. */
static int64_t check(const struct wb_config *cfg, const struct engine *en,
                     const struct wb_coll_desc *d, const struct wb_coll_shape *s)
{
    fill_inputs(en, d, s);
    poison_results(en, d, s);
    en->e->run(en->ctx, d, s, 1);
    int64_t wrong = 0;
    struct wb_coll_region r;
    struct wb_coll_data_period p;
    for (int k = 0; d->result(s, k, &r); k++) {
        if (en->e->locate)
            en->e->locate(d, s, &r);
        if (k == 0 && cfg->debug_corrupt_rank == s->rank) {
            struct wb_coll_region first = r;
            first.n = 1;
            wb_coll_data_never(&p);
            en->e->fill(en->ctx, s, &first, &p);
        }
        wb_coll_data_tabulate(&p, r.op, r.src, s->nranks, s->salt,
                              wb_coll_data_kind(d->reduction, s->nranks));
        wrong += en->e->count_wrong(en->ctx, s, &r, &p);
    }
    return wrong;
}

/* Times one placement of one row and records its figures: warm-up, then reps repetitions of
 * iters operations, each after a barrier; the operation's time in a repetition is the
 * slowest rank's. Then, when cfg checks results, one checked operation. Returns #wrong over
 * ranks. A stop request between repetitions leaves the row unfinished and *stop the signal. */
static int64_t measure(const struct wb_world *w, const struct scope *sc,
                       const struct wb_config *cfg, const struct engine *en,
                       const struct wb_coll_desc *d, const struct wb_coll_shape *s,
                       struct wb_table *t, const struct place_cols *pc, size_t row, int *stop)
{
    const struct wb_coll_config *cc = &cfg->coll;
    int64_t iters = cc->iters ? cc->iters : wb_coll_auto_iters(s->cnt.bytes);
    size_t nreps = (size_t)cc->reps;
    double *raw = wb_table_raw(t, pc->raw, row);
    wb_watchdog_arm("collectives %s (%s) at %zu B, %s, %s", wb_coll_name(d->coll),
                    wb_scope_name(sc->id), s->cnt.bytes, wb_dtype_name(s->dtype),
                    s->in_place ? "in place" : "out of place");
    if (sc->member) {
        fill_inputs(en, d, s);
        if (cc->warmup > 0)
            en->e->run(en->ctx, d, s, cc->warmup);
    }
    for (size_t r = 0; r < nreps; r++) {
        /* Outside the timed region: a long size still stops within one repetition. */
        if ((*stop = wb_world_stop_requested(w)) != 0) {
            wb_watchdog_disarm();
            return 0;
        }
        wb_watchdog_touch();
        MPI_Barrier(w->comm);
        raw[r] = sc->member ? en->e->run(en->ctx, d, s, iters) : NAN;
    }
    int64_t wrong = cc->check && sc->member ? check(cfg, en, d, s) : 0;
    en->clock->done += measurement_cost(cc, en->clock, s->cnt.bytes);
    if (en->clock->total > 0)
        wb_progress_update(en->clock->progress, fmin(en->clock->done / en->clock->total, 1),
                           false, wb_coll_name(d->coll));

    struct wb_rank_stats rs;
    int64_t wrong_total = 0;
    int rc;
    if ((rc = wb_stats_across_active(&rs, raw, nreps, sc->member, w->comm)) ||
        (rc = MPI_Allreduce(&wrong, &wrong_total, 1, MPI_INT64_T, MPI_SUM, w->comm)))
        wb_world_fatal_mpi(w->comm, w->rank, rc, "statistics across ranks");
    wb_watchdog_disarm();
    const struct wb_summary sm = rs.slowest;

    double gbps = (double)s->cnt.bytes / (sm.median * 1e-6) / 1e9;
    wb_table_set_f64(t, row, pc->time, sm.median);
    wb_table_set_f64(t, row, pc->algbw, gbps);
    double busbw = gbps * d->busbw_factor(sc->w.size);
    wb_table_set_f64(t, row, pc->busbw, busbw);
    if (pc->link >= 0) /* GB/s over the link's Gbit/s in bytes */
        wb_table_set_f64(t, row, pc->link, busbw / (cc->link_gbps / 8));
    wb_table_set_f64(t, row, pc->wrong, cc->check ? (double)wrong_total : NAN);
    wb_table_set_f64(t, row, pc->t_min, rs.rank_min);
    wb_table_set_f64(t, row, pc->t_avg, rs.rank_avg);
    wb_table_set_f64(t, row, pc->t_max, rs.rank_max);
    wb_table_set_f64(t, row, pc->ci_lo, sm.ci_lo);
    wb_table_set_f64(t, row, pc->ci_hi, sm.ci_hi);
    wb_table_set_f64(t, row, pc->rep_min, sm.min);
    wb_table_set_f64(t, row, pc->rep_max, sm.max);
    wb_table_set_i64(t, row, pc->iters, iters);
    return wrong_total;
}

/* Sweeps collective d on one engine over the configured types, ops, sizes and placements
 * into t, then sets the summary attributes. *wrong gets the wrong elements summed over
 * ranks. Returns WB_OK, WB_ERR_INTERRUPTED or WB_ERR_RUNTIME. */
static int sweep(const struct wb_world *w, const struct scope *sc, const struct wb_config *cfg,
                 const struct engine *en, const struct wb_coll_desc *d, struct wb_table *t,
                 int64_t *wrong, struct wb_error *err)
{
    const struct wb_coll_config *cc = &cfg->coll;
    const char *name = wb_coll_name(d->coll);
    unsigned placements = en->e->placements ? en->e->placements(d) : d->placements;
    struct coll_table ct;
    double busbw_sum = 0;
    long busbw_n = 0;
    int status = WB_OK;
    *wrong = 0;
    if (define_table(t, &ct, (size_t)cc->reps, sc->id == WB_SCOPE_INTER && cc->link_gbps > 0) != 0)
        return WB_FAIL(err, WB_ERR_RUNTIME, "results table for %s", name);
    for (size_t i = 0; en->e->not_judged && i < t->ncols; i++)
        wb_table_set_threshold(t, (int)i, NULL);
    for (int dt = 0; dt < WB_DTYPE_COUNT && status == WB_OK; dt++) {
        if (!(cc->dtypes & (1u << dt)))
            continue;
        for (int op = 0; op < WB_REDOP_COUNT && status == WB_OK; op++) {
            /* Non-reductions have no op: one pass per type. */
            if (d->reduction ? !(cc->redops & (1u << op)) : op != 0)
                continue;
            for (int64_t size = cc->min_bytes; size <= cc->max_bytes; size *= cc->factor) {
                struct wb_coll_shape s = {.rank = sc->w.rank, .nranks = sc->w.size,
                                          .root = d->rooted ? (int)cc->root : -1,
                                          .dtype = dt, .op = op, .salt = (unsigned)t->nrows};
                wb_coll_desc_counts(&s.cnt, d, (size_t)size, wb_coll_data_type_size(dt),
                                    sc->w.size);
                if (s.cnt.count == 0 || s.cnt.count > (size_t)INT32_MAX)
                    continue;
                long row = wb_table_add_row(t);
                if (row < 0) {
                    status = WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (results table)");
                    break;
                }
                wb_table_set_i64(t, (size_t)row, ct.size, (int64_t)s.cnt.bytes);
                wb_table_set_i64(t, (size_t)row, ct.count, (int64_t)s.cnt.count);
                wb_table_set_str(t, (size_t)row, ct.type, wb_dtype_name(dt));
                wb_table_set_str(t, (size_t)row, ct.redop, d->reduction ? wb_redop_name(op) : "none");
                wb_table_set_i64(t, (size_t)row, ct.root, s.root);
                int stop = 0;
                for (int p = 0; p < WB_PLACE_COUNT && !stop; p++) {
                    s.in_place = p == WB_PLACE_IN;
                    if (!(cc->placements & placements & (1u << p))) {
                        mark_absent(t, &ct.place[p], (size_t)row);
                        continue;
                    }
                    *wrong += measure(w, sc, cfg, en, d, &s, t, &ct.place[p], (size_t)row, &stop);
                    if (!stop) {
                        busbw_sum += t->cols[ct.place[p].busbw].data.f64[row];
                        busbw_n++;
                    }
                }
                if (stop) {
                    wb_table_keep_rows(t, (size_t)row);
                    status = WB_FAIL(err, WB_ERR_INTERRUPTED,
                                     "collectives: stop requested (%s) during %s (%s) at %lld "
                                     "B; results so far written, marked incomplete",
                                     wb_signal_name(stop), name, wb_scope_name(sc->id),
                                     (long long)size);
                    break;
                }
            }
        }
    }
    wb_table_attr_text(t, WB_STRAGGLER_SERIES, "oop_time_raw,ip_time_raw");
    wb_table_attr_text(t, "scope", wb_scope_name(sc->id));
    wb_table_attr_num(t, "groups", sc->groups);
    wb_table_attr_num(t, "ranks", sc->w.size);
    wb_table_attr_num(t, "localities", sc->w.n_localities);
    wb_table_attr_num(t, "busbw_factor", d->busbw_factor(sc->w.size));
    if (sc->id == WB_SCOPE_INTER && cc->link_gbps > 0)
        wb_table_attr_num(t, "link_gbps", cc->link_gbps);
    wb_table_attr_num(t, "avg_busbw", busbw_n ? busbw_sum / busbw_n : NAN);
    wb_table_attr_num(t, "wrong", (double)*wrong);
    wb_table_attr_text(t, "verdict",
                       t->nrows == 0 ? "nothing measured (no size has an element per rank)"
                       : !cc->check  ? "unchecked"
                       : *wrong      ? "FAILED"
                                     : "OK");
    return status;
}

/* The table <engine>/<collective>: the engine's attributes first, then the sweep. */
static int run_table(const struct wb_world *w, const struct scope *sc,
                     const struct wb_config *cfg, const struct engine *en,
                     const struct wb_coll_desc *d, struct wb_results *results, int64_t *wrong,
                     struct wb_error *err)
{
    const struct wb_coll_engine *e = en->e;
    char path[64], title[256], where[96];
    /* The world's tables keep the names they always had. */
    if (sc->id == WB_SCOPE_WORLD) {
        snprintf(path, sizeof path, "%s/%s", e->name, wb_coll_name(d->coll));
        snprintf(where, sizeof where, "%d ranks, %d localities", w->size, w->n_localities);
    } else {
        snprintf(path, sizeof path, "%s-%s/%s", e->name, wb_scope_name(sc->id),
                 wb_coll_name(d->coll));
        if (sc->id == WB_SCOPE_INTRA)
            snprintf(where, sizeof where, "intra: %d ranks within each of %d localities at once",
                     sc->w.size, sc->groups);
        else
            snprintf(where, sizeof where, "inter: 1 rank on each of %d localities", sc->w.size);
    }
    /* nccl-tests and OSU print the average over ranks; this table the slowest rank. */
    snprintf(title, sizeof title,
             "%s, %s, %s; time: median of the slowest rank "
             "(the rank average is time_rank_avg in the file)",
             wb_coll_name(d->coll), e->what, where);
    struct wb_table *t = wb_results_new_table(results, path, title);
    if (!t)
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (results)");
    wb_table_attr_text(t, "backend", e->backend);
    wb_table_attr_text(t, "library", e->library);
    if (e->buffers)
        wb_table_attr_text(t, "buffers", e->buffers);
    if (e->timing)
        wb_table_attr_text(t, "timing", e->timing);
    if (e->annotate)
        e->annotate(en->ctx, d, t);
    return sweep(w, sc, cfg, en, d, t, wrong, err);
}

/* The sweep's largest size: the last of min_bytes, min_bytes * factor, ... not above max. */
static int64_t largest_size(const struct wb_coll_config *cc)
{
    int64_t largest = cc->min_bytes;
    while (largest <= cc->max_bytes / cc->factor)
        largest *= cc->factor;
    return largest;
}

int wb_coll_validate(const struct wb_world *w, const struct wb_config *cfg, struct wb_error *err)
{
    const struct wb_coll_config *cc = &cfg->coll;
    if (cc->root >= w->size)
        return WB_FAIL(err, WB_ERR_USAGE, "[collectives] root: %lld is not a rank; allowed 0 to %d",
                       (long long)cc->root, w->size - 1);
    int fewest = w->size, most = 0;
    for (int l = 0; l < w->n_localities; l++) {
        fewest = w->ranks_per_locality[l] < fewest ? w->ranks_per_locality[l] : fewest;
        most = w->ranks_per_locality[l] > most ? w->ranks_per_locality[l] : most;
    }
    /* Each locality's group must sweep the same sizes: the tables are one for all of them. */
    if ((cc->scopes & (1u << WB_SCOPE_INTRA)) && most > 1 && fewest != most)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[collectives] scopes: intra needs the same number of ranks on every "
                       "locality; they have %d to %d",
                       fewest, most);
    if ((cc->scopes & (1u << WB_SCOPE_INTRA)) && most > 1 && cc->root >= fewest)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[collectives] root: %lld is not a rank of the intra scope's groups; "
                       "allowed 0 to %d",
                       (long long)cc->root, fewest - 1);
    if ((cc->scopes & (1u << WB_SCOPE_INTER)) && w->n_localities > 1 &&
        cc->root >= w->n_localities)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[collectives] root: %lld is not a rank of the inter scope (one per "
                       "locality); allowed 0 to %d",
                       (long long)cc->root, w->n_localities - 1);
    /* The largest size of the sweep is the one that can break a limit. */
    int64_t largest = largest_size(cc);
    for (int coll = 0; coll < WB_COLL_COUNT; coll++)
        for (int dt = 0; dt < WB_DTYPE_COUNT && (cc->colls & (1u << coll)); dt++) {
            struct wb_coll_counts c;
            if (!(cc->dtypes & (1u << dt)))
                continue;
            wb_coll_desc_counts(&c, wb_coll_desc_get(coll), (size_t)largest,
                                wb_coll_data_type_size(dt), w->size);
            if (c.count > (size_t)INT32_MAX)
                return WB_FAIL(err, WB_ERR_USAGE,
                               "[collectives] max_bytes: %lld B of %s make %zu elements per rank "
                               "for %s, more than MPI's int counts allow (%d)",
                               (long long)largest, wb_dtype_name(dt), c.count,
                               wb_coll_name(coll), INT32_MAX);
        }
    /* Two message buffers of max_bytes per rank (what the engines allocate), on every rank
     * of a locality. */
    double per_rank = 2.0 * (double)((cc->max_bytes + 4095) / 4096 * 4096);
    double need = per_rank * w->ranks_per_locality[w->locality_of[w->rank]];
    int64_t avail = wb_memory_available();
    if (avail >= 0 && need > (double)avail)
        return WB_FAIL(err, WB_ERR_USAGE,
                       "[collectives] max_bytes: %lld B need %.0f MiB of message buffers on this "
                       "locality (%d ranks x 2 x %lld B) but %.0f MiB are available",
                       (long long)cc->max_bytes, need / (1 << 20),
                       w->ranks_per_locality[w->locality_of[w->rank]], (long long)cc->max_bytes,
                       (double)avail / (1 << 20));
    return WB_OK;
}

/* Walks the sweep as sweep() does: the measurements of d on en, and their cost into *cost. */
static long plan(const struct scope *sc, const struct wb_config *cfg, const struct engine *en,
                 const struct wb_coll_desc *d, double *cost)
{
    const struct wb_coll_config *cc = &cfg->coll;
    unsigned placements = cc->placements &
                          (en->e->placements ? en->e->placements(d) : d->placements);
    long n = 0;
    for (int dt = 0; dt < WB_DTYPE_COUNT; dt++)
        for (int op = 0; op < WB_REDOP_COUNT && (cc->dtypes & (1u << dt)); op++) {
            if (d->reduction ? !(cc->redops & (1u << op)) : op != 0)
                continue;
            for (int64_t size = cc->min_bytes; size <= cc->max_bytes; size *= cc->factor) {
                struct wb_coll_counts c;
                wb_coll_desc_counts(&c, d, (size_t)size, wb_coll_data_type_size(dt), sc->w.size);
                if (c.count == 0)
                    continue;
                for (int p = 0; p < WB_PLACE_COUNT; p++)
                    if (placements & (1u << p)) {
                        n++;
                        *cost += measurement_cost(cc, en->clock, c.bytes);
                    }
            }
        }
    return n;
}

/* us per operation of d at bytes on en, the slowest rank's: the best of three after a
 * warm-up (a busy moment of the machine would make every estimate long). */
static double probe_one(const struct wb_world *w, const struct scope *sc,
                        const struct wb_config *cfg, const struct engine *en,
                        const struct wb_coll_desc *d, size_t bytes, size_t *probed)
{
    const struct wb_coll_config *cc = &cfg->coll;
    int dt = 0, op = 0;
    while (!(cc->dtypes & (1u << dt)))
        dt++;
    while (d->reduction && !(cc->redops & (1u << op)))
        op++;
    struct wb_coll_shape s = {.rank = sc->w.rank, .nranks = sc->w.size,
                              .root = d->rooted ? (int)cc->root : -1, .dtype = dt, .op = op};
    wb_coll_desc_counts(&s.cnt, d, bytes, wb_coll_data_type_size(dt), sc->w.size);
    *probed = s.cnt.bytes;
    double mine = 0, slowest = 0;
    if (s.cnt.count > 0 && sc->member) {
        en->e->run(en->ctx, d, &s, 1);
        mine = en->e->run(en->ctx, d, &s, 1);
        for (int k = 0; k < 2; k++)
            mine = fmin(mine, en->e->run(en->ctx, d, &s, 1));
    }
    MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, w->comm);
    return slowest;
}

/* Probes en with the first collective of the sweep and sets the clock; rank 0 says how long
 * the engine's sweep will take before it starts. */
static void start_clock(const struct wb_world *w, const struct scope *sc,
                        const struct wb_config *cfg, const struct engine *en)
{
    const struct wb_coll_config *cc = &cfg->coll;
    struct sweep_clock *c = en->clock;
    int first = 0;
    while (!(cc->colls & (1u << first)))
        first++;
    const struct wb_coll_desc *d = wb_coll_desc_get(first);
    int64_t largest = largest_size(cc);
    size_t small_b, large_b;
    c->t_small = probe_one(w, sc, cfg, en, d, (size_t)cc->min_bytes, &small_b);
    c->t_large = probe_one(w, sc, cfg, en, d, (size_t)largest, &large_b);
    c->small = (double)small_b;
    c->large = (double)large_b;
    if (c->t_small <= 0) /* no element per rank at the smallest size */
        c->t_small = c->t_large * c->small / (c->large > 0 ? c->large : 1);
    c->total = c->done = 0;
    long n = 0;
    for (int coll = 0; coll < WB_COLL_COUNT; coll++)
        if (cc->colls & (1u << coll))
            n += plan(sc, cfg, en, wb_coll_desc_get(coll), &c->total);
    if (w->rank == 0 && !cfg->quiet) {
        char took[32];
        wb_progress_duration(c->total * 1e-6, took, sizeof took);
        printf("# %s (%s): about %s for %ld measurements (probe: %s, %.3g us at %zu B, %.3g us "
               "at %zu B)\n",
               en->e->name, wb_scope_name(sc->id), took, n, wb_coll_name(first), c->t_small,
               small_b, c->t_large, large_b);
        fflush(stdout);
    }
}

/* Makes scope id's group view of w into *sc (collective over w). Returns 0, or 1 when the
 * scope measures nothing new here (why[size] says so), or an MPI error code. */
static int scope_open(struct scope *sc, int id, const struct wb_world *w, char *why, size_t size)
{
    int most = 0;
    for (int l = 0; l < w->n_localities; l++)
        most = w->ranks_per_locality[l] > most ? w->ranks_per_locality[l] : most;
    *sc = (struct scope){.id = id, .member = 1, .groups = 1, .w = *w};
    if (id == WB_SCOPE_INTRA) {
        if (most < 2) {
            snprintf(why, size, "every locality has one rank");
            return 1;
        }
        sc->groups = w->n_localities;
        sc->w.comm = w->node_comm;
        sc->w.rank = w->node_rank;
        sc->w.size = w->node_size;
        sc->w.n_localities = 1;
    } else if (id == WB_SCOPE_INTER) {
        if (w->n_localities < 2) {
            snprintf(why, size, "one locality");
            return 1;
        }
        sc->member = w->node_rank == 0;
        int rc = MPI_Comm_split(w->comm, sc->member ? 0 : MPI_UNDEFINED, w->rank, &sc->w.comm);
        if (rc != MPI_SUCCESS)
            return rc;
        sc->w.rank = sc->member ? w->locality : -1;
        sc->w.size = w->n_localities;
    }
    return 0;
}

static void scope_close(struct scope *sc)
{
    if (sc->id == WB_SCOPE_INTER && sc->member)
        MPI_Comm_free(&sc->w.comm);
}

/* One engine's sweeps over one scope: its tables, the wrong elements into *wrong. */
static int run_scope(const struct wb_world *w, const struct scope *sc,
                     const struct wb_config *cfg, struct engine *en,
                     struct wb_results *results, int64_t *wrong, struct wb_error *err)
{
    const struct wb_coll_config *cc = &cfg->coll;
    /* The groups open apart; all go on only if every one could. */
    if (sc->member)
        en->e->open(&en->ctx, &sc->w, (size_t)cc->max_bytes, err);
    int status = wb_world_agree(w, err);
    if (status != WB_OK) {
        if (sc->member && en->ctx)
            en->e->close(en->ctx);
        en->ctx = NULL;
        return status;
    }
    start_clock(w, sc, cfg, en);
    for (int coll = 0; status == WB_OK && coll < WB_COLL_COUNT; coll++) {
        if (!(cc->colls & (1u << coll)))
            continue;
        int64_t n = 0;
        status = run_table(w, sc, cfg, en, wb_coll_desc_get(coll), results, &n, err);
        *wrong += n;
        wb_watchdog_tables_done(results->ntables);
    }
    if (en->ctx)
        en->e->close(en->ctx);
    en->ctx = NULL;
    return status;
}

int wb_coll_run(const struct wb_world *w, const struct wb_config *cfg,
                const struct wb_coll_engines *engines, struct wb_results *results,
                struct wb_error *err)
{
    const struct wb_coll_config *cc = &cfg->coll;
    int status = WB_OK, ran = 0;
    int64_t wrong_total = 0;
    struct wb_progress progress;
    wb_progress_start(&progress, w, cfg, "collectives");
    for (int i = 0; i < engines->n && status == WB_OK; i++) {
        struct sweep_clock clock = {.progress = &progress};
        struct engine en = {engines->list[i], NULL, &clock};
        char why[256] = "";
        if (en.e->available && !en.e->available(w, cfg, why, sizeof why)) {
            if (w->rank == 0 && !cfg->quiet)
                printf("# %s: skipped, %s\n", en.e->name, why);
            continue;
        }
        ran++;
        for (int id = 0; id < WB_SCOPE_COUNT && status == WB_OK; id++) {
            if (!(cc->scopes & (1u << id)))
                continue;
            struct scope sc;
            int rc = scope_open(&sc, id, w, why, sizeof why);
            if (rc == 1) {
                if (w->rank == 0 && !cfg->quiet)
                    printf("# %s (%s): skipped, %s\n", en.e->name, wb_scope_name(id), why);
                continue;
            }
            if (rc != 0)
                wb_world_fatal_mpi(w->comm, w->rank, rc, "the inter scope's communicator");
            status = run_scope(w, &sc, cfg, &en, results, &wrong_total, err);
            scope_close(&sc);
        }
    }
    wb_progress_end(&progress);
    if (status == WB_OK && !ran)
        status = WB_FAIL(err, WB_ERR_USAGE, "%s", engines->if_none);
    if (status == WB_OK && wrong_total > 0)
        status = WB_FAIL(err, WB_ERR_CHECK, "collectives: %lld wrong values", (long long)wrong_total);
    return status;
}
