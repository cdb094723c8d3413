/* Unit tests of the environment record (wb_sysinfo_environment) on made-up environments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wavebench/sysinfo.h"

static void test_filter_and_order(void **state)
{
    (void)state;
    char *env[] = {"UCX_TLS=tcp", "HOME=/root", "OMPI_MCA_btl=self", "NCCL_api_Token=t0p",
                   "SLURM_JOB_ID=7", "OMP_NUM_THREADS=2", "CUDA_PASSWORD_FILE=/x",
                   "FI_PROVIDER=efa\ninjected", "MY_OMPI_X=1", "NOVALUE_OMPI", NULL};
    char out[512];
    wb_sysinfo_environment(out, sizeof out, env);
    assert_string_equal(out, "FI_PROVIDER=efa\nOMPI_MCA_btl=self\nOMP_NUM_THREADS=2\n"
                             "SLURM_JOB_ID=7\nUCX_TLS=tcp\n");
}

static void test_long_values_and_overflow(void **state)
{
    (void)state;
    static char big[600], names[40][32];
    snprintf(big, sizeof big, "OMP_X=");
    memset(big + 6, 'v', sizeof big - 7);
    char *env[42];
    env[0] = big;
    for (int i = 0; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "SLURM_V%02d=%d", i, i);
        env[i + 1] = names[i];
    }
    env[41] = NULL;
    char out[400];
    wb_sysinfo_environment(out, sizeof out, env);
    const char *line = strstr(out, "OMP_X=");
    assert_non_null(line);
    assert_int_equal(strcspn(line, "\n"), strlen("OMP_X=") + 256); /* cut at 256 bytes */
    assert_non_null(strstr(out, "more not recorded)\n"));          /* the rest counted */
    assert_true(strlen(out) < sizeof out);
}

/* The BLAS kernel verdict: an override or a family below the CPU's vector level is said;
 * the best family, a CPU without more, or a family we do not know is not. */
static void test_blas_check(void **state)
{
    (void)state;
    const char *zen5 = "fpu sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl";
    const char *avx2_only = "fpu sse2 avx avx2 fma";
    char w[320];
    wb_sysinfo_blas_check("Haswell", zen5, "Haswell", w, sizeof w);
    assert_non_null(strstr(w, "OPENBLAS_CORETYPE=Haswell"));
    assert_non_null(strstr(w, "Haswell (AVX2) kernels on a CPU with AVX-512"));
    wb_sysinfo_blas_check("Zen", zen5, NULL, w, sizeof w);
    assert_non_null(strstr(w, "OpenBLAS runs its Zen (AVX2) kernels on a CPU with AVX-512"));
    wb_sysinfo_blas_check("SkylakeX", zen5, "SkylakeX", w, sizeof w);
    assert_non_null(strstr(w, "chooses OpenBLAS's kernels (SkylakeX), not its own detection"));
    wb_sysinfo_blas_check("Cooperlake", zen5, NULL, w, sizeof w);
    assert_string_equal(w, "");
    wb_sysinfo_blas_check("Haswell", avx2_only, NULL, w, sizeof w);
    assert_string_equal(w, "");
    wb_sysinfo_blas_check("Haswell", "fpu avx2 avx512fx", NULL, w, sizeof w); /* not avx512f */
    assert_string_equal(w, "");
    wb_sysinfo_blas_check("neoversen1", zen5, NULL, w, sizeof w);
    assert_string_equal(w, "");
}

static void put(const char *root, const char *path, const char *text)
{
    char full[512], dir[512];
    snprintf(full, sizeof full, "%s%s", root, path);
    snprintf(dir, sizeof dir, "%s", full);
    for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')); *p++ = '/') {
        *p = '\0';
        mkdir(dir, 0700);
    }
    FILE *f = fopen(full, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A fake /sys and /proc: cpufreq's figures win; without cpufreq, /proc/cpuinfo's line of
 * the asked-for processor (not the first one's); nothing readable gives unknown and NaN. */
static void test_cpu_clock(void **state)
{
    (void)state;
    char root[] = "/tmp/wb-sysinfo-XXXXXX", gov[24];
    assert_non_null(mkdtemp(root));
    double mhz, max;
    wb_sysinfo_cpu_clock(root, 1, gov, sizeof gov, &mhz, &max);
    assert_string_equal(gov, "unknown");
    assert_true(isnan(mhz) && isnan(max));
    put(root, "/proc/cpuinfo", "processor\t: 0\ncpu MHz\t\t: 1500.000\n\n"
                               "processor\t: 1\ncpu MHz\t\t: 2596.134\n");
    wb_sysinfo_cpu_clock(root, 1, gov, sizeof gov, &mhz, &max);
    assert_string_equal(gov, "unknown");
    assert_float_equal(mhz, 2596.134, 1e-9);
    assert_true(isnan(max));
    put(root, "/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "performance\n");
    put(root, "/sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq", "3100000\n");
    put(root, "/sys/devices/system/cpu/cpu1/cpufreq/cpuinfo_max_freq", "3700000\n");
    wb_sysinfo_cpu_clock(root, 1, gov, sizeof gov, &mhz, &max);
    assert_string_equal(gov, "performance");
    assert_float_equal(mhz, 3100, 1e-9);
    assert_float_equal(max, 3700, 1e-9);
    wb_sysinfo_cpu_clock(root, -1, gov, sizeof gov, &mhz, &max);
    assert_string_equal(gov, "unknown");
    assert_true(isnan(mhz));
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

/* The CPU model: x86's "model name"; aarch64's implementer and part (a Graviton3's
 * /proc/cpuinfo has no model name), by name when known; unknown when neither is there. */
static void test_cpu_model(void **state)
{
    (void)state;
    char root[] = "/tmp/wb-sysinfo-XXXXXX", model[128];
    assert_non_null(mkdtemp(root));
    wb_sysinfo_cpu_model(root, model, sizeof model);
    assert_string_equal(model, "unknown");
    put(root, "/proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\n"
                               "model name\t: AMD EPYC 9R14 96-Core Processor\nflags\t\t: fpu avx2\n");
    wb_sysinfo_cpu_model(root, model, sizeof model);
    assert_string_equal(model, "AMD EPYC 9R14 96-Core Processor");
    put(root, "/proc/cpuinfo", "processor\t: 0\nBogoMIPS\t: 2100.00\n"
                               "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 sve\n"
                               "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x1\n"
                               "CPU part\t: 0xd40\nCPU revision\t: 1\n\n"
                               "processor\t: 1\nCPU implementer\t: 0x41\nCPU part\t: 0xd40\n");
    wb_sysinfo_cpu_model(root, model, sizeof model);
    assert_string_equal(model, "ARM Neoverse-V1");
    put(root, "/proc/cpuinfo", "processor\t: 0\nCPU implementer\t: 0x61\nCPU part\t: 0x022\n");
    wb_sysinfo_cpu_model(root, model, sizeof model);
    assert_string_equal(model, "CPU implementer 0x61 part 0x022");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_and_order),
        cmocka_unit_test(test_long_values_and_overflow),
        cmocka_unit_test(test_blas_check),
        cmocka_unit_test(test_cpu_clock),
        cmocka_unit_test(test_cpu_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
