/* Unit tests of the configuration: size parsing, defaults, INI keys, command line, validation. */
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

#include "wavebench/config.h"

static void test_parse_size(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(wb_parse_size("64", &v), 0);
    assert_int_equal(v, 64);
    assert_int_equal(wb_parse_size("4K", &v), 0);
    assert_int_equal(v, 4096);
    assert_int_equal(wb_parse_size("1M", &v), 0);
    assert_int_equal(v, 1 << 20);
    assert_int_equal(wb_parse_size("2GiB", &v), 0);
    assert_int_equal(v, 2LL << 30);
    assert_int_equal(wb_parse_size("1kb", &v), 0);
    assert_int_equal(v, 1024);
    assert_int_equal(wb_parse_size("1e8", &v), 0);
    assert_int_equal(v, 100000000);
    assert_int_equal(wb_parse_size("0.5K", &v), 0);
    assert_int_equal(v, 512);
    const char *bad[] = {"", " ", "-1", "+5", "4X", "4KK", "abc", "1.5", "1e30", "nan", "inf",
                         "4 K", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(wb_parse_size(bad[i], &v), -1);
}

static void test_parse_numbers(void **state)
{
    (void)state;
    int64_t i;
    double d;
    assert_int_equal(wb_parse_int("-12", &i), 0);
    assert_int_equal(i, -12);
    assert_int_equal(wb_parse_int("12x", &i), -1);
    assert_int_equal(wb_parse_int("99999999999999999999", &i), -1);
    assert_int_equal(wb_parse_int("", &i), -1);
    assert_int_equal(wb_parse_double("1e-3", &d), 0);
    assert_true(d == 1e-3);
    assert_int_equal(wb_parse_double("1e999", &d), -1);
    assert_int_equal(wb_parse_double("nan", &d), -1);
    assert_int_equal(wb_parse_double("3.0.1", &d), -1);
}

static void test_defaults_are_valid(void **state)
{
    (void)state;
    struct wb_config cfg;
    struct wb_error err;
    wb_error_clear(&err);
    wb_config_defaults(&cfg);
    assert_int_equal(wb_config_validate(&cfg, &err), WB_OK);
    assert_int_equal(cfg.coll.min_bytes, 8);
    assert_int_equal(cfg.coll.max_bytes, 64 << 20);
    assert_int_equal(cfg.coll.factor, 2);
    assert_int_equal(cfg.coll.iters, 0); /* auto */
    assert_int_equal(cfg.suites, WB_SUITE_COLLECTIVES | WB_SUITE_ARRAYS | WB_SUITE_PINN);
    assert_int_equal(cfg.coll.colls, (1u << WB_COLL_COUNT) - 1);
    assert_int_equal(cfg.debug_corrupt_rank, -1);
}

static int load(struct wb_config *cfg, struct wb_error *err, enum wb_action *action, ...)
{
    char *argv[32] = {"wavebench"};
    int argc = 1;
    va_list ap;
    va_start(ap, action);
    for (char *a; (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    wb_error_clear(err);
    return wb_config_load(cfg, argc, argv, action, err);
}

static void test_command_line(void **state)
{
    (void)state;
    struct wb_config cfg;
    struct wb_error err;
    enum wb_action action;
    assert_int_equal(load(&cfg, &err, &action, "-b", "1K", "-e", "4M", "-f", "4", "-n", "7",
                          "-w", "2", "-d", "int32,double", "-o", "min,max", "--coll=allreduce",
                          "--check=false", "--suite", "collectives", NULL),
                     WB_OK);
    assert_int_equal(action, WB_ACTION_RUN);
    assert_int_equal(cfg.coll.min_bytes, 1024);
    assert_int_equal(cfg.coll.max_bytes, 4 << 20);
    assert_int_equal(cfg.coll.factor, 4);
    assert_int_equal(cfg.coll.iters, 7);
    assert_int_equal(cfg.coll.warmup, 2);
    assert_int_equal(cfg.coll.dtypes, (1u << WB_DTYPE_INT32) | (1u << WB_DTYPE_DOUBLE));
    assert_int_equal(cfg.coll.redops, (1u << WB_REDOP_MIN) | (1u << WB_REDOP_MAX));
    assert_int_equal(cfg.coll.colls, 1u << WB_COLL_ALLREDUCE);
    assert_false(cfg.coll.check);
    assert_int_equal(cfg.suites, WB_SUITE_COLLECTIVES);
    assert_int_equal(load(&cfg, &err, &action, "--dry-run", NULL), WB_OK);
    assert_int_equal(action, WB_ACTION_DRY_RUN);
    assert_int_equal(load(&cfg, &err, &action, "--help", NULL), WB_OK);
    assert_int_equal(action, WB_ACTION_HELP);
}

/* Each bad command line gives a usage error whose one line names the option. */
static void test_command_line_errors(void **state)
{
    (void)state;
    struct { const char *args[4]; const char *needle; } cases[] = {
        {{"-b", "3X"}, "--min-bytes"},
        {{"-b", "1M", "-e", "1K"}, "min_bytes"},
        {{"-f", "1"}, "--step-factor"},
        {{"-n", "0"}, "--iters"},
        {{"-n", "abc"}, "--iters"},
        {{"--iters", "5x"}, "--iters"},
        {{"-d", "float,quad"}, "--datatype"},
        {{"-o", "prod"}, "--op"},
        {{"--coll", ""}, "--coll"},
        {{"--coll", "allreduce,"}, "--coll"},
        {{"--suite", "nope"}, "--suite"},
        {{"--bogus"}, "--bogus"},
        {{"-Z"}, "-Z"},
        {{"-b"}, "-b"},
        {{"-b", "8", "-b", "16"}, "more than once"},
        {{"stray"}, "stray"},
        {{"--output-dir", "/nonexistent/dir"}, "output_dir"},
        {{"--output", "a/b.h5"}, "output"},
        {{"--config", "/nonexistent.ini"}, "--config"},
        {{"--config", "/tmp"}, "directory"},
        {{"--check=maybe"}, "--check"},
        {{"--lr", "0"}, "--lr"},
        {{"--width", "0"}, "--width"},
        {{"--problem", "heat"}, "--problem"},
        {{"--push-required"}, "push_required"},
        {{"--conf", "/dev/null"}, "--config"},
        /* Control characters are shown escaped: the error stays one line, no escape
         * sequence reaches the terminal, and a newline never enters a string value. */
        {{"--bogus\nnext"}, "--bogus\\nnext"},
        {{"stray\nline"}, "stray\\nline"},
        {{"--width", "3\n4"}, "'3\\n4'"},
        {{"--output", "a\nb.h5"}, "--output: 'a\\nb.h5' contains a control character"},
        {{"--output", "a\033[2Jb.h5"}, "a\\x1b[2Jb.h5"},
        {{"--checkpoint", "c\tk.h5"}, "--checkpoint"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[8] = {"wavebench"};
        int argc = 1;
        for (int j = 0; j < 4 && cases[i].args[j]; j++)
            argv[argc++] = (char *)cases[i].args[j];
        struct wb_config cfg;
        struct wb_error err;
        enum wb_action action;
        wb_error_clear(&err);
        int rc = wb_config_load(&cfg, argc, argv, &action, &err);
        if (rc != WB_ERR_USAGE || !strstr(err.msg, cases[i].needle))
            fail_msg("case %zu (%s): rc %d, message '%s'", i, cases[i].args[0], rc, err.msg);
        assert_null(strchr(err.msg, '\n'));
    }
}

static char *write_temp_len(const char *text, size_t len)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/wb-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static char *write_temp(const char *text)
{
    return write_temp_len(text, strlen(text));
}

static void test_ini_file(void **state)
{
    (void)state;
    struct wb_config cfg;
    struct wb_error err;
    enum wb_action action;
    char *path = write_temp("[collectives]\nmin_bytes = 2K\nmax_bytes = 8K\n"
                            "[pinn]\nproblem = wave2d\nprecision = fp32\n");
    /* File < command line, whatever the order on the command line. */
    assert_int_equal(load(&cfg, &err, &action, "-e", "16K", "--config", path, NULL), WB_OK);
    assert_int_equal(cfg.coll.min_bytes, 2048);
    assert_int_equal(cfg.coll.max_bytes, 16384);
    assert_int_equal(cfg.pinn.problem, WB_PROBLEM_WAVE2D);
    assert_int_equal(cfg.pinn.precision, WB_FP32);
    unlink(path);

    const struct { const char *text, *needle; } bad[] = {
        {"[collectives]\nmin_bytes = 1\nmin_bytes = 2\n", "duplicate"},
        {"[collectives]\nnope = 1\n", "nope: unknown key"},
        {"[nosection]\nx = 1\n", "unknown section"},
        {"[collectives]\nmin_bytes = -4\n", "min_bytes"},
        {"[collectives]\nmin_bytes 4\n", "line 2"},
        {"[collectives]\nmin_bytes = 1M\nmax_bytes = 1K\n", "larger than"},
        {"[arrays]\nslice_step = 0\n", "slice_step"},
        {"[arrays]\nslice_start = 10\nslice_stop = 5\n", "slice_stop"},
        {"[run]\nsuites =\n", "suites"},
        {"[collectives]\nmin_bytes = 1\n\nmin_bytes = 2\n", "line 4: [collectives] min_bytes: duplicate"},
        {"[collectives]\nmin_bytes = 1\n  collectives\n", "line 3: not a"},
        {"[collectives]\nmin_bytes = 1\nnope = 1\n", "line 3: [collectives] nope: unknown key"},
        {"[run]\noutput = a\033]0;x.h5\n", "'a\\x1b]0;x.h5' contains a control character"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        path = write_temp(bad[i].text);
        int rc = load(&cfg, &err, &action, "--config", path, NULL);
        unlink(path);
        if (rc != WB_ERR_USAGE || !strstr(err.msg, bad[i].needle))
            fail_msg("ini case %zu: rc %d, message '%s'", i, rc, err.msg);
    }

    /* An indented key is a key, not the previous key's continuation (nor a duplicate);
     * inline comments and CRLF line ends as before. */
    path = write_temp("[collectives]\r\nmin_bytes = 1K ; low\r\n    max_bytes = 2K\r\n"
                      "\t[pinn]\n  # a comment\n  width = 7\n");
    assert_int_equal(load(&cfg, &err, &action, "--config", path, NULL), WB_OK);
    unlink(path);
    assert_int_equal(cfg.coll.min_bytes, 1024);
    assert_int_equal(cfg.coll.max_bytes, 2048);
    assert_int_equal(cfg.pinn.width, 7);

    /* A NUL byte would end the value silently: refused, naming the key and the line. */
    static const char nul[] = "[run]\nquiet = true\noutput = ab\0cd.h5\n";
    path = write_temp_len(nul, sizeof nul - 1);
    int rc = load(&cfg, &err, &action, "--config", path, NULL);
    unlink(path);
    if (rc != WB_ERR_USAGE || !strstr(err.msg, "line 3: [run] output: the value contains a NUL"))
        fail_msg("NUL: rc %d, message '%s'", rc, err.msg);
}

/* The INI dump reads back into the same configuration (dry-run output is a valid config). */
static void test_ini_round_trip(void **state)
{
    (void)state;
    struct wb_config a, b;
    struct wb_error err;
    enum wb_action action;
    /* Lines longer than inih's 200 characters: a long output directory and checkpoint. */
    char dir[400], ckpt[WB_PATH_LEN];
    snprintf(dir, sizeof dir, "/tmp/wb-test-config-XXXXXX");
    assert_non_null(mkdtemp(dir));
    size_t len = strlen(dir);
    dir[len] = '/';
    memset(dir + len + 1, 'd', 250);
    dir[len + 251] = '\0';
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(ckpt, sizeof ckpt, "%s/%0300d.ckpt.h5", dir, 0);
    assert_int_equal(load(&a, &err, &action, "-b", "64", "-d", "int64", "--lr", "0.25",
                          "--problem", "wave2d", "--hard-constraints", "--output-dir", dir,
                          "--checkpoint", ckpt, NULL), WB_OK);
    char *ini = wb_config_ini_string(&a);
    assert_non_null(ini);
    char *path = write_temp(ini);
    free(ini);
    int rc = load(&b, &err, &action, "--config", path, NULL);
    unlink(path);
    if (rc != WB_OK)
        fail_msg("round trip: %s", err.msg);
    memcpy(b.config_file, a.config_file, sizeof a.config_file);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(rmdir(dir), 0);
    dir[len] = '\0';
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_parse_numbers),
        cmocka_unit_test(test_defaults_are_valid),
        cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_command_line_errors),
        cmocka_unit_test(test_ini_file),
        cmocka_unit_test(test_ini_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
