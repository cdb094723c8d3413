/* wavebench push: after the results file is written, rank 0 sends the run's summary
 * metrics to a Prometheus Pushgateway (text exposition format) and/or POSTs them as one
 * JSON document (libcurl; compiled only with WB_HAVE_CURL).
 *
 * Credentials come only from the environment: WAVEBENCH_PUSH_TOKEN, or the first line of
 * the file named by WAVEBENCH_PUSH_TOKEN_FILE (a regular file), sent as "Authorization:
 * Bearer": printable ASCII, 1 to WB_PUSH_TOKEN_MAX characters. They are never printed,
 * logged or written to the results file; a URL carrying user info is refused. */
#ifndef WB_PUSH_H
#define WB_PUSH_H

#include <stddef.h>

#include "wavebench/common.h"
#include "wavebench/config.h"
#include "wavebench/h5.h"
#include "wavebench/table.h"
#include "wavebench/world.h"

/* The longest token taken (JWTs run to a few KiB); a longer one is refused, not cut. */
#define WB_PUSH_TOKEN_MAX 65536

/* Collective, before any work (the URLs end up in the results file): refuses, with
 * WB_ERR_USAGE and one line, a push or push_json URL that is not http(s)://HOST..., has
 * user info, spaces or control characters; and on rank 0 (which pushes) an unreadable or
 * non-regular push_ca_file or token file, and an empty, over-long or non-printable token.
 * WB_OK when no push is configured. */
int wb_push_validate(const struct wb_world *w, const struct wb_config *cfg, struct wb_error *err);

/* Collective. Rank 0 pushes to cfg->report.push and/or push_json with bounded retries;
 * a failure is one warning line on stderr, and so is a token sent over plain http. Returns status unchanged, unless a push failed,
 * push_required is set and status was WB_OK: then WB_ERR_RUNTIME with err filled. Every
 * rank returns the same value. */
int wb_push_after_run(const struct wb_world *w, const struct wb_config *cfg,
                      const struct wb_run_info *run, const struct wb_results *res, int status,
                      struct wb_error *err);

/* One HTTP request with cfg's timeout, retries (back-off 0.5 s doubling, at most 8 s),
 * TLS verification (off only with push_insecure; push_ca_file: the CAs to trust) and the
 * token, if any. A stop (SIGTERM/SIGINT)
 * ends the attempts within about a second. Success is a 2xx answer. Returns WB_OK, or
 * WB_ERR_RUNTIME with a reason (no credentials) in err. */
int wb_push_send(const struct wb_report_config *rc, const char *method, const char *url,
                 const char *content_type, const char *body, struct wb_error *err);

/* The Pushgateway URL of a run: base + "/metrics/job/wavebench/run_id/" + id (escaped). */
int wb_push_gateway_url(char *out, size_t size, const char *base, const char *run_id);

#endif
