/* wavebench push: the run's summary metrics to a Prometheus Pushgateway and/or a JSON
 * endpoint, with libcurl, from rank 0 after the results file is written. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/push.h"

#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "wb_revision.h"
#include "wavebench/metrics.h"

static size_t discard(char *data, size_t size, size_t n, void *ctx)
{
    (void)data;
    (void)ctx;
    return size * n; /* the answer's body is not shown: it is the server's, not ours */
}

/* The token from WAVEBENCH_PUSH_TOKEN or the first line of WAVEBENCH_PUSH_TOKEN_FILE.
 * Returns 0 (token may be empty: none), or -1 with a reason in err. */
static int read_token(char *token, size_t size, struct wb_error *err)
{
    token[0] = '\0';
    const char *env = getenv("WAVEBENCH_PUSH_TOKEN");
    const char *file = getenv("WAVEBENCH_PUSH_TOKEN_FILE");
    if (env && env[0]) {
        snprintf(token, size, "%s", env);
    } else if (file && file[0]) {
        FILE *f = fopen(file, "r");
        if (!f || !fgets(token, (int)size, f)) {
            if (f)
                fclose(f);
            WB_FAIL(err, WB_ERR_RUNTIME, "cannot read the token file named by WAVEBENCH_PUSH_TOKEN_FILE");
            return -1;
        }
        fclose(f);
    }
    size_t n = strlen(token);
    while (n && (token[n - 1] == '\n' || token[n - 1] == '\r' || token[n - 1] == ' '))
        token[--n] = '\0';
    if (strpbrk(token, "\r\n")) {
        WB_FAIL(err, WB_ERR_RUNTIME, "the push token contains a line break");
        return -1;
    }
    return 0;
}

int wb_push_gateway_url(char *out, size_t size, const char *base, const char *run_id)
{
    CURL *c = curl_easy_init();
    char *id = c ? curl_easy_escape(c, run_id, 0) : NULL;
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    int len = id ? snprintf(out, size, "%.*s/metrics/job/wavebench/run_id/%s", (int)n, base, id) : -1;
    curl_free(id);
    if (c)
        curl_easy_cleanup(c);
    return len > 0 && (size_t)len < size ? 0 : -1;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

int wb_push_send(const struct wb_report_config *rc, const char *method, const char *url,
                 const char *content_type, const char *body, struct wb_error *err)
{
    char token[1024];
    if (read_token(token, sizeof token, err) != 0)
        return err->status;
    char auth[1100], ctype[128];
    snprintf(ctype, sizeof ctype, "Content-Type: %s", content_type);
    struct curl_slist *headers = curl_slist_append(NULL, ctype);
    if (headers && token[0]) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        struct curl_slist *h = curl_slist_append(headers, auth);
        headers = h ? h : headers;
        memset(auth, 0, sizeof auth);
    }
    memset(token, 0, sizeof token);
    CURL *c = curl_easy_init();
    if (!c || !headers) {
        curl_slist_free_all(headers);
        if (c)
            curl_easy_cleanup(c);
        return WB_FAIL(err, WB_ERR_RUNTIME, "cannot start libcurl");
    }
    char ebuf[CURL_ERROR_SIZE];
    long timeout_ms = (long)(rc->push_timeout * 1000);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* the token goes to this host only */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, rc->push_insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, rc->push_insecure ? 0L : 2L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "wavebench/" PACKAGE_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    char why[CURL_ERROR_SIZE + 64] = "";
    bool ok = false;
    double backoff = 0.5;
    for (long attempt = 0; attempt <= rc->push_retries && !ok; attempt++) {
        if (attempt) {
            sleep_s(backoff);
            backoff = backoff * 2 < 8 ? backoff * 2 : 8;
        }
        ebuf[0] = '\0';
        CURLcode res = curl_easy_perform(c);
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        if (res != CURLE_OK) {
            snprintf(why, sizeof why, "%s", ebuf[0] ? ebuf : curl_easy_strerror(res));
            continue; /* refused, timed out, TLS: may pass on a later try */
        }
        if (code >= 200 && code < 300) {
            ok = true;
            break;
        }
        snprintf(why, sizeof why, "HTTP status %ld", code);
        if (code < 500 && code != 429 && code != 408)
            break; /* the request itself is wrong: retrying will not help */
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(headers); /* holds the Authorization header: freed, never printed */
    if (ok)
        return WB_OK;
    return WB_FAIL(err, WB_ERR_RUNTIME, "%s %s failed: %s", method, url, why);
}

int wb_push_after_run(const struct wb_world *w, const struct wb_config *cfg,
                      const struct wb_run_info *run, const struct wb_results *res, int status,
                      struct wb_error *err)
{
    const struct wb_report_config *rc = &cfg->report;
    if (!rc->push[0] && !rc->push_json[0])
        return status;
    int failed = 0;
    char msg[WB_ERR_MSG_LEN] = "";
    if (w->rank == 0) {
        struct wb_error perr;
        wb_error_clear(&perr);
        static struct wb_table meta; /* large; rank 0 only, once per run */
        wb_table_init(&meta, "/", "run");
        wb_table_attr_text(&meta, "run_id", run->run_id);
        wb_table_attr_text(&meta, "verdict", run->verdict);
        wb_table_attr_text(&meta, "start_utc", run->start_utc);
        wb_table_attr_text(&meta, "end_utc", run->end_utc);
        wb_table_attr_text(&meta, "backend", wb_backend_name(cfg->backend));
        wb_table_attr_text(&meta, "wavebench_version", PACKAGE_VERSION);
        wb_table_attr_text(&meta, "git_revision", WB_GIT_REVISION);
        wb_table_attr_num(&meta, "ranks", w->size);
        wb_table_attr_num(&meta, "localities", w->n_localities);
        wb_table_attr_num(&meta, "exit_status", status);
        struct wb_metrics m;
        curl_global_init(CURL_GLOBAL_DEFAULT);
        if (wb_metrics_collect(&m, &meta, res, &perr) == WB_OK) {
            if (rc->push[0]) {
                char url[WB_PATH_LEN + 256];
                char *text = wb_metrics_prometheus(&m);
                if (!text || wb_push_gateway_url(url, sizeof url, rc->push, run->run_id) != 0)
                    WB_FAIL(&perr, WB_ERR_RUNTIME, "push: cannot build the request");
                else if (wb_push_send(rc, "PUT", url, "text/plain; version=0.0.4; charset=utf-8",
                                      text, &perr) != WB_OK)
                    failed = 1;
                free(text);
            }
            if (rc->push_json[0]) {
                char *text = wb_metrics_json(&m, &meta);
                if (!text)
                    WB_FAIL(&perr, WB_ERR_RUNTIME, "push: cannot build the JSON document");
                else if (wb_push_send(rc, "POST", rc->push_json, "application/json", text,
                                      &perr) != WB_OK)
                    failed = 1;
                free(text);
            }
            wb_metrics_free(&m);
        }
        curl_global_cleanup();
        failed |= perr.status != WB_OK;
        if (failed) {
            snprintf(msg, sizeof msg, "push: %.440s; the results file is intact", perr.msg);
            if (!rc->push_required || status != WB_OK)
                fprintf(stderr, "wavebench: warning: %s\n", msg);
            fflush(stderr);
        }
    }
    MPI_Bcast(&failed, 1, MPI_INT, 0, w->comm);
    if (failed && rc->push_required && status == WB_OK) {
        WB_FAIL(err, WB_ERR_RUNTIME, "%s", w->rank == 0 ? msg : "push failed (push_required)");
        return WB_ERR_RUNTIME;
    }
    return status;
}
