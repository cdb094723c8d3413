/* Unit tests of the devices table: every rank's GPU, one row each, with its versions as
 * CUDA numbers them (13000: 13.0). Run on one rank; the gather is MPI's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "wavebench/devices.h"

static struct wb_world world;

static int col(const struct wb_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (int)i;
    fail_msg("no column %s", name);
    return -1;
}

static void test_table(void **state)
{
    (void)state;
    struct wb_gpu g = {.device = 1, .count = 2, .name = "NVIDIA H200", .mem_gib = 139.8,
                       .cc_major = 9, .cc_minor = 0, .pci_bus_id = "0000:1B:00.0",
                       .driver_version = 13020, .runtime_version = 12080};
    struct wb_results res = {0};
    struct wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_devices_table(&res, &world, &g, &err), WB_OK);
    assert_int_equal(res.ntables, 1);
    const struct wb_table *t = res.tables[0];
    assert_string_equal(t->path, "gpu/devices");
    assert_int_equal(t->nrows, (size_t)world.size);
    assert_int_equal(t->cols[col(t, "rank")].data.i64[0], 0);
    assert_int_equal(t->cols[col(t, "device")].data.i64[0], 1);
    assert_int_equal(t->cols[col(t, "visible")].data.i64[0], 2);
    assert_string_equal(t->cols[col(t, "host")].data.str[0], world.hostnames[0]);
    assert_string_equal(t->cols[col(t, "model")].data.str[0], "NVIDIA H200");
    assert_string_equal(t->cols[col(t, "pci_bus_id")].data.str[0], "0000:1B:00.0");
    assert_string_equal(t->cols[col(t, "compute_capability")].data.str[0], "9.0");
    assert_string_equal(t->cols[col(t, "driver")].data.str[0], "13.2");
    assert_string_equal(t->cols[col(t, "runtime")].data.str[0], "12.8");
    assert_float_equal(t->cols[col(t, "mem_gib")].data.f64[0], 139.8, 1e-12);
    wb_results_free(&res);

    g.driver_version = 0; /* a query that failed */
    assert_int_equal(wb_devices_table(&res, &world, &g, &err), WB_OK);
    assert_string_equal(res.tables[0]->cols[col(res.tables[0], "driver")].data.str[0], "unknown");
    wb_results_free(&res);
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
        cmocka_unit_test(test_table),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    wb_world_finalize(&world);
    return failed;
}
