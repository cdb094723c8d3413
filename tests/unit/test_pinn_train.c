/* Unit tests of the training loop's pure parts: the threads = auto rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "wavebench/train.h"

static void test_auto_threads(void **state)
{
    (void)state;
    /* Unbound: the node's CPUs shared by its ranks. */
    assert_int_equal(wb_pinn_auto_threads(2, 2, 2), 1);
    assert_int_equal(wb_pinn_auto_threads(16, 16, 2), 8);
    /* mpirun --bind-to core: one CPU each, whatever the node has. */
    assert_int_equal(wb_pinn_auto_threads(16, 1, 4), 1);
    /* srun --cpus-per-task=4 on a 64-CPU node with 16 tasks. */
    assert_int_equal(wb_pinn_auto_threads(64, 4, 16), 4);
    /* More ranks than CPUs, or a mask the node share exceeds: never below one. */
    assert_int_equal(wb_pinn_auto_threads(2, 2, 16), 1);
    assert_int_equal(wb_pinn_auto_threads(512, 512, 1), 256);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
