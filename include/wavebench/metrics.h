/* wavebench metrics: a run's summary metrics (one per figure of each record, records.h),
 * in the Prometheus text exposition format or as one JSON document, for the push. */
#ifndef WB_METRICS_H
#define WB_METRICS_H

#include <stddef.h>

#include "wavebench/common.h"
#include "wavebench/table.h"

#define WB_METRIC_MAX_LABELS 12

struct wb_metric {
    char name[WB_NAME_LEN];  /* e.g. wavebench_busbw_gbps */
    char help[160];          /* "wavebench SUITE: HEAD (UNIT)" */
    size_t nlabels;
    char label[WB_METRIC_MAX_LABELS][2][WB_NAME_LEN]; /* name, value */
    double value;
};

struct wb_metrics {
    size_t n, cap;
    struct wb_metric *m;
};

/* Collects the summary metrics of a run: meta holds run attributes (ranks, localities,
 * backend, run_id, verdict, exit_status, wavebench_version) as table attributes; res its
 * tables. History and data tables are left out. Returns WB_OK or WB_ERR_RUNTIME (memory). */
int wb_metrics_collect(struct wb_metrics *out, const struct wb_table *meta,
                       const struct wb_results *res, struct wb_error *err);
void wb_metrics_free(struct wb_metrics *m);

/* Prometheus text exposition format (version 0.0.4): one # HELP and # TYPE gauge per
 * family, samples grouped by family, label values escaped. malloc'd; NULL on failure. */
char *wb_metrics_prometheus(const struct wb_metrics *m);

/* One JSON document {"job","run_id",...,"metrics":[{"name","labels","value"}]}.
 * malloc'd; NULL on failure. */
char *wb_metrics_json(const struct wb_metrics *m, const struct wb_table *meta);

/* Copies s into out as a Prometheus metric or label name: [a-zA-Z0-9_], others to '_'. */
void wb_metrics_sanitize(char *out, size_t size, const char *s);

#endif
