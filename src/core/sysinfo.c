/* wavebench system information: CPU, memory, OS and library versions. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/sysinfo.h"

#include <hdf5.h>
#include <stdio.h>
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

void wb_sysinfo_collect(struct wb_sysinfo *si)
{
    memset(si, 0, sizeof *si);
    read_cpu_model(si->cpu_model, sizeof si->cpu_model);
    si->cpus_online = (int)sysconf(_SC_NPROCESSORS_ONLN);
    si->mem_total_gib = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) /
                        (1024.0 * 1024 * 1024);
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
}
