/* Host-side test of the one-GPU-per-rank decision (wb_gpu_shared_device) on faked device
 * lists: the launches that show each rank only its own GPU must pass, two ranks on one
 * GPU must not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "wavebench/gpu_comm.h"

static int shared(const char *const *ids, int n, int *a, int *b)
{
    char list[8][WB_GPU_BUS_ID_LEN];
    memset(list, 0, sizeof list);
    for (int i = 0; i < n; i++)
        strncpy(list[i], ids[i], WB_GPU_BUS_ID_LEN - 1);
    return wb_gpu_shared_device((const char (*)[WB_GPU_BUS_ID_LEN])list, n, a, b);
}

/* srun --gpus-per-task=1 or CUDA_VISIBLE_DEVICES=$LOCAL_RANK: every rank sees one device,
 * ordinal 0, but each is a different GPU. */
static void test_one_visible_gpu_each(void **state)
{
    (void)state;
    const char *ids[] = {"0000:3B:00.0", "0000:5E:00.0", "0000:86:00.0", "0000:AF:00.0"};
    int a = -1, b = -1;
    assert_int_equal(shared(ids, 4, &a, &b), 0);
}

static void test_two_ranks_one_gpu(void **state)
{
    (void)state;
    const char *ids[] = {"0000:3b:00.0", "0000:5e:00.0", "0000:3B:00.0"};
    int a = -1, b = -1;
    assert_int_equal(shared(ids, 3, &a, &b), 1);
    assert_int_equal(a, 0);
    assert_int_equal(b, 2);
}

/* A device whose bus id could not be read is not taken for a shared one. */
static void test_unknown_never_matches(void **state)
{
    (void)state;
    const char *ids[] = {"", "", "0000:3b:00.0"};
    int a = -1, b = -1;
    assert_int_equal(shared(ids, 3, &a, &b), 0);
    assert_int_equal(shared(ids, 1, &a, &b), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_visible_gpu_each),
        cmocka_unit_test(test_two_ranks_one_gpu),
        cmocka_unit_test(test_unknown_never_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
