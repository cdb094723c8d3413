/* Unit tests of report/compare/export logic: declared column roles and directions (and
 * their HDF5 round trip, MPI as a singleton), the rules for files written before columns
 * declared them, CSV records, configuration differences, the Prometheus text format and
 * the JSON summary. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hdf5.h>
#include <jansson.h>
#include <unistd.h>

#include "wavebench/compare.h"
#include "wavebench/export.h"
#include "wavebench/h5.h"
#include "wavebench/metrics.h"

static struct wb_world world; /* MPI as a singleton, for the HDF5 writer */

static void make_coll(struct wb_table *t)
{
    wb_table_init(t, "collectives/allreduce", "allreduce");
    int size = wb_table_add_col(t, "size", WB_COL_I64, WB_ROLE_KEY, WB_BETTER_NONE, "size", "B", "",
                                12, 0);
    int type = wb_table_add_col(t, "type", WB_COL_STR, WB_ROLE_KEY, WB_BETTER_NONE, "type", "", "",
                                7, 0);
    int redop = wb_table_add_col(t, "redop", WB_COL_STR, WB_ROLE_KEY, WB_BETTER_NONE, "redop", "",
                                 "", 6, 0);
    int ot = wb_table_add_col(t, "oop_time", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_LOWER, "time",
                              "us", "out-of-place", 10, 2);
    int ob = wb_table_add_col(t, "oop_busbw", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_HIGHER, "busbw",
                              "GB/s", "out-of-place", 8, 2);
    int omin = wb_table_add_col(t, "oop_time_rep_min", WB_COL_F64, WB_ROLE_SPREAD, WB_BETTER_NONE,
                                NULL, "us", "", 0, 0);
    int it = wb_table_add_col(t, "ip_time", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_LOWER, "time",
                              "us", "in-place", 10, 2);
    int ib = wb_table_add_col(t, "ip_busbw", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_HIGHER, "busbw",
                              "GB/s", "in-place", 8, 2);
    for (int r = 0; r < 2; r++) {
        long row = wb_table_add_row(t);
        wb_table_set_i64(t, (size_t)row, size, 1024 << r);
        wb_table_set_str(t, (size_t)row, type, "float");
        wb_table_set_str(t, (size_t)row, redop, r ? "max" : "sum\"x");
        wb_table_set_f64(t, (size_t)row, ot, 10.0 + r);
        wb_table_set_f64(t, (size_t)row, ob, 1.5 + r);
        wb_table_set_f64(t, (size_t)row, omin, 9.0);
        wb_table_set_f64(t, (size_t)row, it, 12.0);
        wb_table_set_f64(t, (size_t)row, ib, 0.0 / 0.0);
    }
    wb_table_attr_num(t, "ranks", 4);
    wb_table_attr_num(t, "localities", 2);
    wb_table_attr_text(t, "backend", "cpu");
}

static struct wb_results_file *make_file(void)
{
    struct wb_results_file *f = calloc(1, sizeof *f);
    wb_table_init(&f->meta, "/", "run");
    wb_table_attr_num(&f->meta, "ranks", 4);
    wb_table_attr_num(&f->meta, "localities", 2);
    wb_table_attr_text(&f->meta, "backend", "cpu");
    wb_table_attr_text(&f->meta, "run_id", "r-1");
    wb_table_attr_text(&f->meta, "verdict", "PASSED");
    make_coll(wb_results_new_table(&f->results, "", ""));
    f->config_ini = strdup("[run]\nbackend = cpu\n");
    return f;
}

static void test_csv(void **state)
{
    (void)state;
    struct wb_results_file *f = make_file();
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_export_csv(f, out, &err), WB_OK);
    fclose(out);
    /* header, 2 out-of-place rows, 2 in-place rows (NaN busbw but a time) */
    int lines = 0;
    for (char *p = buf; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 5);
    assert_non_null(strstr(buf, "suite,table,op,type,size,in_place,ranks,localities,backend,redop,time,busbw,time_rep_min\n"));
    assert_non_null(strstr(buf, "collectives,collectives/allreduce,allreduce,float,1024,0,4,2,cpu,\"sum\"\"x\",10,1.5,9\n"));
    assert_non_null(strstr(buf, "collectives,collectives/allreduce,allreduce,float,2048,1,4,2,cpu,max,12,,\n"));
    free(buf);
    buf = NULL;
    out = open_memstream(&buf, &len);
    assert_int_equal(wb_export_json(f, out, &err), WB_OK);
    fclose(out);
    json_error_t jerr;
    json_t *doc = json_loads(buf, 0, &jerr);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "records")), 4);
    json_t *r3 = json_array_get(json_object_get(doc, "records"), 3);
    assert_true(json_is_null(json_object_get(r3, "busbw")));
    assert_true(json_is_true(json_object_get(r3, "in_place")));
    json_decref(doc);
    free(buf);
    wb_h5_results_file_free(f);
    free(f);
}

static void test_prometheus(void **state)
{
    (void)state;
    struct wb_results_file *f = make_file();
    struct wb_metrics m;
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_metrics_collect(&m, &f->meta, &f->results, &err), WB_OK);
    char *text = wb_metrics_prometheus(&m);
    assert_non_null(text);
    /* One TYPE line per family, before its samples; label values escaped. */
    const char *type = strstr(text, "# TYPE wavebench_busbw_gbps gauge\n");
    assert_non_null(type);
    assert_null(strstr(type + 1, "# TYPE wavebench_busbw_gbps gauge"));
    assert_non_null(strstr(text, "wavebench_busbw_gbps{suite=\"collectives\",op=\"allreduce\",size=\"1024\","
                                 "type=\"float\",in_place=\"0\",ranks=\"4\",localities=\"2\",backend=\"cpu\","
                                 "redop=\"sum\\\"x\"} 1.5\n"));
    assert_non_null(strstr(text, "wavebench_time_us{"));
    assert_non_null(strstr(text, "wavebench_run_info{"));
    assert_null(strstr(text, "NaN")); /* in-place busbw is NaN: not pushed */
    assert_null(strstr(text, "time_rep_min"));
    /* Samples of a family are contiguous. */
    const char *first = strstr(text, "\nwavebench_time_us{"), *last = first;
    for (const char *p = first; (p = strstr(p + 1, "\nwavebench_time_us{"));)
        last = p;
    for (const char *p = first + 1; p < last; p = strchr(p, '\n') + 1)
        assert_true(strncmp(p, "wavebench_time_us{", 18) == 0 || strncmp(p, "# ", 2) == 0);
    char *json = wb_metrics_json(&m, &f->meta);
    json_error_t jerr;
    json_t *doc = json_loads(json, 0, &jerr);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "run_id")), "r-1");
    assert_int_equal(json_array_size(json_object_get(doc, "metrics")), m.n);
    json_decref(doc);
    free(json);
    free(text);
    wb_metrics_free(&m);
    wb_h5_results_file_free(f);
    free(f);
    char name[64];
    wb_metrics_sanitize(name, sizeof name, "9a-b/c");
    assert_string_equal(name, "_a_b_c");
}

static void test_config_diff(void **state)
{
    (void)state;
    char out[512];
    const char *a = "[run]\noutput_dir = /a\nbackend = cpu\n[collectives]\nmax_bytes = 1024\n"
                    "[report]\npush = http://x\n[debug]\ncorrupt_rank = -1\n";
    const char *b = "[run]\noutput_dir = /b\nbackend = cpu\n[collectives]\nmax_bytes = 2048\n"
                    "[report]\npush = \n";
    assert_int_equal(wb_compare_config_diff(a, a, out, sizeof out), 0);
    assert_int_equal(wb_compare_config_diff(a, b, out, sizeof out), 1);
    assert_non_null(strstr(out, "collectives.max_bytes: '1024' vs '2048'"));
    assert_int_equal(wb_compare_config_diff(a, "[collectives]\nmax_bytes = 1024\nroot = 1\n", out,
                                            sizeof out), 2);
}

static void test_compare_rows(void **state)
{
    (void)state;
    struct wb_results_file *a = make_file(), *b = make_file();
    struct wb_compare_options opt = {5, false};
    struct wb_error err;
    wb_error_clear(&err);
    FILE *out = fopen("/dev/null", "w");
    assert_int_equal(wb_compare(a, "a", b, "b", &opt, out, &err), WB_OK);
    /* 3x slower out-of-place time at 1024 B, outside the recorded spread: a regression. */
    struct wb_table *t = b->results.tables[0];
    t->cols[wb_table_col(t, "oop_time")].data.f64[0] = 30;
    t->cols[wb_table_col(t, "oop_time_rep_min")].data.f64[0] = 29;
    assert_int_equal(wb_compare(a, "a", b, "b", &opt, out, &err), WB_ERR_CHECK);
    /* The same change inside a wide recorded spread in both files is noise. */
    wb_error_clear(&err);
    a->results.tables[0]->cols[wb_table_col(t, "oop_time_rep_min")].data.f64[0] = 1;
    t->cols[wb_table_col(t, "oop_time_rep_min")].data.f64[0] = 1;
    /* no *_rep_max column: no spread pair, so still judged on the threshold alone */
    assert_int_equal(wb_compare(a, "a", b, "b", &opt, out, &err), WB_ERR_CHECK);
    /* Different configurations: a usage error naming the key. */
    wb_error_clear(&err);
    free(b->config_ini);
    b->config_ini = strdup("[run]\nbackend = cuda\n");
    assert_int_equal(wb_compare(a, "a", b, "b", &opt, out, &err), WB_ERR_USAGE);
    assert_non_null(strstr(err.msg, "run.backend"));
    fclose(out);
    wb_h5_results_file_free(a);
    wb_h5_results_file_free(b);
    free(a);
    free(b);
}

/* A table whose column names mislead the old guesses: latency_p99 (no unit) was context to
 * them and is declared a lower-is-better figure; time_budget (us) was a time to them and is
 * declared context. */
static void make_latency(struct wb_table *t, double p99, double budget)
{
    wb_table_init(t, "suite/lat", "latency");
    int size = wb_table_add_col(t, "size", WB_COL_I64, WB_ROLE_KEY, WB_BETTER_NONE, "size", "B", "",
                                8, 0);
    int c99 = wb_table_add_col(t, "latency_p99", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_LOWER, "p99",
                               "", "", 8, 2);
    int cb = wb_table_add_col(t, "time_budget", WB_COL_F64, WB_ROLE_CONTEXT, WB_BETTER_NONE,
                              "budget", "us", "", 8, 2);
    assert_true(size >= 0 && c99 >= 0 && cb >= 0);
    wb_table_set_threshold(t, c99, "max_p99");
    assert_int_equal(wb_table_add_row(t), 0);
    wb_table_set_i64(t, 0, size, 64);
    wb_table_set_f64(t, 0, c99, p99);
    wb_table_set_f64(t, 0, cb, budget);
}

static struct wb_results_file *make_latency_file(double p99, double budget)
{
    struct wb_results_file *f = calloc(1, sizeof *f);
    wb_table_init(&f->meta, "/", "run");
    wb_table_attr_num(&f->meta, "ranks", 1);
    wb_table_attr_num(&f->meta, "localities", 1);
    make_latency(wb_results_new_table(&f->results, "", ""), p99, budget);
    f->config_ini = strdup("[run]\nbackend = cpu\n");
    return f;
}

static char *compare_text(const struct wb_results_file *a, const struct wb_results_file *b, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct wb_compare_options opt = {5, false};
    struct wb_error err;
    wb_error_clear(&err);
    *rc = wb_compare(a, "a", b, "b", &opt, out, &err);
    fclose(out);
    return buf;
}

/* compare, export and the push go by the declared meaning, not by the name. */
static void test_declared_meaning(void **state)
{
    (void)state;
    struct wb_results_file *base = make_latency_file(10, 100), *slow = make_latency_file(30, 100),
                           *fast = make_latency_file(3, 100), *other = make_latency_file(10, 900);
    int rc;
    char *text = compare_text(base, slow, &rc);
    assert_int_equal(rc, WB_ERR_CHECK); /* p99 3x higher: a regression */
    assert_non_null(strstr(text, "# REGRESSION suite/lat size=64 latency_p99: 10 -> 30"));
    free(text);
    text = compare_text(base, fast, &rc);
    assert_int_equal(rc, WB_OK); /* lower is better: an improvement */
    assert_non_null(strstr(text, "1 better beyond the spread, 0 regressed"));
    free(text);
    text = compare_text(base, other, &rc);
    assert_int_equal(rc, WB_OK); /* context is shown, never judged, whatever its unit */
    assert_non_null(strstr(text, "# compare: 1 figures compared"));
    free(text);

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_export_json(base, out, &err), WB_OK);
    fclose(out);
    json_error_t jerr;
    json_t *doc = json_loads(buf, 0, &jerr);
    assert_non_null(doc);
    json_t *cols = json_object_get(json_array_get(json_object_get(doc, "tables"), 0), "columns");
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 1), "role")), "figure");
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 1), "better")), "lower");
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 2), "role")), "context");
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 2), "better")), "");
    json_decref(doc);
    free(buf);

    struct wb_metrics m;
    assert_int_equal(wb_metrics_collect(&m, &base->meta, &base->results, &err), WB_OK);
    char *prom = wb_metrics_prometheus(&m);
    assert_non_null(strstr(prom, "\nwavebench_suite_latency_p99{"));
    assert_null(strstr(prom, "time_budget"));
    free(prom);
    wb_metrics_free(&m);
    struct wb_results_file *files[] = {base, slow, fast, other};
    for (size_t i = 0; i < WB_ARRAY_LEN(files); i++) {
        wb_h5_results_file_free(files[i]);
        free(files[i]);
    }
}

/* Replaces (or, value NULL, removes) a text attribute of dataset path in file name. */
static void edit_attr(const char *file, const char *path, const char *attr, const char *value)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDWR, H5P_DEFAULT), d = H5Dopen2(f, path, H5P_DEFAULT);
    assert_true(f >= 0 && d >= 0);
    if (H5Aexists(d, attr) > 0)
        assert_true(H5Adelete(d, attr) >= 0);
    if (value) {
        hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR);
        H5Tset_size(type, strlen(value) + 1);
        hid_t a = H5Acreate2(d, attr, type, space, H5P_DEFAULT, H5P_DEFAULT);
        assert_true(a >= 0 && H5Awrite(a, type, value) >= 0);
        H5Aclose(a);
        H5Sclose(space);
        H5Tclose(type);
    }
    H5Dclose(d);
    H5Fclose(f);
}

/* The results file keeps each column's declared meaning and threshold mark; a file
 * without them is read by the old rules; a damaged meaning is refused. */
static void test_h5_round_trip(void **state)
{
    (void)state;
    char dir[] = "/tmp/wb-test-export-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/r.h5", dir);
    struct wb_config cfg;
    wb_config_defaults(&cfg);
    struct wb_sysinfo si;
    wb_sysinfo_collect(&si);
    struct wb_run_info run = {.exit_status = 0, .complete = true};
    snprintf(run.verdict, sizeof run.verdict, "PASSED");
    struct wb_results res = {0};
    make_latency(wb_results_new_table(&res, "", ""), 10, 100);
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_h5_write_results(&world, &cfg, &run, &si, &res, path, sizeof path, &err), WB_OK);
    wb_results_free(&res);

    struct wb_results_file f;
    assert_int_equal(wb_h5_read_results(&f, path, &err), WB_OK);
    const struct wb_table *t = f.results.tables[0];
    const struct wb_column *p99 = &t->cols[wb_table_col(t, "latency_p99")];
    const struct wb_column *budget = &t->cols[wb_table_col(t, "time_budget")];
    assert_true(p99->role == WB_ROLE_FIGURE && p99->better == WB_BETTER_LOWER);
    assert_string_equal(p99->threshold, "max_p99");
    assert_true(budget->role == WB_ROLE_CONTEXT && budget->better == WB_BETTER_NONE);
    assert_string_equal(budget->threshold, "");
    assert_int_equal(t->cols[wb_table_col(t, "size")].role, WB_ROLE_KEY);
    wb_h5_results_file_free(&f);

    /* Without "role" and "better" (a file from before): the old rules by name and unit. */
    edit_attr(path, "suite/lat/latency_p99", "role", NULL);
    edit_attr(path, "suite/lat/latency_p99", "better", NULL);
    edit_attr(path, "suite/lat/time_budget", "role", NULL);
    edit_attr(path, "suite/lat/time_budget", "better", NULL);
    assert_int_equal(wb_h5_read_results(&f, path, &err), WB_OK);
    t = f.results.tables[0];
    assert_int_equal(t->cols[wb_table_col(t, "latency_p99")].role, WB_ROLE_CONTEXT);
    assert_int_equal(t->cols[wb_table_col(t, "time_budget")].better, WB_BETTER_LOWER);
    wb_h5_results_file_free(&f);

    /* A role it does not know, or a figure without a direction: refused, exit 2. */
    edit_attr(path, "suite/lat/latency_p99", "role", "sideways");
    edit_attr(path, "suite/lat/latency_p99", "better", "lower");
    assert_int_equal(wb_h5_read_results(&f, path, &err), WB_ERR_USAGE);
    assert_non_null(strstr(err.msg, "latency_p99"));
    wb_h5_results_file_free(&f);
    wb_error_clear(&err);
    edit_attr(path, "suite/lat/latency_p99", "role", "figure");
    edit_attr(path, "suite/lat/latency_p99", "better", NULL);
    assert_int_equal(wb_h5_read_results(&f, path, &err), WB_ERR_USAGE);
    wb_h5_results_file_free(&f);
    unlink(path);
    rmdir(dir);
}

/* The old rules give the columns of files written before columns declared their meaning
 * the meaning the suites now declare, so old and new files compare: here a file of that
 * age from the fuzzing corpus. */
static void test_legacy_meaning(void **state)
{
    (void)state;
    static const struct { const char *name; enum wb_col_type type; const char *unit; int width;
                          enum wb_col_role role; enum wb_col_better better; } cases[] = {
        {"size", WB_COL_I64, "B", 12, WB_ROLE_KEY, WB_BETTER_NONE},
        {"count", WB_COL_I64, "elements", 12, WB_ROLE_CONTEXT, WB_BETTER_NONE},
        {"type", WB_COL_STR, "", 7, WB_ROLE_KEY, WB_BETTER_NONE},
        {"oop_time", WB_COL_F64, "us", 10, WB_ROLE_FIGURE, WB_BETTER_LOWER},
        {"ip_busbw", WB_COL_F64, "GB/s", 8, WB_ROLE_FIGURE, WB_BETTER_HIGHER},
        {"oop_wrong", WB_COL_F64, "", 7, WB_ROLE_VERDICT, WB_BETTER_LOWER},
        {"serial_wrong", WB_COL_F64, "", 0, WB_ROLE_VERDICT, WB_BETTER_LOWER},
        {"oop_time_rep_min", WB_COL_F64, "us", 0, WB_ROLE_SPREAD, WB_BETTER_NONE},
        {"ip_iters", WB_COL_I64, "", 0, WB_ROLE_CONTEXT, WB_BETTER_NONE},
        {"bytes", WB_COL_I64, "B", 0, WB_ROLE_CONTEXT, WB_BETTER_NONE},
        {"rel_l2", WB_COL_F64, "", 9, WB_ROLE_FIGURE, WB_BETTER_LOWER},
        {"points_per_s", WB_COL_F64, "", 10, WB_ROLE_FIGURE, WB_BETTER_HIGHER},
        {"gflops", WB_COL_F64, "", 8, WB_ROLE_FIGURE, WB_BETTER_HIGHER},
        {"speedup", WB_COL_F64, "", 8, WB_ROLE_FIGURE, WB_BETTER_HIGHER},
        {"peak_rss", WB_COL_F64, "MiB", 8, WB_ROLE_FIGURE, WB_BETTER_LOWER},
        {"elapsed", WB_COL_F64, "s", 9, WB_ROLE_CONTEXT, WB_BETTER_NONE},
        {"width", WB_COL_F64, "", 5, WB_ROLE_CONTEXT, WB_BETTER_NONE},
    };
    for (size_t i = 0; i < WB_ARRAY_LEN(cases); i++) {
        enum wb_col_role role;
        enum wb_col_better better;
        wb_h5_legacy_meaning(cases[i].name, cases[i].type, cases[i].unit, cases[i].width, &role,
                             &better);
        if (role != cases[i].role || better != cases[i].better)
            fail_msg("%s: role %s, better %s", cases[i].name, wb_table_role_name(role),
                     wb_table_better_name(better));
    }

    const char *src = getenv("WB_SRCDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/results/allreduce-np2.bin", src ? src : "..");
    struct wb_results_file f;
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_h5_read_results(&f, path, &err), WB_OK);
    const struct wb_table *t = f.results.tables[0];
    assert_string_equal(t->path, "collectives/allreduce");
    assert_int_equal(t->cols[wb_table_col(t, "oop_busbw")].better, WB_BETTER_HIGHER);
    assert_int_equal(t->cols[wb_table_col(t, "ip_wrong")].role, WB_ROLE_VERDICT);
    assert_int_equal(t->cols[wb_table_col(t, "count")].role, WB_ROLE_CONTEXT);
    int rc;
    char *text = compare_text(&f, &f, &rc);
    assert_int_equal(rc, WB_OK);
    /* 4 sizes x 2 placements x (time, algbw, busbw, #wrong) */
    assert_non_null(strstr(text, "# compare: 32 figures compared"));
    free(text);
    wb_h5_results_file_free(&f);
}

int main(int argc, char **argv)
{
    struct wb_error err;
    wb_error_clear(&err);
    if (wb_world_init(&world, &argc, &argv, &err) != WB_OK) {
        fprintf(stderr, "MPI: %s\n", err.msg);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declared_meaning), cmocka_unit_test(test_h5_round_trip),
        cmocka_unit_test(test_legacy_meaning),   cmocka_unit_test(test_csv),
        cmocka_unit_test(test_prometheus),       cmocka_unit_test(test_config_diff),
        cmocka_unit_test(test_compare_rows),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    wb_world_finalize(&world);
    return failed ? 1 : 0;
}
