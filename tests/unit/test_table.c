/* Unit tests of the results table: columns, rows, raw series, printing. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wavebench/table.h"
#include "wavebench/text.h"

static void test_table_grow_and_print(void **state)
{
    (void)state;
    struct wb_table t;
    wb_table_init(&t, "suite/op", "a title");
    int size = wb_table_add_col(&t, "size", WB_COL_I64, WB_ROLE_KEY, WB_BETTER_NONE, "size", "B",
                                "", 8, 0);
    int name = wb_table_add_col(&t, "type", WB_COL_STR, WB_ROLE_KEY, WB_BETTER_NONE, "type", "", "",
                                6, 0);
    int bw = wb_table_add_col(&t, "bw", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_HIGHER, "busbw",
                              "GB/s", "out", 7, 2);
    int hidden = wb_table_add_col(&t, "hidden", WB_COL_F64, WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL,
                                  "", "", 0, 0);
    int raw = wb_table_add_raw(&t, "raw", "us", 3);
    assert_true(size == 0 && name == 1 && bw == 2 && hidden == 3 && raw == 0);
    for (int i = 0; i < 40; i++) { /* past the first capacity */
        long r = wb_table_add_row(&t);
        assert_int_equal(r, i);
        wb_table_set_i64(&t, (size_t)r, size, 8 << i % 20);
        wb_table_set_str(&t, (size_t)r, name, "float");
        wb_table_set_f64(&t, (size_t)r, bw, i == 1 ? NAN : i * 0.5);
        wb_table_raw(&t, raw, (size_t)r)[2] = i;
    }
    assert_int_equal(wb_table_add_col(&t, "late", WB_COL_F64, WB_ROLE_CONTEXT, WB_BETTER_NONE, NULL,
                                      "", "", 1, 0), -1);
    assert_true(wb_table_raw(&t, raw, 39)[2] == 39);
    assert_int_equal(wb_table_col(&t, "bw"), bw);
    assert_int_equal(wb_table_col(&t, "nope"), -1);
    wb_table_attr_num(&t, "avg_busbw", 1.5);
    wb_table_attr_text(&t, "verdict", "OK");

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    wb_text_table(&t, f);
    fclose(f);
    assert_non_null(strstr(buf, "# a title\n"));
    assert_non_null(strstr(buf, "busbw"));
    assert_non_null(strstr(buf, "GB/s"));
    assert_non_null(strstr(buf, "     n/a")); /* NaN shown as n/a */
    assert_non_null(strstr(buf, "   19.50"));
    assert_null(strstr(buf, "hidden"));      /* width 0: not printed */
    assert_non_null(strstr(buf, "# verdict"));
    free(buf);
    wb_table_free(&t);
}

static void test_results(void **state)
{
    (void)state;
    struct wb_results r = {0};
    struct wb_table *a = wb_results_new_table(&r, "x/a", "A");
    struct wb_table *b = wb_results_new_table(&r, "x/b", "B");
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(r.ntables, 2);
    assert_string_equal(r.tables[1]->path, "x/b");
    wb_results_free(&r);
    assert_int_equal(r.ntables, 0);
}

/* No fixed limits: a table takes as many columns, raw series and attributes as a suite
 * declares, and a run as many tables. */
static void test_no_fixed_limits(void **state)
{
    (void)state;
    struct wb_results r = {0};
    for (int k = 0; k < 100; k++) {
        char path[32];
        snprintf(path, sizeof path, "suite/t%d", k);
        assert_non_null(wb_results_new_table(&r, path, path));
    }
    assert_int_equal(r.ntables, 100);
    assert_string_equal(r.tables[99]->path, "suite/t99");
    struct wb_table *t = r.tables[42];
    char name[WB_NAME_LEN];
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(wb_table_add_col(t, name, WB_COL_F64, WB_ROLE_CONTEXT, WB_BETTER_NONE,
                                          NULL, "", "", 0, 0), i);
    }
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "raw%d", i);
        assert_int_equal(wb_table_add_raw(t, name, "s", 3), i);
    }
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "a%d", i);
        assert_int_equal(wb_table_attr_num(t, name, i), 0);
    }
    assert_int_equal(wb_table_attr_text(t, "a7", "seven"), 0); /* replaces, does not add */
    assert_int_equal(t->nattrs, 100);
    for (int row = 0; row < 3; row++) {
        assert_int_equal(wb_table_add_row(t), row);
        wb_table_set_f64(t, (size_t)row, 199, row + 0.5);
        wb_table_raw(t, 9, (size_t)row)[2] = row;
    }
    assert_int_equal(wb_table_col(t, "c199"), 199);
    assert_true(t->cols[199].data.f64[2] == 2.5 && wb_table_raw(t, 9, 2)[2] == 2);
    assert_true(wb_table_attr(t, "a99")->number == 99);
    assert_string_equal(wb_table_attr(t, "a7")->text, "seven");
    wb_results_free(&r);
    assert_int_equal(r.ntables, 0);
}

/* A column keeps the meaning it was declared with, whatever its name suggests; a meaning
 * that does not fit is refused, not stored. */
static void test_declared_meaning(void **state)
{
    (void)state;
    struct wb_table t;
    wb_table_init(&t, "suite/op", "declared");
    int p99 = wb_table_add_col(&t, "latency_p99", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_LOWER,
                               "p99", "", "", 8, 2);
    int budget = wb_table_add_col(&t, "time_budget", WB_COL_F64, WB_ROLE_CONTEXT, WB_BETTER_NONE,
                                  NULL, "us", "", 8, 2);
    int wrong = wb_table_add_col(&t, "mismatches", WB_COL_F64, WB_ROLE_VERDICT, WB_BETTER_LOWER,
                                 NULL, "", "", 4, 0);
    assert_true(p99 == 0 && budget == 1 && wrong == 2);
    assert_true(t.cols[p99].role == WB_ROLE_FIGURE && t.cols[p99].better == WB_BETTER_LOWER);
    assert_true(t.cols[budget].role == WB_ROLE_CONTEXT && t.cols[budget].better == WB_BETTER_NONE);
    assert_true(t.cols[wrong].role == WB_ROLE_VERDICT);
    /* A figure needs a direction, a key has none, a figure is floating. */
    assert_int_equal(wb_table_add_col(&t, "f", WB_COL_F64, WB_ROLE_FIGURE, WB_BETTER_NONE, NULL, "",
                                      "", 1, 0), -1);
    assert_int_equal(wb_table_add_col(&t, "k", WB_COL_I64, WB_ROLE_KEY, WB_BETTER_HIGHER, NULL, "",
                                      "", 1, 0), -1);
    assert_int_equal(wb_table_add_col(&t, "n", WB_COL_I64, WB_ROLE_FIGURE, WB_BETTER_HIGHER, NULL,
                                      "", "", 1, 0), -1);
    assert_int_equal(wb_table_add_col(&t, "r", WB_COL_F64, (enum wb_col_role)17, WB_BETTER_NONE,
                                      NULL, "", "", 1, 0), -1);
    assert_int_equal(t.ncols, 3);
    wb_table_set_threshold(&t, p99, "max_p99");
    wb_table_set_threshold(&t, -1, "ignored");
    assert_string_equal(t.cols[p99].threshold, "max_p99");
    wb_table_set_threshold(&t, p99, NULL);
    assert_string_equal(t.cols[p99].threshold, "");
    /* Names as the results file spells them, and back. */
    for (int r = WB_ROLE_KEY; r <= WB_ROLE_VERDICT; r++) {
        enum wb_col_role back = WB_ROLE_KEY;
        assert_int_equal(wb_table_role_parse(wb_table_role_name((enum wb_col_role)r), &back), 0);
        assert_int_equal(back, r);
    }
    for (int b = WB_BETTER_LOWER; b <= WB_BETTER_HIGHER; b++) {
        enum wb_col_better back = WB_BETTER_NONE;
        assert_int_equal(wb_table_better_parse(wb_table_better_name((enum wb_col_better)b), &back), 0);
        assert_int_equal(back, b);
    }
    assert_string_equal(wb_table_role_name(WB_ROLE_VERDICT), "verdict");
    assert_string_equal(wb_table_better_name(WB_BETTER_NONE), "none");
    enum wb_col_role role;
    enum wb_col_better better;
    assert_int_equal(wb_table_role_parse("figures", &role), -1);
    assert_int_equal(wb_table_better_parse("", &better), -1);
    wb_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_grow_and_print),
        cmocka_unit_test(test_results),
        cmocka_unit_test(test_no_fixed_limits),
        cmocka_unit_test(test_declared_meaning),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
