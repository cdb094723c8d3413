/* wavebench push: the run's summary metrics to a Prometheus Pushgateway and/or a JSON
 * endpoint, with libcurl, from rank 0 after the results file is written. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/push.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "wb_revision.h"
#include "wavebench/metrics.h"
#include "wavebench/signals.h"

static size_t discard(char *data, size_t size, size_t n, void *ctx)
{
    (void)data;
    (void)ctx;
    return size * n; /* the answer's body is not shown: it is the server's, not ours */
}

static void secret_free(char *s)
{
    if (s)
        explicit_bzero(s, strlen(s));
    free(s);
}

/* Opens path for reading only if it is a regular file: a FIFO or a device (/dev/zero)
 * would be waited on or read forever. O_NONBLOCK, then fstat: the file checked is the
 * file read. Returns the descriptor, or -1 with errno (EINVAL: not a regular file). */
static int open_regular(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return -1;
    bool stat_failed = fstat(fd, &st) != 0;
    if (stat_failed || !S_ISREG(st.st_mode)) {
        int e = stat_failed ? errno : EINVAL;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* The token from WAVEBENCH_PUSH_TOKEN or the first line of WAVEBENCH_PUSH_TOKEN_FILE,
 * malloc'd in *token (NULL: none set). Trailing spaces and CR are dropped; an empty,
 * over-long or non-printable token is an error (status), never a push without it. */
static int read_token(char **token, int status, struct wb_error *err)
{
    *token = NULL;
    const char *env = getenv("WAVEBENCH_PUSH_TOKEN");
    const char *file = getenv("WAVEBENCH_PUSH_TOKEN_FILE");
    const char *from = "WAVEBENCH_PUSH_TOKEN";
    char *buf = NULL;
    size_t n = 0;
    if (env && env[0]) {
        n = strlen(env);
        if (n > WB_PUSH_TOKEN_MAX)
            return WB_FAIL(err, status, "the push token in %s is longer than %d characters", from,
                           WB_PUSH_TOKEN_MAX);
        buf = strdup(env);
    } else if (file && file[0]) {
        from = "the first line of WAVEBENCH_PUSH_TOKEN_FILE";
        int fd = open_regular(file);
        if (fd < 0)
            return WB_FAIL(err, status, "cannot read the token file named by "
                           "WAVEBENCH_PUSH_TOKEN_FILE, '%s': %s", file,
                           errno == EINVAL ? "not a regular file" : strerror(errno));
        /* One byte more than a token may have and its newline: enough to tell. */
        buf = malloc(WB_PUSH_TOKEN_MAX + 3);
        ssize_t got = 0;
        while (buf && n < WB_PUSH_TOKEN_MAX + 2 &&
               ((got = read(fd, buf + n, WB_PUSH_TOKEN_MAX + 2 - n)) > 0 ||
                (got < 0 && errno == EINTR)))
            n += got > 0 ? (size_t)got : 0;
        int e = errno;
        close(fd);
        if (buf && got < 0) {
            explicit_bzero(buf, n);
            free(buf);
            return WB_FAIL(err, status, "cannot read the token file named by "
                           "WAVEBENCH_PUSH_TOKEN_FILE, '%s': %s", file, strerror(e));
        }
        if (buf) {
            char *nl = memchr(buf, '\n', n);
            size_t line = nl ? (size_t)(nl - buf) : n;
            explicit_bzero(buf + line, n - line); /* the rest of the file is not ours to keep */
            n = line;
            buf[n] = '\0';
            if (n > WB_PUSH_TOKEN_MAX) {
                secret_free(buf);
                return WB_FAIL(err, status, "the push token in %s is longer than %d characters",
                               from, WB_PUSH_TOKEN_MAX);
            }
        }
    } else {
        return WB_OK;
    }
    if (!buf)
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory reading the push token");
    while (n && (buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    if (n == 0) {
        secret_free(buf);
        return WB_FAIL(err, status, "the push token in %s is empty", from);
    }
    /* A header value: a control character (TAB, CR, NUL, ESC) or a space would be sent
     * verbatim or cut it; a bearer token is printable ASCII. Where, never what. */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)buf[i] <= ' ' || (unsigned char)buf[i] >= 0x7f) {
            secret_free(buf);
            return WB_FAIL(err, status, "the push token in %s has a space, control or non-ASCII "
                           "character at position %zu", from, i + 1);
        }
    *token = buf;
    return WB_OK;
}

/* Refuses what libcurl must not be given: spaces and control characters (CR/LF would
 * split the request), a URL it cannot parse, a scheme other than http and https (file://
 * would read a local file), no host, and user info (user:password@ would be sent as Basic
 * auth and stored with the command line). The message never repeats the URL. */
static int check_url(const char *key, const char *url, struct wb_error *err)
{
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p == 0x7f)
            return WB_FAIL(err, WB_ERR_USAGE, "[report] %s: the URL has a space or a control "
                           "character at position %ld (write a space as %%20)", key,
                           (long)(p - url) + 1);
    CURLU *h = curl_url();
    if (!h)
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory checking [report] %s", key);
    char *scheme = NULL, *user = NULL, *password = NULL, *options = NULL, *host = NULL;
    CURLUcode rc = curl_url_set(h, CURLUPART_URL, url, 0);
    if (rc != CURLUE_OK) {
#if LIBCURL_VERSION_NUM >= 0x075000
        WB_FAIL(err, WB_ERR_USAGE, "[report] %s: not a valid http(s) URL: %s", key,
                curl_url_strerror(rc));
#else
        WB_FAIL(err, WB_ERR_USAGE, "[report] %s: not a valid http(s) URL (libcurl code %d)", key,
                (int)rc);
#endif
    } else if (curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK ||
               curl_url_get(h, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK ||
               curl_url_get(h, CURLUPART_OPTIONS, &options, 0) == CURLUE_OK) {
        WB_FAIL(err, WB_ERR_USAGE, "[report] %s: credentials in the URL are not allowed; use "
                "WAVEBENCH_PUSH_TOKEN or WAVEBENCH_PUSH_TOKEN_FILE", key);
    } else if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
               (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        WB_FAIL(err, WB_ERR_USAGE, "[report] %s: scheme '%s' not allowed; use http:// or https://",
                key, scheme ? scheme : "");
    } else if (curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
        WB_FAIL(err, WB_ERR_USAGE, "[report] %s: the URL names no host", key);
    }
    if (password)
        explicit_bzero(password, strlen(password));
    curl_free(scheme);
    curl_free(user);
    curl_free(password);
    curl_free(options);
    curl_free(host);
    curl_url_cleanup(h);
    return err->status;
}

int wb_push_validate(const struct wb_world *w, const struct wb_config *cfg, struct wb_error *err)
{
    const struct wb_report_config *rc = &cfg->report;
    if (!rc->push[0] && !rc->push_json[0])
        return WB_OK;
    if ((rc->push[0] && check_url("push", rc->push, err) != WB_OK) ||
        (rc->push_json[0] && check_url("push_json", rc->push_json, err) != WB_OK))
        return err->status;
    if (w->rank != 0)
        return WB_OK; /* rank 0 pushes: the CA file and the token are read on its machine */
    if (rc->push_ca_file[0]) {
        int fd = open_regular(rc->push_ca_file);
        if (fd < 0)
            return WB_FAIL(err, WB_ERR_USAGE, "[report] push_ca_file: cannot read '%s': %s",
                           rc->push_ca_file, errno == EINVAL ? "not a regular file" : strerror(errno));
        close(fd);
    }
    char *token;
    if (read_token(&token, WB_ERR_USAGE, err) != WB_OK)
        return err->status;
    secret_free(token);
    return WB_OK;
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

/* Sleeps s seconds in slices of at most 0.1 s; returns early (non-zero) when a stop
 * (SIGTERM/SIGINT) is requested. */
static int sleep_or_stop(double s)
{
    while (s > 0 && !wb_signal_stop_requested()) {
        double slice = s < 0.1 ? s : 0.1;
        struct timespec ts = {0, (long)(slice * 1e9)};
        nanosleep(&ts, NULL); /* a signal cuts it short: then the check above ends it */
        s -= slice;
    }
    return wb_signal_stop_requested();
}

/* libcurl calls this at least once a second during a transfer (connect, wait, send):
 * non-zero aborts it, so a stop ends a push within about a second, not a timeout. */
static int abort_on_stop(void *ctx, curl_off_t dlt, curl_off_t dl, curl_off_t ult, curl_off_t ul)
{
    (void)ctx;
    (void)dlt;
    (void)dl;
    (void)ult;
    (void)ul;
    return wb_signal_stop_requested();
}

int wb_push_send(const struct wb_report_config *rc, const char *method, const char *url,
                 const char *content_type, const char *body, struct wb_error *err)
{
    char *token;
    if (read_token(&token, WB_ERR_RUNTIME, err) != WB_OK)
        return err->status;
    char ctype[128];
    snprintf(ctype, sizeof ctype, "Content-Type: %s", content_type);
    struct curl_slist *headers = curl_slist_append(NULL, ctype);
    bool header_ok = headers != NULL;
    if (headers && token) {
        size_t size = strlen(token) + 32;
        char *auth = malloc(size);
        struct curl_slist *h = NULL;
        if (auth) {
            snprintf(auth, size, "Authorization: Bearer %s", token);
            h = curl_slist_append(headers, auth);
            secret_free(auth);
        }
        header_ok = h != NULL; /* never a push without the token it was given */
    }
    bool had_token = token != NULL;
    secret_free(token);
    CURL *c = curl_easy_init();
    if (!c || !header_ok) {
        curl_slist_free_all(headers);
        if (c)
            curl_easy_cleanup(c);
        return WB_FAIL(err, WB_ERR_RUNTIME, "cannot start libcurl%s",
                       had_token ? " (no memory for the token)" : "");
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
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, abort_on_stop);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* the token goes to this host only */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, rc->push_insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, rc->push_insecure ? 0L : 2L);
    if (rc->push_ca_file[0])
        curl_easy_setopt(c, CURLOPT_CAINFO, rc->push_ca_file);
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
        if (attempt ? sleep_or_stop(backoff) : wb_signal_stop_requested()) {
            char last[sizeof why];
            snprintf(last, sizeof last, "%s", why);
            snprintf(why, sizeof why, "stopped by a signal%s%.*s", last[0] ? " after: " : "",
                     (int)(sizeof why - 32), last);
            break;
        }
        if (attempt)
            backoff = backoff * 2 < 8 ? backoff * 2 : 8;
        ebuf[0] = '\0';
        CURLcode res = curl_easy_perform(c);
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        if (res == CURLE_ABORTED_BY_CALLBACK) {
            snprintf(why, sizeof why, "stopped by a signal");
            break;
        }
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
        const char *env = getenv("WAVEBENCH_PUSH_TOKEN"), *file = getenv("WAVEBENCH_PUSH_TOKEN_FILE");
        if (((env && env[0]) || (file && file[0])) &&
            (strncasecmp(rc->push, "http:", 5) == 0 || strncasecmp(rc->push_json, "http:", 5) == 0))
            fprintf(stderr, "wavebench: warning: the push token goes over plain http, readable on "
                            "the way; use https\n");
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
