/* wavebench backends (backend.h): the built-in cpu backend, and the CUDA module opened with
 * dlopen only when a run asks for it. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/backend.h"

#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "wavebench/coll_mpi.h"

#ifndef WB_PKGLIBDIR
#define WB_PKGLIBDIR "/usr/local/lib/wavebench"
#endif

int wb_backend_module_path(int i, char *out, size_t size)
{
    char exe[PATH_MAX] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    const char *dir = exe[0] ? dirname(exe) : ".";
    const char *env = getenv("WAVEBENCH_CUDA_MODULE");
    if (env && env[0]) /* an explicit choice is the only candidate */
        return i == 0 ? (snprintf(out, size, "%s", env), 1) : 0;
    switch (i) {
    case 0: snprintf(out, size, "%s/" WB_CUDA_MODULE_FILE, dir); return 1;
    case 1: snprintf(out, size, "%s/../lib/wavebench/" WB_CUDA_MODULE_FILE, dir); return 1;
    case 2: snprintf(out, size, "%s/" WB_CUDA_MODULE_FILE, WB_PKGLIBDIR); return 1;
    default: return 0;
    }
}

/* Opens the first candidate that exists; a candidate that exists but cannot be loaded (a
 * library it needs is missing, a foreign build) is the error, not a reason to try on. */
static int open_module(const struct wb_cuda_module **out, struct wb_error *err)
{
    char path[PATH_MAX + 64], tried[3 * (PATH_MAX + 64)] = "";
    for (int i = 0; wb_backend_module_path(i, path, sizeof path); i++) {
        if (access(path, F_OK) != 0) {
            size_t used = strlen(tried);
            snprintf(tried + used, sizeof tried - used, "%s%s", used ? ", " : "", path);
            continue;
        }
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!h)
            return WB_FAIL(err, WB_ERR_USAGE, "[run] backend: cuda: cannot load %s: %s", path,
                           dlerror());
        const struct wb_cuda_module *m = dlsym(h, WB_CUDA_MODULE_SYMBOL);
        if (!m || m->abi != WB_CUDA_MODULE_ABI)
            return WB_FAIL(err, WB_ERR_USAGE,
                           "[run] backend: cuda: %s is not a CUDA module of this build "
                           "(%s); reinstall wavebench",
                           path, m ? "another interface version" : "no module table");
        *out = m;
        return WB_OK;
    }
    return WB_FAIL(err, WB_ERR_USAGE,
                   "[run] backend: cuda needs the CUDA module " WB_CUDA_MODULE_FILE
                   ", not found (looked in %s); set WAVEBENCH_CUDA_MODULE or use --backend cpu",
                   tried);
}

int wb_backend_open(struct wb_backends *be, const struct wb_world *w, const struct wb_config *cfg,
                    struct wb_error *err)
{
    memset(be, 0, sizeof *be);
    be->coll.list[0] = wb_coll_mpi_engine();
    be->coll.n = 1;
    be->pinn = wb_pinn_backend_cpu();
    if (cfg->backend != WB_BACKEND_CUDA)
        return WB_OK;
    const struct wb_cuda_module *m = NULL;
    open_module(&m, err);
    /* A device must be visible on every rank before any work is asked of one. */
    int status = wb_world_agree(w, err);
    if (status != WB_OK)
        return status;
    be->cuda = m;
    if ((status = m->select(&be->gpu, w, err)) != WB_OK)
        return status;
    m->coll_engines(&be->coll);
    be->pinn = m->pinn_backend();
    return WB_OK;
}
