/* wavebench world: MPI start-up, localities, collective agreement. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "wavebench/world.h"

#include "wavebench/signals.h"
#include "wavebench/sysinfo.h"

#include <dirent.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* This process's place: its machine, its affinity mask as ranges, and the NUMA node (the
 * nodeK entry Linux puts in /sys/devices/system/cpu/cpuN) and clock of its first CPU. */
static void my_place(struct wb_rank_place *p)
{
    memset(p, 0, sizeof *p);
    p->pid = (int)getpid();
    p->numa = -1;
    wb_sysinfo_machine(p->cpu_model, sizeof p->cpu_model, &p->cpus_online, &p->mem_total_gib);
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof mask, &mask) != 0) {
        snprintf(p->cpus, sizeof p->cpus, "unknown");
        wb_sysinfo_cpu_clock("", -1, p->governor, sizeof p->governor, &p->cpu_mhz,
                             &p->cpu_max_mhz);
        return;
    }
    size_t used = 0;
    int first = -1;
    for (int c = 0; c < CPU_SETSIZE && used + 16 < sizeof p->cpus; c++) {
        if (!CPU_ISSET(c, &mask))
            continue;
        int last = c;
        while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &mask))
            last++;
        used += (size_t)snprintf(p->cpus + used, sizeof p->cpus - used, "%s%d", used ? "," : "", c);
        if (last > c)
            used += (size_t)snprintf(p->cpus + used, sizeof p->cpus - used, "-%d", last);
        first = first < 0 ? c : first;
        c = last;
    }
    wb_sysinfo_cpu_clock("", first, p->governor, sizeof p->governor, &p->cpu_mhz,
                         &p->cpu_max_mhz);
    char dir[64];
    snprintf(dir, sizeof dir, "/sys/devices/system/cpu/cpu%d", first);
    DIR *d = first >= 0 ? opendir(dir) : NULL;
    for (struct dirent *e; d && (e = readdir(d));)
        if (strncmp(e->d_name, "node", 4) == 0 && e->d_name[4] >= '0' && e->d_name[4] <= '9')
            p->numa = atoi(e->d_name + 4);
    if (d)
        closedir(d);
}

int wb_mpi_fail(struct wb_error *err, int rc, const char *call, const char *file, int line)
{
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS)
        snprintf(text, sizeof text, "MPI error %d", rc);
    return wb_error_set(err, WB_ERR_RUNTIME, file, line, "%s: %s", call, text);
}

void wb_world_fatal_mpi(MPI_Comm comm, int rank, int rc, const char *what)
{
    struct wb_error err;
    wb_error_clear(&err);
    wb_mpi_fail(&err, rc, what, __FILE__, __LINE__);
    fprintf(stderr, "wavebench: error: rank %d: %s\n", rank, err.msg);
    MPI_Abort(comm, WB_ERR_RUNTIME);
    abort(); /* MPI_Abort does not return; the compiler cannot know */
}

static int find_localities(struct wb_world *w, struct wb_error *err)
{
    WB_MPI_CHECK(err, MPI_Comm_split_type(w->comm, MPI_COMM_TYPE_SHARED, w->rank, MPI_INFO_NULL,
                                          &w->node_comm));
    WB_MPI_CHECK(err, MPI_Comm_rank(w->node_comm, &w->node_rank));
    WB_MPI_CHECK(err, MPI_Comm_size(w->node_comm, &w->node_size));

    /* A locality is named by its lowest world rank; number them in that order. */
    int leader = w->rank;
    WB_MPI_CHECK(err, MPI_Bcast(&leader, 1, MPI_INT, 0, w->node_comm));
    int *leaders = malloc(sizeof(int) * (size_t)w->size);
    w->locality_of = malloc(sizeof(int) * (size_t)w->size);
    if (!leaders || !w->locality_of) {
        free(leaders);
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory");
    }
    WB_MPI_CHECK(err, MPI_Allgather(&leader, 1, MPI_INT, leaders, 1, MPI_INT, w->comm));
    w->n_localities = 0;
    for (int r = 0; r < w->size; r++)
        if (leaders[r] == r)
            w->n_localities++;
    w->ranks_per_locality = calloc((size_t)w->n_localities, sizeof(int));
    if (!w->ranks_per_locality) {
        free(leaders);
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory");
    }
    for (int r = 0; r < w->size; r++) {
        int index = 0;
        for (int q = 0; q < leaders[r]; q++)
            index += leaders[q] == q;
        w->locality_of[r] = index;
        w->ranks_per_locality[index]++;
    }
    w->locality = w->locality_of[w->rank];
    free(leaders);
    return WB_OK;
}

int wb_world_init(struct wb_world *w, int *argc, char ***argv, struct wb_error *err)
{
    memset(w, 0, sizeof *w);
    w->comm = MPI_COMM_NULL;
    w->node_comm = MPI_COMM_NULL;
    /* Plain MPI_Init, as OSU and nccl-tests do: only the main thread ever calls MPI, and
     * asking Open MPI 4.1 for MPI_THREAD_FUNNELED measurably slows small collectives
     * (baselines/collectives_overhead.sh), which would bias every figure. */
    if (MPI_Init(argc, argv) != MPI_SUCCESS)
        return WB_FAIL(err, WB_ERR_RUNTIME, "MPI_Init failed");
    /* Errors must come back as codes so that ranks can agree on them. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    WB_MPI_CHECK(err, MPI_Comm_dup(MPI_COMM_WORLD, &w->comm));
    WB_MPI_CHECK(err, MPI_Comm_set_errhandler(w->comm, MPI_ERRORS_RETURN));
    WB_MPI_CHECK(err, MPI_Comm_rank(w->comm, &w->rank));
    WB_MPI_CHECK(err, MPI_Comm_size(w->comm, &w->size));

    int rc = find_localities(w, err);
    if (rc != WB_OK)
        return rc;

    char host[WB_HOST_LEN] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "unknown");
    w->hostnames = calloc((size_t)w->size, WB_HOST_LEN);
    if (!w->hostnames)
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory");
    WB_MPI_CHECK(err, MPI_Allgather(host, WB_HOST_LEN, MPI_CHAR, w->hostnames, WB_HOST_LEN,
                                    MPI_CHAR, w->comm));
    struct wb_rank_place mine;
    my_place(&mine);
    w->places = calloc((size_t)w->size, sizeof *w->places);
    if (!w->places)
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory");
    WB_MPI_CHECK(err, MPI_Allgather(&mine, (int)sizeof mine, MPI_BYTE, w->places,
                                    (int)sizeof mine, MPI_BYTE, w->comm));

    w->wtick = MPI_Wtick();
    int *flag_value, flag = 0;
    if (MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WTIME_IS_GLOBAL, &flag_value, &flag) ==
            MPI_SUCCESS && flag)
        w->wtime_is_global = *flag_value;
    return WB_OK;
}

/* Which status wins when ranks disagree: a failure before a usage error before a failed
 * check before an interruption, so that no rank's runtime failure is reported as less. */
static int severity(int status)
{
    switch (status) {
    case WB_OK: return 0;
    case WB_ERR_INTERRUPTED: return 1;
    case WB_ERR_CHECK: return 2;
    case WB_ERR_USAGE: return 3;
    default: return 4;
    }
}

int wb_world_agree(const struct wb_world *w, struct wb_error *err)
{
    struct { int severity; int rank; } mine = {severity(err->status), w->rank}, worst;
    if (MPI_Allreduce(&mine, &worst, 1, MPI_2INT, MPI_MAXLOC, w->comm) != MPI_SUCCESS) {
        /* Agreement itself failed: nothing collective is safe any more. */
        fprintf(stderr, "wavebench: error: ranks could not agree (MPI failure); aborting\n");
        MPI_Abort(MPI_COMM_WORLD, WB_ERR_RUNTIME);
    }
    if (worst.severity == 0)
        return WB_OK;
    /* MAXLOC keeps the lowest rank among equal severities; it tells its status, message
     * and where in the source it was raised. */
    struct { int status, line; char msg[WB_ERR_MSG_LEN], file[WB_ERR_FILE_LEN]; } told = {
        err->status, err->line, "", ""};
    memcpy(told.msg, err->msg, sizeof told.msg);
    memcpy(told.file, err->file, sizeof told.file);
    MPI_Bcast(&told, sizeof told, MPI_BYTE, worst.rank, w->comm);
    char *msg = told.msg;
    err->status = told.status;
    memcpy(err->file, told.file, sizeof err->file);
    err->line = told.line;
    /* Usage errors read the same from any rank; others say where they happened, once. */
    if (told.status == WB_ERR_USAGE || w->size == 1 || strncmp(msg, "rank ", 5) == 0)
        memcpy(err->msg, msg, sizeof err->msg);
    else
        snprintf(err->msg, sizeof err->msg, "rank %d: %.480s", worst.rank, msg);
    return told.status;
}

int wb_world_same_text(const struct wb_world *w, const char *text, char **root_text)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        h = (h ^ *c) * 1099511628211ull;
    uint64_t lo = 0, hi = 0;
    *root_text = NULL;
    if (MPI_Allreduce(&h, &lo, 1, MPI_UINT64_T, MPI_MIN, w->comm) != MPI_SUCCESS ||
        MPI_Allreduce(&h, &hi, 1, MPI_UINT64_T, MPI_MAX, w->comm) != MPI_SUCCESS)
        return -1;
    if (lo == hi)
        return 1;
    long long len = w->rank == 0 ? (long long)strlen(text) : 0;
    if (MPI_Bcast(&len, 1, MPI_LONG_LONG, 0, w->comm) != MPI_SUCCESS)
        return -1;
    char *copy = malloc((size_t)len + 1);
    if (!copy)
        wb_world_fatal_mpi(w->comm, w->rank, MPI_ERR_NO_MEM, "rank 0's configuration");
    if (w->rank == 0)
        memcpy(copy, text, (size_t)len + 1);
    if (MPI_Bcast(copy, (int)len + 1, MPI_CHAR, 0, w->comm) != MPI_SUCCESS) {
        free(copy);
        return -1;
    }
    *root_text = copy;
    return 0;
}

int wb_world_stop_requested_on(MPI_Comm comm)
{
    int mine = wb_signal_stop_requested(), any = 0;
    if (MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS)
        return 1; /* a failing communicator is no place to go on */
    return any;
}

int wb_world_stop_requested(const struct wb_world *w)
{
    return wb_world_stop_requested_on(w->comm);
}

void wb_world_finalize(struct wb_world *w)
{
    free(w->locality_of);
    free(w->ranks_per_locality);
    free(w->hostnames);
    free(w->places);
    if (w->node_comm != MPI_COMM_NULL)
        MPI_Comm_free(&w->node_comm);
    if (w->comm != MPI_COMM_NULL)
        MPI_Comm_free(&w->comm);
    MPI_Finalize();
}
