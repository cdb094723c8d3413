/* wavebench system information: CPU, memory, OS and library versions. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/sysinfo.h"

#include <hdf5.h>
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "wb_revision.h"
#ifdef WB_HAVE_OPENBLAS
#include <cblas.h>
#endif
#ifdef WB_HAVE_CURL
#include <curl/curl.h>
#endif

/* The first CPU's value of field in root/proc/cpuinfo ("model name", "flags"), or fallback. */
static void read_cpuinfo(const char *root, const char *field, char *out, size_t size,
                         const char *fallback)
{
    snprintf(out, size, "%s", fallback);
    char path[512];
    snprintf(path, sizeof path, "%s/proc/cpuinfo", root);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0, n = strlen(field);
    while (getline(&line, &cap, f) > 0) {
        if (strncmp(line, field, n) == 0 && (line[n] == ' ' || line[n] == '\t' || line[n] == ':')) {
            char *colon = strchr(line, ':');
            if (colon) {
                colon += 1 + (colon[1] == ' ');
                colon[strcspn(colon, "\n")] = '\0';
                snprintf(out, size, "%s", colon);
            }
            break;
        }
    }
    free(line);
    fclose(f);
}

/* The first line of root/path (trailing newline cut) into out; 0 when it could not be read. */
static int read_line(const char *root, const char *path, char *out, size_t size)
{
    char full[512];
    snprintf(full, sizeof full, "%s%s", root, path);
    FILE *f = fopen(full, "r");
    if (!f)
        return 0;
    int ok = fgets(out, (int)size, f) != NULL;
    fclose(f);
    if (ok)
        out[strcspn(out, "\n")] = '\0';
    return ok && out[0];
}

void wb_sysinfo_cpu_clock(const char *root, int cpu, char *governor, size_t size, double *mhz,
                          double *max_mhz)
{
    char path[128], line[256];
    snprintf(governor, size, "unknown");
    *mhz = *max_mhz = NAN;
    if (cpu < 0)
        return;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", cpu);
    if (read_line(root, path, line, sizeof line))
        snprintf(governor, size, "%s", line);
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", cpu);
    if (read_line(root, path, line, sizeof line) && atof(line) > 0)
        *mhz = atof(line) / 1000; /* kHz */
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cpufreq/cpuinfo_max_freq", cpu);
    if (read_line(root, path, line, sizeof line) && atof(line) > 0)
        *max_mhz = atof(line) / 1000;
    if (!isnan(*mhz))
        return;
    /* Without cpufreq (most VMs), the kernel's own figure in /proc/cpuinfo, per processor. */
    snprintf(path, sizeof path, "%s/proc/cpuinfo", root);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *text = NULL;
    size_t cap = 0;
    int current = -1;
    while (getline(&text, &cap, f) > 0) {
        if (strncmp(text, "processor", 9) == 0 && strchr(text, ':'))
            current = atoi(strchr(text, ':') + 1);
        else if (current == cpu && strncmp(text, "cpu MHz", 7) == 0 && strchr(text, ':')) {
            double v = atof(strchr(text, ':') + 1);
            *mhz = v > 0 ? v : NAN;
            break;
        }
    }
    free(text);
    fclose(f);
}

/* The vector instruction level of an OpenBLAS x86 kernel family: 2 AVX-512, 1 AVX2, 0
 * older, -1 not an x86 family we know (no verdict). */
static int core_level(const char *core)
{
    static const char *const avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
    static const char *const avx2[] = {"Haswell", "Zen", "Excavator"};
    static const char *const older[] = {"SandyBridge", "Nehalem", "Penryn", "Core2", "Prescott",
                                        "Atom", "Bulldozer", "Piledriver", "Steamroller",
                                        "Barcelona", "Opteron", "Katmai"};
    for (size_t i = 0; i < sizeof avx512 / sizeof avx512[0]; i++)
        if (strcasecmp(core, avx512[i]) == 0)
            return 2;
    for (size_t i = 0; i < sizeof avx2 / sizeof avx2[0]; i++)
        if (strcasecmp(core, avx2[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof older / sizeof older[0]; i++)
        if (strcasecmp(core, older[i]) == 0)
            return 0;
    return -1;
}

static bool has_flag(const char *flags, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *p = strstr(flags, flag); p; p = strstr(p + 1, flag))
        if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

void wb_sysinfo_blas_check(const char *core, const char *cpu_flags, const char *coretype,
                           char *warning, size_t size)
{
    int have = core_level(core);
    int best = has_flag(cpu_flags, "avx512f") ? 2 : has_flag(cpu_flags, "avx2") ? 1 : 0;
    static const char *const level_name[] = {"SSE", "AVX2", "AVX-512"};
    warning[0] = '\0';
    if (coretype && coretype[0] && have >= 0 && have < best)
        snprintf(warning, size,
                 "OPENBLAS_CORETYPE=%s in the environment makes OpenBLAS run its %s (%s) "
                 "kernels on a CPU with %s: BLAS runs below this CPU's rate",
                 coretype, core, level_name[have], level_name[best]);
    else if (coretype && coretype[0])
        snprintf(warning, size,
                 "OPENBLAS_CORETYPE=%s in the environment chooses OpenBLAS's kernels (%s), "
                 "not its own detection", coretype, core);
    else if (have >= 0 && have < best)
        snprintf(warning, size,
                 "OpenBLAS runs its %s (%s) kernels on a CPU with %s: BLAS runs below this "
                 "CPU's rate (an old OpenBLAS that does not know this CPU?)",
                 core, level_name[have], level_name[best]);
}

extern char **environ;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether name (up to '=') contains what, case aside. */
static int name_has(const char *name, const char *what)
{
    size_t n = strcspn(name, "="), m = strlen(what);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && toupper((unsigned char)name[i + k]) == what[k])
            k++;
        if (k == m)
            return 1;
    }
    return 0;
}

void wb_sysinfo_environment(char *out, size_t size, char *const *env)
{
    static const char *const prefixes[] = {"OMPI_", "PMIX_", "UCX_", "NCCL_", "FI_", "I_MPI_",
                                           "MPICH_", "SLURM_", "OMP_", "OPENBLAS_", "CUDA_"};
    static const char *const secrets[] = {"TOKEN", "PASSWORD", "SECRET", "KEY", "CREDENTIAL"};
    size_t n = 0;
    while (env && env[n])
        n++;
    const char **keep = malloc(sizeof *keep * (n ? n : 1));
    size_t k = 0;
    for (size_t i = 0; keep && i < n; i++) {
        int wanted = 0, secret = 0;
        for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++)
            wanted |= strncmp(env[i], prefixes[p], strlen(prefixes[p])) == 0;
        for (size_t q = 0; q < sizeof secrets / sizeof secrets[0]; q++)
            secret |= name_has(env[i], secrets[q]);
        if (wanted && !secret && strchr(env[i], '='))
            keep[k++] = env[i];
    }
    if (keep)
        qsort(keep, k, sizeof *keep, cmp_str);
    size_t used = 0, left = 0;
    out[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        /* A value ends at a newline (it would split its line) or after 256 bytes. */
        size_t cap = strcspn(keep[i], "=") + 1 + 256, len = strcspn(keep[i], "\n");
        len = len < cap ? len : cap;
        /* Room is kept for the last line that counts what did not fit. */
        if (used + len + 2 + 40 > size) {
            left = k - i;
            break;
        }
        used += (size_t)snprintf(out + used, size - used, "%.*s\n", (int)len, keep[i]);
    }
    if (left)
        snprintf(out + used, size - used, "(%zu more not recorded)\n", left);
    free(keep);
}

void wb_sysinfo_cpu_model(const char *root, char *out, size_t size)
{
    read_cpuinfo(root, "model name", out, size, "");
    if (out[0])
        return;
    /* aarch64 Linux names no model: its implementer and part numbers (MIDR), the ones of
     * Arm's server cores by name (AWS Graviton2, 3, 4 are Neoverse N1, V1, V2). */
    char impl[32], part[32];
    read_cpuinfo(root, "CPU implementer", impl, sizeof impl, "");
    read_cpuinfo(root, "CPU part", part, sizeof part, "");
    if (!impl[0] || !part[0]) {
        snprintf(out, size, "unknown");
        return;
    }
    static const struct {
        unsigned long part;
        const char *name;
    } arm[] = {{0xd0c, "Neoverse-N1"}, {0xd40, "Neoverse-V1"}, {0xd49, "Neoverse-N2"},
               {0xd4f, "Neoverse-V2"}};
    unsigned long i = strtoul(impl, NULL, 0), p = strtoul(part, NULL, 0);
    for (size_t k = 0; k < sizeof arm / sizeof arm[0]; k++)
        if (i == 0x41 && p == arm[k].part) {
            snprintf(out, size, "ARM %s", arm[k].name);
            return;
        }
    snprintf(out, size, "CPU implementer %s part %s", impl, part);
}

void wb_sysinfo_machine(char *cpu_model, size_t size, int *cpus_online, double *mem_total_gib)
{
    wb_sysinfo_cpu_model("", cpu_model, size);
    *cpus_online = (int)sysconf(_SC_NPROCESSORS_ONLN);
    *mem_total_gib = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) /
                     (1024.0 * 1024 * 1024);
}

void wb_sysinfo_collect(struct wb_sysinfo *si)
{
    memset(si, 0, sizeof *si);
    wb_sysinfo_machine(si->cpu_model, sizeof si->cpu_model, &si->cpus_online,
                       &si->mem_total_gib);
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(si->os, sizeof si->os, "%.60s %.120s %.60s", u.sysname, u.release, u.machine);
#if defined(__clang__)
    snprintf(si->compiler, sizeof si->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
    snprintf(si->compiler, sizeof si->compiler, "gcc %s", __VERSION__);
#endif
    int len = 0;
    MPI_Get_library_version(si->mpi_library, &len);
    si->mpi_library[strcspn(si->mpi_library, "\n")] = '\0';
    unsigned maj, min, rel;
    H5get_libversion(&maj, &min, &rel);
    snprintf(si->hdf5, sizeof si->hdf5, "%u.%u.%u", maj, min, rel);
#ifdef WB_HAVE_OPENBLAS
    snprintf(si->blas, sizeof si->blas, "%s", openblas_get_config());
    /* The kernels chosen at load time (DYNAMIC_ARCH), which an environment override or an
     * OpenBLAS older than the CPU can make slower than the CPU allows. */
    snprintf(si->blas_core, sizeof si->blas_core, "%s", openblas_get_corename());
    static const char *const parallel[] = {"sequential", "pthreads", "OpenMP"};
    int par = openblas_get_parallel();
    snprintf(si->blas_parallel, sizeof si->blas_parallel, "%s",
             par >= 0 && par <= 2 ? parallel[par] : "unknown");
    si->blas_threads = openblas_get_num_threads();
    char flags[4096];
    read_cpuinfo("", "flags", flags, sizeof flags, "");
    wb_sysinfo_blas_check(si->blas_core, flags, getenv("OPENBLAS_CORETYPE"), si->blas_warning,
                          sizeof si->blas_warning);
#else
    snprintf(si->blas, sizeof si->blas, "CBLAS (not OpenBLAS)");
    snprintf(si->blas_core, sizeof si->blas_core, "unknown");
    snprintf(si->blas_parallel, sizeof si->blas_parallel, "unknown");
    si->blas_threads = -1;
#endif
    snprintf(si->cuda, sizeof si->cuda, "none");
    snprintf(si->nccl, sizeof si->nccl, "none");
#ifdef WB_HAVE_CUDA
    /* The runtime's own versions come from the CUDA module once a cuda run opens it;
     * until then, what the module was built with. */
    snprintf(si->cuda, sizeof si->cuda, "module built with %s, not loaded", WB_CUDA_VERSION);
#endif
#ifdef WB_HAVE_NCCL
    snprintf(si->nccl, sizeof si->nccl, "in module, not loaded");
#endif
#ifdef WB_HAVE_CURL
    snprintf(si->curl, sizeof si->curl, "%s", curl_version());
#else
    snprintf(si->curl, sizeof si->curl, "none");
#endif
    snprintf(si->version, sizeof si->version, "%s", PACKAGE_VERSION);
    snprintf(si->git_revision, sizeof si->git_revision, "%s", WB_GIT_REVISION);
    snprintf(si->configure_args, sizeof si->configure_args, "%s", WB_CONFIGURE_ARGS);
    snprintf(si->compiler_flags, sizeof si->compiler_flags, "%s", WB_BUILD_FLAGS);
    wb_sysinfo_environment(si->environment, sizeof si->environment, environ);
}
