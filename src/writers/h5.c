/* wavebench results file: collective parallel-HDF5 writer (temporary name, then rename)
 * and the serial reader behind report, compare and export. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/h5.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "wavebench/safefile.h"

#define FORMAT_NAME "wavebench-results"
#define FORMAT_VERSION 1

/* Jumps to `done` with err set when an HDF5 call fails (negative id or status). */
#define H5_TRY(err, expr)                                                                   \
    do {                                                                                    \
        if ((expr) < 0) {                                                                   \
            WB_FAIL((err), WB_ERR_RUNTIME, "cannot write the results file (disk full?): %s", \
                    #expr);                                                                 \
            goto done;                                                                      \
        }                                                                                   \
    } while (0)

static hid_t string_type(size_t len)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0 && (H5Tset_size(t, len ? len : 1) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0)) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

static herr_t attr_text(hid_t loc, const char *name, const char *value)
{
    hid_t type = string_type(strlen(value) + 1), space = H5Screate(H5S_SCALAR), attr = -1;
    herr_t rc = -1;
    if (type >= 0 && space >= 0 &&
        (attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) >= 0)
        rc = H5Awrite(attr, type, value);
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return rc;
}

static herr_t attr_num(hid_t loc, const char *name, hid_t type, const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR), attr = -1;
    herr_t rc = -1;
    if (space >= 0 && (attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) >= 0)
        rc = H5Awrite(attr, type, value);
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

static herr_t attr_double(hid_t loc, const char *name, double v)
{
    return attr_num(loc, name, H5T_NATIVE_DOUBLE, &v);
}

static herr_t attr_int(hid_t loc, const char *name, long long v)
{
    return attr_num(loc, name, H5T_NATIVE_LLONG, &v);
}

/* The file being written, as every writing step needs it. */
struct h5_out {
    const struct wb_world *w;
    hid_t dxpl;      /* collective transfer; default transfer when solo */
    const char *tmp; /* the temporary name */
    bool solo;       /* this rank alone, no MPI call (wb_h5_write_partial) */
};

/* Whether every rank's ok holds (the steps are collective: they fail together); solo,
 * this rank's. */
static int all_agree(const struct h5_out *o, int ok)
{
    int all_ok = 0;
    if (o->solo)
        return ok;
    return MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, o->w->comm) == MPI_SUCCESS && all_ok;
}

/* A failed data write cannot be undone in parallel HDF5: closing the file then fails
 * too and leaves the library unable to shut down. The partial file is removed and the
 * job ends with one line, the fallback DESIGN.md allows where ranks cannot agree. */
static void abort_write(const struct h5_out *o, const char *name)
{
    if (o->w->rank == 0 || o->solo) {
        fprintf(stderr, "wavebench: error: cannot write the results file (disk full?): "
                        "writing '%s' into '%s' failed; nothing was left under the final name\n",
                name, o->tmp);
        unlink(o->tmp);
    }
    if (o->solo) /* the process is ending already (wb_h5_write_partial) */
        _exit(WB_ERR_RUNTIME);
    MPI_Barrier(o->w->comm);
    MPI_Abort(o->w->comm, WB_ERR_RUNTIME);
}

/* Collective: creates dataset name of shape dims[ndims]; `mine` (dims rank0 .. ) is what
 * this rank writes: a hyperslab starting at `start` of extent `count`, or nothing when
 * count is NULL or empty. */
static herr_t write_dataset(const struct h5_out *o, hid_t loc, const char *name,
                            hid_t file_type, hid_t mem_type, int ndims, const hsize_t *dims,
                            const hsize_t *start, const hsize_t *count, const void *data,
                            hid_t *out_id)
{
    hid_t fspace = H5Screate_simple(ndims, dims, NULL), mspace = -1, dset = -1;
    /* What no rank wrote (other ranks' raw rows in a partial file) reads NaN, not 0. */
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    const double nan = NAN;
    int ok = fspace >= 0 && dcpl >= 0 &&
             (!H5Tequal(file_type, H5T_NATIVE_DOUBLE) ||
              H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan) >= 0);
    if (ok)
        ok = (dset = H5Dcreate2(loc, name, file_type, fspace, H5P_DEFAULT, dcpl,
                                H5P_DEFAULT)) >= 0;
    if (dcpl >= 0)
        H5Pclose(dcpl);
    hsize_t n = count ? 1 : 0;
    for (int i = 0; count && i < ndims; i++)
        n *= count[i];
    if (ok && n > 0) { /* a table without rows (nothing measured) selects nothing */
        ok = (mspace = H5Screate_simple(1, &n, NULL)) >= 0 &&
             H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0;
    } else if (ok) {
        ok = (mspace = H5Scopy(fspace)) >= 0 && H5Sselect_none(mspace) >= 0 &&
             H5Sselect_none(fspace) >= 0;
    }
    /* Every rank must take the same branch around the collective write, and a write can
     * fail on the rank that did the I/O alone (a full disk): agree before and after. */
    if (!all_agree(o, ok))
        abort_write(o, name);
    /* An empty dataset has no storage: a collective write to it fails in HDF5 1.10. The
     * shape is the same on every rank, so all skip it together. */
    hsize_t total = 1;
    for (int i = 0; i < ndims; i++)
        total *= dims[i];
    ok = total == 0 || H5Dwrite(dset, mem_type, mspace, fspace, o->dxpl, data) >= 0;
    if (!all_agree(o, ok))
        abort_write(o, name);
    H5Sclose(mspace);
    H5Sclose(fspace);
    if (out_id)
        *out_id = dset;
    else
        H5Dclose(dset);
    return 0;
}

/* A 1-D dataset every rank holds identically: rank 0 writes it. */
static herr_t write_shared_1d(const struct h5_out *o, hid_t loc, const char *name,
                              hid_t file_type, hid_t mem_type, size_t n, const void *data,
                              hid_t *out_id)
{
    hsize_t dims = n, start = 0;
    return write_dataset(o, loc, name, file_type, mem_type, 1, &dims, &start,
                         o->w->rank == 0 ? &dims : NULL, data, out_id);
}

static int write_table(const struct h5_out *o, hid_t file, const struct wb_table *t,
                       struct wb_error *err)
{
    const struct wb_world *w = o->w;
    hid_t lcpl = -1, group = -1, str = -1, dset = -1;
    /* One buffer long enough for each of the name lists below. */
    size_t len = 1;
    for (size_t i = 0; i < t->ncols; i++)
        len += strlen(t->cols[i].name) + 1;
    for (size_t i = 0; i < t->nraw; i++)
        len += strlen(t->raw[i].name) + 1;
    for (size_t i = 0; i < t->nattrs; i++)
        len += strlen(t->attrs[i].name) + 1;
    char *list = calloc(1, len);
    /* The attributes written are rank 0's: a value a rank measured alone (a time-boxed
     * probe's size) would otherwise differ between ranks, and metadata that differs
     * deadlocks the collective close. Every rank has the same attributes by name. */
    struct wb_attr *attrs = malloc(sizeof *attrs * (t->nattrs ? t->nattrs : 1));
    if (!all_agree(o, list != NULL && attrs != NULL)) {
        free(list);
        free(attrs);
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (index of table %s)", t->path);
    }
    memcpy(attrs, t->attrs, sizeof *attrs * t->nattrs);
    if (!o->solo && MPI_Bcast(attrs, (int)(sizeof *attrs * t->nattrs), MPI_BYTE, 0, w->comm) !=
                        MPI_SUCCESS) {
        free(list);
        free(attrs);
        return WB_FAIL(err, WB_ERR_RUNTIME, "cannot share the attributes of table %s", t->path);
    }
    H5_TRY(err, lcpl = H5Pcreate(H5P_LINK_CREATE));
    H5_TRY(err, H5Pset_create_intermediate_group(lcpl, 1));
    H5_TRY(err, group = H5Gcreate2(file, t->path, lcpl, H5P_DEFAULT, H5P_DEFAULT));
    H5_TRY(err, attr_text(group, "title", t->title));
    for (size_t i = 0; i < t->ncols; i++) {
        strcat(list, i ? "," : "");
        strcat(list, t->cols[i].name);
    }
    H5_TRY(err, attr_text(group, "columns", list));
    list[0] = '\0';
    for (size_t i = 0; i < t->nraw; i++) {
        strcat(list, i ? "," : "");
        strcat(list, t->raw[i].name);
    }
    H5_TRY(err, attr_text(group, "raw", list));
    list[0] = '\0';
    for (size_t i = 0; i < t->nattrs; i++) {
        const struct wb_attr *a = &attrs[i];
        H5_TRY(err, a->is_text ? attr_text(group, a->name, a->text)
                               : attr_double(group, a->name, a->number));
        strcat(list, i ? "," : "");
        strcat(list, a->name);
    }
    /* Readers look attributes and tables up by name from these lists, never by
     * iterating: iteration over a damaged file is where HDF5 itself can crash. */
    H5_TRY(err, attr_text(group, "attributes", list));
    H5_TRY(err, str = string_type(WB_STR_LEN));
    for (size_t i = 0; i < t->ncols; i++) {
        const struct wb_column *c = &t->cols[i];
        hid_t type = c->type == WB_COL_I64 ? H5T_NATIVE_INT64
                     : c->type == WB_COL_F64 ? H5T_NATIVE_DOUBLE : str;
        H5_TRY(err, write_shared_1d(o, group, c->name, type, type, t->nrows, c->data.f64, &dset));
        H5_TRY(err, attr_text(dset, "unit", c->unit));
        H5_TRY(err, attr_text(dset, "role", wb_table_role_name(c->role)));
        H5_TRY(err, attr_text(dset, "better", wb_table_better_name(c->better)));
        if (c->threshold[0])
            H5_TRY(err, attr_text(dset, "threshold", c->threshold));
        H5_TRY(err, attr_text(dset, "head", c->head));
        H5_TRY(err, attr_text(dset, "group", c->group));
        H5_TRY(err, attr_int(dset, "width", c->width));
        H5_TRY(err, attr_int(dset, "precision", c->precision));
        H5Dclose(dset);
        dset = -1;
    }
    /* Raw series: [ranks][rows][reps]; each rank writes its own block. */
    for (size_t i = 0; i < t->nraw; i++) {
        const struct wb_raw *r = &t->raw[i];
        hsize_t dims[3] = {(hsize_t)w->size, t->nrows, r->nreps};
        hsize_t start[3] = {(hsize_t)w->rank, 0, 0}, count[3] = {1, t->nrows, r->nreps};
        H5_TRY(err, write_dataset(o, group, r->name, H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE, 3, dims,
                                  start, count, r->data, &dset));
        H5_TRY(err, attr_text(dset, "unit", r->unit));
        H5_TRY(err, attr_text(dset, "dims", "rank,row,repetition"));
        H5Dclose(dset);
        dset = -1;
    }
done:
    free(list);
    free(attrs);
    if (dset >= 0)
        H5Dclose(dset);
    if (str >= 0)
        H5Tclose(str);
    if (group >= 0)
        H5Gclose(group);
    if (lcpl >= 0)
        H5Pclose(lcpl);
    return err->status;
}

/* Per rank, pid_of_rank, numa_of_rank, cpus_of_rank (its affinity as a CPU list) and its
 * first CPU's governor_of_rank, cpu_mhz_of_rank and cpu_max_mhz_of_rank (NaN unknown); per
 * locality, its first rank's machine: cpu_model_of_locality, cpus_of_locality and
 * mem_gib_of_locality (the root attributes describe rank 0's only). The world holds them
 * by rank (struct wb_rank_place): each becomes one dataset. */
static herr_t write_places(const struct h5_out *o, hid_t group)
{
    const struct wb_world *w = o->w;
    size_t n = (size_t)w->size, nl = (size_t)w->n_localities;
    int *pid = malloc(sizeof(int) * n), *numa = malloc(sizeof(int) * n);
    int *lcpus = malloc(sizeof(int) * nl);
    double *mhz = malloc(sizeof(double) * n), *max_mhz = malloc(sizeof(double) * n);
    char (*gov)[24] = malloc(24 * n);
    double *lmem = malloc(sizeof(double) * nl);
    char (*cpus)[WB_CPUS_LEN] = malloc(WB_CPUS_LEN * n), (*lmodel)[128] = malloc(128 * nl);
    hid_t cpus_type = string_type(WB_CPUS_LEN), model_type = string_type(128);
    hid_t gov_type = string_type(24);
    herr_t rc = -1;
    int ok = pid && numa && lcpus && lmem && cpus && lmodel && mhz && max_mhz && gov &&
             cpus_type >= 0 && model_type >= 0 && gov_type >= 0;
    if (all_agree(o, ok)) { /* the writes are collective: fail together */
        for (size_t r = n; r-- > 0;) { /* downwards: a locality keeps its first rank's */
            const struct wb_rank_place *p = &w->places[r];
            int l = w->locality_of[r];
            pid[r] = p->pid;
            numa[r] = p->numa;
            memcpy(cpus[r], p->cpus, WB_CPUS_LEN);
            memcpy(gov[r], p->governor, sizeof gov[r]);
            mhz[r] = p->cpu_mhz;
            max_mhz[r] = p->cpu_max_mhz;
            memcpy(lmodel[l], p->cpu_model, sizeof lmodel[l]);
            lcpus[l] = p->cpus_online;
            lmem[l] = p->mem_total_gib;
        }
        const hid_t i32 = H5T_NATIVE_INT, f64 = H5T_NATIVE_DOUBLE;
        const struct { const char *name; hid_t type; size_t n; const void *data; } sets[] = {
            {"pid_of_rank", i32, n, pid},
            {"numa_of_rank", i32, n, numa},
            {"cpus_of_rank", cpus_type, n, cpus},
            {"governor_of_rank", gov_type, n, gov},
            {"cpu_mhz_of_rank", f64, n, mhz},
            {"cpu_max_mhz_of_rank", f64, n, max_mhz},
            {"cpu_model_of_locality", model_type, nl, lmodel},
            {"cpus_of_locality", i32, nl, lcpus},
            {"mem_gib_of_locality", f64, nl, lmem},
        };
        rc = 0;
        for (size_t k = 0; k < WB_ARRAY_LEN(sets) && rc >= 0; k++)
            rc = write_shared_1d(o, group, sets[k].name, sets[k].type, sets[k].type, sets[k].n,
                                 sets[k].data, NULL);
    }
    if (cpus_type >= 0)
        H5Tclose(cpus_type);
    if (model_type >= 0)
        H5Tclose(model_type);
    if (gov_type >= 0)
        H5Tclose(gov_type);
    free(mhz);
    free(max_mhz);
    free(gov);
    free(pid);
    free(numa);
    free(lcpus);
    free(lmem);
    free(cpus);
    free(lmodel);
    return rc;
}

static int write_system(const struct h5_out *o, hid_t file, struct wb_error *err)
{
    const struct wb_world *w = o->w;
    hid_t group = -1, str = -1;
    H5_TRY(err, group = H5Gcreate2(file, "system", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5_TRY(err, str = string_type(WB_HOST_LEN));
    H5_TRY(err, write_shared_1d(o, group, "hostnames", str, str, (size_t)w->size, w->hostnames,
                                NULL));
    H5_TRY(err, write_shared_1d(o, group, "locality_of_rank", H5T_NATIVE_INT, H5T_NATIVE_INT,
                                (size_t)w->size, w->locality_of, NULL));
    H5_TRY(err, write_shared_1d(o, group, "ranks_per_locality", H5T_NATIVE_INT, H5T_NATIVE_INT,
                                (size_t)w->n_localities, w->ranks_per_locality, NULL));
    H5_TRY(err, write_places(o, group));
done:
    if (str >= 0)
        H5Tclose(str);
    if (group >= 0)
        H5Gclose(group);
    return err->status;
}

static int write_root(const struct wb_world *w, const struct wb_config *cfg,
                      const struct wb_run_info *run, const struct wb_sysinfo *si,
                      const struct wb_results *res, size_t ntables, hid_t file,
                      struct wb_error *err)
{
    char *names = NULL, *tables = NULL;
    char *ini = wb_config_ini_string(cfg);
    if (!ini)
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (configuration text)");
    const struct { const char *name, *value; } texts[] = {
        {"format", FORMAT_NAME},
        {"wavebench_version", si->version},
        {"git_revision", si->git_revision},
        {"configure_args", si->configure_args},
        {"compiler", si->compiler},
        {"mpi_library", si->mpi_library},
        {"hdf5_version", si->hdf5},
        {"blas", si->blas},
        {"blas_core", si->blas_core},
        {"blas_warning", si->blas_warning},
        {"blas_parallel", si->blas_parallel},
        {"compiler_flags", si->compiler_flags},
        {"cpu_governor", w->places[0].governor},
        {"cuda", si->cuda},
        {"nccl", si->nccl},
        {"curl", si->curl},
        {"cpu_model", si->cpu_model},
        {"os", si->os},
        {"environment", si->environment},
        {"command_line", run->command_line},
        {"run_id", run->run_id},
        {"start_utc", run->start_utc},
        {"end_utc", run->end_utc},
        {"verdict", run->verdict},
        {"backend", wb_backend_name(cfg->backend)},
        {"config_ini", ini},
    };
    for (size_t i = 0; i < WB_ARRAY_LEN(texts); i++)
        H5_TRY(err, attr_text(file, texts[i].name, texts[i].value));
    const struct { const char *name; double value; } numbers[] = {
        {"format_version", FORMAT_VERSION},
        {"ranks", w->size},
        {"localities", w->n_localities},
        {"cpus_online", si->cpus_online},
        {"blas_threads", si->blas_threads},
        {"mem_total_gib", si->mem_total_gib},
        {"cpu_mhz", w->places[0].cpu_mhz}, /* rank 0's first CPU; every rank's in system/ */
        {"cpu_max_mhz", w->places[0].cpu_max_mhz},
        {"exit_status", run->exit_status},
        {"complete", run->complete},
        {"wtick", w->wtick},
        {"wtime_is_global", w->wtime_is_global},
    };
    for (size_t i = 0; i < WB_ARRAY_LEN(numbers); i++)
        H5_TRY(err, isfinite(numbers[i].value) &&
                            numbers[i].value == (double)(long long)numbers[i].value
                        ? attr_int(file, numbers[i].name, (long long)numbers[i].value)
                        : attr_double(file, numbers[i].name, numbers[i].value));
    /* The index readers use instead of iterating (see write_table). */
    size_t len = 1;
    for (size_t i = 0; i < WB_ARRAY_LEN(texts); i++)
        len += strlen(texts[i].name) + 1;
    for (size_t i = 0; i < WB_ARRAY_LEN(numbers); i++)
        len += strlen(numbers[i].name) + 1;
    for (size_t i = 0; i < ntables; i++)
        len += strlen(res->tables[i]->path) + 1;
    names = calloc(1, len);
    tables = calloc(1, len);
    if (!names || !tables) {
        WB_FAIL(err, WB_ERR_RUNTIME, "out of memory (results index)");
        goto done;
    }
    for (size_t i = 0; i < WB_ARRAY_LEN(texts); i++)
        strcat(strcat(names, i ? "," : ""), texts[i].name);
    for (size_t i = 0; i < WB_ARRAY_LEN(numbers); i++)
        strcat(strcat(names, ","), numbers[i].name);
    for (size_t i = 0; i < ntables; i++)
        strcat(strcat(tables, i ? "," : ""), res->tables[i]->path);
    H5_TRY(err, attr_text(file, "attributes", names));
    H5_TRY(err, attr_text(file, "tables", tables));
done:
    free(names);
    free(tables);
    free(ini);
    return err->status;
}

/* Bytes the file will need, with room for HDF5's own structures. */
static double estimate_bytes(const struct wb_world *w, const struct wb_results *res)
{
    double bytes = 256.0 * 1024;
    for (size_t i = 0; i < res->ntables; i++) {
        const struct wb_table *t = res->tables[i];
        bytes += 16.0 * 1024 + (double)t->ncols * (4096.0 + 32.0 * (double)t->nrows);
        for (size_t r = 0; r < t->nraw; r++)
            bytes += 4096.0 + 8.0 * (double)w->size * (double)t->nrows * (double)t->raw[r].nreps;
    }
    return bytes;
}

/* A full disk is found before writing: MPI-IO's own failure paths are noisy, and a
 * failed close leaves HDF5 unable to shut down cleanly. */
static int check_space(const struct wb_world *w, const struct wb_results *res,
                       const char *final_path, struct wb_error *err)
{
    if (w->rank == 0) {
        char dir[sizeof ((struct wb_config *)0)->results_path];
        snprintf(dir, sizeof dir, "%s", final_path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        struct statvfs fs;
        double need = estimate_bytes(w, res);
        if (statvfs(slash ? dir : ".", &fs) == 0 && (double)fs.f_bavail * (double)fs.f_frsize < need)
            WB_FAIL(err, WB_ERR_RUNTIME,
                    "cannot write results file '%s': %.0f KiB free, about %.0f KiB needed (disk full?)",
                    final_path, (double)fs.f_bavail * (double)fs.f_frsize / 1024, need / 1024);
    }
    return wb_world_agree(w, err);
}

/* Puts tmp in place as final; a default name some other run took meanwhile becomes the
 * next free one (final is rewritten). */
static int place(const char *tmp, char *final, size_t size, const struct wb_config *cfg,
                 struct wb_error *err)
{
    if (cfg->output[0] || cfg->overwrite)
        return wb_safefile_place(tmp, final, cfg->overwrite, err);
    char name[sizeof cfg->results_path + 16];
    wb_safefile_free_name(final, name, sizeof name);
    if (wb_safefile_place(tmp, name, false, err) != WB_OK)
        return err->status;
    snprintf(final, size, "%s", name);
    return WB_OK;
}

/* The file's content under tmp, created exclusively; WB_OK or the error. Collective unless
 * solo. */
static int write_content(const struct wb_world *w, const struct wb_config *cfg,
                         const struct wb_run_info *run, const struct wb_sysinfo *si,
                         const struct wb_results *res, size_t ntables, const char *tmp,
                         bool solo, bool *created, struct wb_error *err)
{
    hid_t fapl = -1, file = -1, dxpl = -1;
    struct h5_out out = {w, -1, tmp, solo};
    H5_TRY(err, fapl = H5Pcreate(H5P_FILE_ACCESS));
    if (!solo)
        H5_TRY(err, H5Pset_fapl_mpio(fapl, w->comm, MPI_INFO_NULL));
    /* The 1.8+ format checksums its metadata, so a damaged file is refused, not misread. */
    H5_TRY(err, H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST));
    H5_TRY(err, dxpl = H5Pcreate(H5P_DATASET_XFER));
    if (!solo)
        H5_TRY(err, H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE));
    file = H5Fcreate(tmp, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    if (file < 0) {
        WB_FAIL(err, WB_ERR_RUNTIME, "cannot create results file '%s'", tmp);
        goto done;
    }
    *created = true;
    out.dxpl = dxpl;
    if (write_root(w, cfg, run, si, res, ntables, file, err) != WB_OK || write_system(&out, file, err) != WB_OK)
        goto done;
    for (size_t i = 0; i < ntables; i++)
        if (write_table(&out, file, res->tables[i], err) != WB_OK)
            goto done;
done:
    if (file >= 0) {
        /* Collective buffering defers the writes to the close: it can fail there too. */
        if (!all_agree(&out, H5Fclose(file) >= 0))
            abort_write(&out, "the file's last data");
    }
    if (dxpl >= 0)
        H5Pclose(dxpl);
    if (fapl >= 0)
        H5Pclose(fapl);
    return err->status;
}

/* Syncs tmp and puts it in place as final_path (rank 0's part of a write). */
static void sync_and_place(const char *tmp, char *final_path, size_t size,
                           const struct wb_config *cfg, struct wb_error *err)
{
    /* Durable before visible: the final name only ever names a whole file. */
    int fd = open(tmp, O_RDONLY | O_NOFOLLOW);
    if (fd < 0 || fsync(fd) != 0)
        WB_FAIL(err, WB_ERR_RUNTIME, "cannot sync results file '%s': %s", tmp, strerror(errno));
    if (fd >= 0)
        close(fd);
    /* A failed placement keeps the whole file at tmp and says so: nothing lost. */
    if (err->status == WB_OK)
        place(tmp, final_path, size, cfg, err);
}

int wb_h5_write_results(const struct wb_world *w, const struct wb_config *cfg,
                        const struct wb_run_info *run, const struct wb_sysinfo *si,
                        const struct wb_results *res, char *final_path, size_t size,
                        struct wb_error *err)
{
    char tmp[sizeof ((struct wb_config *)0)->results_path + 32] = "";
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported as one line, not a stack */
    if (check_space(w, res, final_path, err) != WB_OK)
        return err->status;
    /* Rank 0 picks the unpredictable temporary name; the exclusive create below refuses
     * anything already there (a planted symlink), so nothing outside is ever written. */
    if (w->rank == 0)
        wb_safefile_temp_name(final_path, tmp, sizeof tmp, err);
    MPI_Bcast(tmp, sizeof tmp, MPI_CHAR, 0, w->comm);
    if (wb_world_agree(w, err) != WB_OK)
        return err->status;
    bool created = false;
    write_content(w, cfg, run, si, res, res->ntables, tmp, false, &created, err);
    int status = wb_world_agree(w, err);
    if (w->rank == 0 && created) { /* not created: nothing of ours is at tmp */
        if (status == WB_OK)
            sync_and_place(tmp, final_path, size, cfg, err);
        else
            unlink(tmp);
    }
    MPI_Bcast(final_path, (int)size, MPI_CHAR, 0, w->comm);
    return wb_world_agree(w, err);
}

void wb_h5_partial_name(const char *final_path, char *out, size_t size)
{
    size_t len = strlen(final_path);
    int h5 = len >= 3 && strcmp(final_path + len - 3, ".h5") == 0;
    snprintf(out, size, "%.*s-incomplete.h5", (int)(h5 ? len - 3 : len), final_path);
}

int wb_h5_write_partial(const struct wb_world *w, const struct wb_config *cfg,
                        const struct wb_run_info *run, const struct wb_sysinfo *si,
                        const struct wb_results *res, size_t ntables, char *final_path,
                        size_t size, struct wb_error *err)
{
    char tmp[sizeof ((struct wb_config *)0)->results_path + 32] = "";
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (wb_safefile_temp_name(final_path, tmp, sizeof tmp, err) != WB_OK)
        return err->status;
    bool created = false;
    if (write_content(w, cfg, run, si, res, ntables, tmp, true, &created, err) == WB_OK)
        sync_and_place(tmp, final_path, size, cfg, err);
    else if (created)
        unlink(tmp);
    return err->status;
}

/* ---- reading -------------------------------------------------------------------- */

/* The largest print format a column may declare: more than any table needs (a double's
 * 17 significant digits), small enough that no reader's output or buffer can blow up. */
enum { WB_H5_MAX_WIDTH = 64, WB_H5_MAX_PRECISION = 17 };

static int read_attr_into(struct wb_table *t, hid_t loc, const char *name, char **big_text)
{
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    if (attr < 0)
        return -1;
    hid_t type = H5Aget_type(attr);
    int rc = -1;
    if (H5Tget_class(type) == H5T_STRING) {
        size_t len = H5Tget_size(type);
        char *buf = calloc(1, len + 1);
        hid_t mem = string_type(len);
        if (buf && mem >= 0 && H5Aread(attr, mem, buf) >= 0) {
            rc = 0;
            if (big_text && strcmp(name, "config_ini") == 0) {
                *big_text = buf;
                buf = NULL;
            } else {
                wb_table_attr_text(t, name, buf);
            }
        }
        if (mem >= 0)
            H5Tclose(mem);
        free(buf);
    } else {
        double v;
        if (H5Aread(attr, H5T_NATIVE_DOUBLE, &v) >= 0) {
            wb_table_attr_num(t, name, v);
            rc = 0;
        }
    }
    H5Tclose(type);
    H5Aclose(attr);
    return rc;
}

/* Reads a text attribute whole into out (a column list is longer than a table
 * attribute's text), truncated only to size. */
static int read_text_attr(hid_t loc, const char *name, char *out, size_t size)
{
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    if (attr < 0)
        return -1;
    hid_t type = H5Aget_type(attr);
    int rc = -1;
    if (type >= 0 && H5Tget_class(type) == H5T_STRING) {
        size_t len = H5Tget_size(type);
        char *buf = calloc(1, len + 1);
        hid_t mem = string_type(len);
        if (buf && mem >= 0 && H5Aread(attr, mem, buf) >= 0) {
            snprintf(out, size, "%s", buf);
            rc = 0;
        }
        if (mem >= 0)
            H5Tclose(mem);
        free(buf);
    }
    if (type >= 0)
        H5Tclose(type);
    H5Aclose(attr);
    return rc;
}

/* A text attribute of any length, malloc'd; NULL if absent or not text. */
static char *read_text_alloc(hid_t loc, const char *name)
{
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    if (attr < 0)
        return NULL;
    hid_t type = H5Aget_type(attr);
    char *buf = NULL;
    if (type >= 0 && H5Tget_class(type) == H5T_STRING) {
        size_t len = H5Tget_size(type);
        hid_t mem = string_type(len);
        buf = len < (1u << 24) ? calloc(1, len + 1) : NULL;
        if (buf && (mem < 0 || H5Aread(attr, mem, buf) < 0)) {
            free(buf);
            buf = NULL;
        }
        if (mem >= 0)
            H5Tclose(mem);
    }
    if (type >= 0)
        H5Tclose(type);
    H5Aclose(attr);
    return buf;
}

/* Reads the attributes a location lists in its "attributes" index into t. */
static int read_listed_attrs(struct wb_table *t, hid_t loc, char **config_ini)
{
    char *list = read_text_alloc(loc, "attributes");
    if (!list)
        return -1;
    int rc = 0;
    char *save = NULL;
    for (char *name = strtok_r(list, ",", &save); name && rc == 0; name = strtok_r(NULL, ",", &save))
        rc = read_attr_into(t, loc, name, config_ini);
    free(list);
    return rc;
}

static long long read_int_attr(hid_t loc, const char *name, long long fallback)
{
    long long v = fallback;
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    if (attr >= 0) {
        if (H5Aread(attr, H5T_NATIVE_LLONG, &v) < 0)
            v = fallback;
        H5Aclose(attr);
    }
    return v;
}

/* Reads the columns and raw series that the comma-separated lists name into t. */
static int read_columns(struct wb_table *t, hid_t group, char *columns, char *raw,
                        struct wb_error *err)
{
    size_t nrows = 0;
    hid_t str = string_type(WB_STR_LEN);
    char *save = NULL;
    for (char *name = strtok_r(columns, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        hid_t dset = H5Dopen2(group, name, H5P_DEFAULT);
        if (dset < 0) {
            H5Tclose(str);
            return WB_FAIL(err, WB_ERR_USAGE, "%s: column '%s' missing", t->path, name);
        }
        hid_t ftype = H5Dget_type(dset), space = H5Dget_space(dset);
        hssize_t n = H5Sget_simple_extent_npoints(space);
        H5T_class_t cls = H5Tget_class(ftype);
        enum wb_col_type type = cls == H5T_STRING ? WB_COL_STR
                                : cls == H5T_INTEGER ? WB_COL_I64 : WB_COL_F64;
        char unit[WB_STR_LEN] = "", head[WB_STR_LEN] = "", grp[WB_STR_LEN] = "";
        char role_name[WB_STR_LEN] = "", better_name[WB_STR_LEN] = "", threshold[WB_NAME_LEN] = "";
        read_text_attr(dset, "unit", unit, sizeof unit);
        read_text_attr(dset, "head", head, sizeof head);
        read_text_attr(dset, "group", grp, sizeof grp);
        read_text_attr(dset, "threshold", threshold, sizeof threshold);
        /* The print format is trusted by every reader (a width of 2e9 would print 2 GB a
         * cell): anything wavebench could not have written refuses the file. */
        long long width_ll = read_int_attr(dset, "width", 0);
        long long precision = read_int_attr(dset, "precision", 0);
        if (width_ll < 0 || width_ll > WB_H5_MAX_WIDTH || precision < -WB_H5_MAX_PRECISION ||
            precision > WB_H5_MAX_PRECISION) {
            H5Sclose(space);
            H5Tclose(ftype);
            H5Dclose(dset);
            H5Tclose(str);
            return WB_FAIL(err, WB_ERR_USAGE,
                           "%s: column '%s': print format width %lld, precision %lld out of "
                           "range (width 0..%d, precision -%d..%d)", t->path, name, width_ll,
                           precision, WB_H5_MAX_WIDTH, WB_H5_MAX_PRECISION, WB_H5_MAX_PRECISION);
        }
        int width = (int)width_ll;
        enum wb_col_role role = WB_ROLE_CONTEXT;
        enum wb_col_better better = WB_BETTER_NONE;
        /* A column declares its meaning in "role" and "better"; a file written before
         * columns did has no "role" and is read with the rules wavebench guessed by then.
         * A role or direction of another name, a role without a direction, or a meaning
         * that does not fit the column (wb_table_add_col) refuses the file. */
        bool role_ok = true;
        if (read_text_attr(dset, "role", role_name, sizeof role_name) == 0)
            role_ok = wb_table_role_parse(role_name, &role) == 0 &&
                      read_text_attr(dset, "better", better_name, sizeof better_name) == 0 &&
                      wb_table_better_parse(better_name, &better) == 0;
        else
            wb_h5_legacy_meaning(name, type, unit, width, &role, &better);
        int col = role_ok ? wb_table_add_col(t, name, type, role, better, head, unit, grp, width,
                                             (int)precision)
                          : -1;
        wb_table_set_threshold(t, col, threshold);
        int ok = col >= 0 && n >= 0 && n < (1LL << 32);
        if (ok && col == 0)
            nrows = (size_t)n;
        ok = ok && (size_t)n == nrows;
        if (ok) {
            size_t esize = type == WB_COL_STR ? WB_STR_LEN : 8;
            t->cols[col].data.f64 = calloc(nrows ? nrows : 1, esize);
            hid_t mem = type == WB_COL_STR ? str : type == WB_COL_I64 ? H5T_NATIVE_INT64
                                                                     : H5T_NATIVE_DOUBLE;
            ok = t->cols[col].data.f64 && H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                                  t->cols[col].data.f64) >= 0;
        }
        H5Sclose(space);
        H5Tclose(ftype);
        H5Dclose(dset);
        if (!ok) {
            H5Tclose(str);
            return WB_FAIL(err, WB_ERR_USAGE, "%s: column '%s' unreadable", t->path, name);
        }
    }
    H5Tclose(str);
    for (char *name = strtok_r(raw, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        hid_t dset = H5Dopen2(group, name, H5P_DEFAULT);
        if (dset < 0)
            continue;
        hid_t space = H5Dget_space(dset);
        hsize_t dims[3] = {0, 0, 0};
        char unit[WB_STR_LEN] = "";
        read_text_attr(dset, "unit", unit, sizeof unit);
        /* Not loaded (data stays NULL): readers use the summary columns. */
        if (H5Sget_simple_extent_ndims(space) == 3 &&
            H5Sget_simple_extent_dims(space, dims, NULL) == 3 && dims[2] > 0 &&
            wb_table_add_raw(t, name, unit, (size_t)dims[2]) < 0) {
            H5Sclose(space);
            H5Dclose(dset);
            return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory reading '%s'", t->path);
        }
        H5Sclose(space);
        H5Dclose(dset);
    }
    t->nrows = t->cap = nrows; /* after the raw series: a table with rows takes no more */
    return WB_OK;
}

/* ---- files written before columns declared their meaning -------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

void wb_h5_legacy_meaning(const char *name, enum wb_col_type type, const char *unit, int width,
                          enum wb_col_role *role, enum wb_col_better *better)
{
    static const char *const spread_suffixes[] = {"_min", "_max", "_lo", "_hi", "_avg", "_std",
                                                  "_raw", NULL};
    static const char *const lower[] = {"time", "loss", "pde", "ic", "ict", "bc", "rel_l2",
                                        "time_per_iter", "compute", "allreduce", "other",
                                        "peak_rss", "error", NULL};
    static const char *const higher[] = {"algbw", "busbw", "points_per_s", "gflops", "speedup",
                                         "efficiency", "bandwidth", "gbps", NULL};
    static const char *const context[] = {"elapsed", "flops_per_iter", "lr", "iters", "count",
                                          NULL};
    /* The name without its placement prefix (oop_, ip_). */
    const char *b = strncmp(name, "oop_", 4) == 0 ? name + 4
                    : strncmp(name, "ip_", 3) == 0 ? name + 3 : name;
    *better = WB_BETTER_NONE;
    if (in_list(b, context)) {
        *role = WB_ROLE_CONTEXT;
        return;
    }
    if (type != WB_COL_F64) {
        *role = width > 0 ? WB_ROLE_KEY : WB_ROLE_CONTEXT; /* unprinted: bytes, index, ... */
        return;
    }
    if (strcmp(b, "wrong") == 0 || ends_with(b, "_wrong")) {
        *role = WB_ROLE_VERDICT;
        *better = WB_BETTER_LOWER;
        return;
    }
    bool spread = strstr(name, "_rank_") || strstr(name, "_ci_") || strstr(name, "_rep_");
    for (const char *const *s = spread_suffixes; *s && !spread; s++)
        spread = ends_with(name, *s);
    if (spread) {
        *role = WB_ROLE_SPREAD;
        return;
    }
    if (in_list(b, higher) || strstr(b, "speedup") || strstr(b, "efficiency") ||
        strstr(b, "busbw") || strstr(b, "algbw") || strstr(b, "gbps") || strstr(unit, "/s"))
        *better = WB_BETTER_HIGHER;
    else if (in_list(b, lower) || wb_table_time_unit(unit) || strncmp(b, "time", 4) == 0 ||
             ends_with(b, "_time") || strstr(b, "error") || strstr(b, "rel_l2") ||
             ends_with(b, "_loss"))
        *better = WB_BETTER_LOWER;
    *role = *better != WB_BETTER_NONE ? WB_ROLE_FIGURE : WB_ROLE_CONTEXT;
}

static int read_table(struct wb_results *res, hid_t group, const char *path, struct wb_error *err)
{
    char title[256] = "";
    read_text_attr(group, "title", title, sizeof title);
    struct wb_table *t = wb_results_new_table(res, path, title);
    if (!t)
        return WB_FAIL(err, WB_ERR_RUNTIME, "out of memory reading '%s'", path);
    if (read_listed_attrs(t, group, NULL) != 0)
        return WB_FAIL(err, WB_ERR_USAGE, "%s: unreadable attributes", path);
    char *columns = read_text_alloc(group, "columns"), *raw = read_text_alloc(group, "raw");
    char none[1] = "";
    int rc = read_columns(t, group, columns ? columns : none, raw ? raw : none, err);
    free(columns);
    free(raw);
    return rc;
}

int wb_h5_read_results(struct wb_results_file *out, const char *path, struct wb_error *err)
{
    memset(out, 0, sizeof *out);
    wb_table_init(&out->meta, "/", "run");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (access(path, R_OK) != 0)
        return WB_FAIL(err, WB_ERR_USAGE, "cannot read '%s': %s", path, strerror(errno));
    if (H5Fis_hdf5(path) <= 0)
        return WB_FAIL(err, WB_ERR_USAGE, "'%s' is not an HDF5 file", path);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        return WB_FAIL(err, WB_ERR_USAGE, "cannot open '%s' as HDF5", path);
    char format[64] = "";
    if (read_text_attr(file, "format", format, sizeof format) != 0 ||
        strcmp(format, FORMAT_NAME) != 0) {
        H5Fclose(file);
        return WB_FAIL(err, WB_ERR_USAGE, "'%s' is not a wavebench results file", path);
    }
    /* Tables come back in the order they ran, as the run printed them. */
    char *tables = read_text_alloc(file, "tables");
    if (read_listed_attrs(&out->meta, file, &out->config_ini) != 0 || !tables)
        WB_FAIL(err, WB_ERR_USAGE, "'%s': damaged or incomplete results file", path);
    char *save = NULL;
    for (char *name = tables ? strtok_r(tables, ",", &save) : NULL; name && err->status == WB_OK;
         name = strtok_r(NULL, ",", &save)) {
        hid_t group = H5Gopen2(file, name, H5P_DEFAULT);
        if (group < 0) {
            WB_FAIL(err, WB_ERR_USAGE, "'%s': table '%s' missing", path, name);
            break;
        }
        read_table(&out->results, group, name, err);
        H5Gclose(group);
    }
    free(tables);
    H5Fclose(file);
    return err->status;
}

void wb_h5_results_file_free(struct wb_results_file *f)
{
    wb_table_free(&f->meta);
    free(f->config_ini);
    wb_results_free(&f->results);
}
