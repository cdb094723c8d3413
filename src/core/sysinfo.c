/* wavebench system information: CPU, memory, OS and library versions. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/sysinfo.h"

#include <hdf5.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void read_cpu_model(char *out, size_t size)
{
    snprintf(out, size, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            if (colon) {
                colon += 1 + (colon[1] == ' ');
                colon[strcspn(colon, "\n")] = '\0';
                snprintf(out, size, "%s", colon);
            }
            break;
        }
    }
    fclose(f);
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

void wb_sysinfo_machine(char *cpu_model, size_t size, int *cpus_online, double *mem_total_gib)
{
    read_cpu_model(cpu_model, size);
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
#else
    snprintf(si->blas, sizeof si->blas, "CBLAS (not OpenBLAS)");
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
    wb_sysinfo_environment(si->environment, sizeof si->environment, environ);
}
