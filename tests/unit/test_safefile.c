/* Unit tests of safefile: a planted symlink or device is never followed or replaced, and a
 * name that appears during a run is never overwritten. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wavebench/safefile.h"

static char dir[] = "/tmp/wb-safefile-XXXXXX";

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void read_file(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    fclose(f);
}

static void test_names_unique_and_beside(void **state)
{
    (void)state;
    char a[256], b[256];
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_safefile_temp_name("d/r.h5", a, sizeof a, &err), WB_OK);
    assert_int_equal(wb_safefile_temp_name("d/r.h5", b, sizeof b, &err), WB_OK);
    assert_int_equal(strncmp(a, "d/r.h5.partial-", 15), 0);
    assert_int_equal(strlen(a), 15 + 8);
    assert_string_not_equal(a, b);
    char small[10];
    assert_int_equal(wb_safefile_temp_name("d/r.h5", small, sizeof small, &err), WB_ERR_USAGE);
}

static void test_place_refuses_special_and_existing(void **state)
{
    (void)state;
    char victim[256], link_path[256], tmp[256], text[64];
    path_in(victim, sizeof victim, "victim");
    path_in(link_path, sizeof link_path, "out.txt");
    write_file(victim, "precious");
    assert_int_equal(symlink(victim, link_path), 0);
    assert_true(wb_safefile_is_special(link_path));
    assert_false(wb_safefile_is_special(victim));

    struct wb_error err;
    wb_error_clear(&err);
    FILE *f = wb_safefile_create(link_path, tmp, sizeof tmp, &err);
    assert_non_null(f);
    fputs("new", f);
    fclose(f);
    /* A symlink at the final name is not replaced, with or without replace. */
    assert_int_equal(wb_safefile_place(tmp, link_path, true, &err), WB_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, "not a regular file"));
    read_file(victim, text, sizeof text);
    assert_string_equal(text, "precious");
    read_file(tmp, text, sizeof text);
    assert_string_equal(text, "new"); /* kept, not lost */

    /* No replace: an existing regular file stays as it was. */
    wb_error_clear(&err);
    assert_int_equal(wb_safefile_place(tmp, victim, false, &err), WB_ERR_RUNTIME);
    assert_non_null(strstr(err.msg, "appeared during the run"));
    read_file(victim, text, sizeof text);
    assert_string_equal(text, "precious");

    /* Replace: a regular file is replaced; a free name is taken. */
    wb_error_clear(&err);
    assert_int_equal(wb_safefile_place(tmp, victim, true, &err), WB_OK);
    read_file(victim, text, sizeof text);
    assert_string_equal(text, "new");
    char free_name[256];
    path_in(free_name, sizeof free_name, "free.txt");
    f = wb_safefile_create(free_name, tmp, sizeof tmp, &err);
    assert_non_null(f);
    fclose(f);
    assert_int_equal(wb_safefile_place(tmp, free_name, false, &err), WB_OK);
    assert_int_equal(access(tmp, F_OK), -1);
    assert_false(wb_safefile_is_special("/nonexistent/x"));
    assert_true(wb_safefile_is_special("/dev/null"));
}

static void test_free_name(void **state)
{
    (void)state;
    char taken[256], next[256], got[256];
    path_in(taken, sizeof taken, "run.h5");
    wb_safefile_free_name(taken, got, sizeof got);
    assert_string_equal(got, taken); /* free: itself */
    write_file(taken, "a");
    path_in(next, sizeof next, "run-2.h5");
    write_file(next, "b");
    wb_safefile_free_name(taken, got, sizeof got);
    path_in(next, sizeof next, "run-3.h5");
    assert_string_equal(got, next);
}

int main(void)
{
    assert_non_null(mkdtemp(dir));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_unique_and_beside),
        cmocka_unit_test(test_place_refuses_special_and_existing),
        cmocka_unit_test(test_free_name),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
