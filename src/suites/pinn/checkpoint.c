/* wavebench checkpoints: serial HDF5 in the checksummed format, an exclusive temporary
 * name then a rename. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/checkpoint.h"

#include <fcntl.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wavebench/safefile.h"

#define FORMAT_NAME "wavebench-checkpoint"
/* Elements per chunk: far below HDF5's 4 GiB chunk limit, and one checksum per 8 MiB. */
#define CHUNK ((hsize_t)1 << 20)

static herr_t put_attr(hid_t loc, const char *name, long long v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(loc, name, H5T_NATIVE_LLONG, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = attr >= 0 ? H5Awrite(attr, H5T_NATIVE_LLONG, &v) : -1;
    if (attr >= 0)
        H5Aclose(attr);
    H5Sclose(space);
    return rc;
}

static long long get_attr(hid_t loc, const char *name, int *ok)
{
    long long v = 0;
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    if (attr < 0 || H5Aread(attr, H5T_NATIVE_LLONG, &v) < 0)
        *ok = 0;
    if (attr >= 0)
        H5Aclose(attr);
    return v;
}

static herr_t put_double(hid_t loc, const char *name, double v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(loc, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = attr >= 0 ? H5Awrite(attr, H5T_NATIVE_DOUBLE, &v) : -1;
    if (attr >= 0)
        H5Aclose(attr);
    H5Sclose(space);
    return rc;
}

static double get_double(hid_t loc, const char *name, int *ok)
{
    double v = 0;
    hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
    if (attr < 0 || H5Aread(attr, H5T_NATIVE_DOUBLE, &v) < 0)
        *ok = 0;
    if (attr >= 0)
        H5Aclose(attr);
    return v;
}

static hid_t elem_type(int precision)
{
    return precision == WB_FP32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
}

/* Chunked with the Fletcher32 filter, so that a damaged byte of the data fails the read
 * (H5Dread verifies it by default) instead of resuming from garbage. */
static herr_t put_vector(hid_t file, const char *name, int precision, int64_t n, const void *data)
{
    hsize_t dims = (hsize_t)n, chunk = dims < CHUNK ? dims : CHUNK;
    hid_t space = H5Screate_simple(1, &dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    herr_t rc = H5Pset_chunk(dcpl, 1, &chunk) >= 0 && H5Pset_fletcher32(dcpl) >= 0 ? 0 : -1;
    hid_t dset = rc >= 0 ? H5Dcreate2(file, name, elem_type(precision), space, H5P_DEFAULT, dcpl,
                                      H5P_DEFAULT)
                         : -1;
    rc = dset >= 0 ? H5Dwrite(dset, elem_type(precision), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : -1;
    if (dset >= 0)
        H5Dclose(dset);
    H5Pclose(dcpl);
    H5Sclose(space);
    return rc;
}

static int get_vector(hid_t file, const char *name, int precision, int64_t n, void *data)
{
    hid_t dset = H5Dopen2(file, name, H5P_DEFAULT);
    if (dset < 0)
        return -1;
    hid_t space = H5Dget_space(dset);
    int rc = H5Sget_simple_extent_npoints(space) == n &&
                     H5Dread(dset, elem_type(precision), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0
                 ? 0
                 : -1;
    H5Sclose(space);
    H5Dclose(dset);
    return rc;
}

/* What a checkpoint must agree on with the run that resumes it, and how its values read. */
enum kind { K_INT, K_REAL, K_BOOL, K_PROBLEM, K_PRECISION };
struct field {
    const char *name;
    enum kind kind;
    double want;
};

static void describe(char *buf, size_t size, enum kind kind, double v)
{
    switch (kind) {
    case K_INT: snprintf(buf, size, "%.0f", v); break;
    case K_BOOL: snprintf(buf, size, "%s", v != 0 ? "true" : "false"); break;
    case K_PROBLEM: snprintf(buf, size, "%s", wb_problem_name((int)v)); break;
    case K_PRECISION: snprintf(buf, size, "%s", wb_precision_name((int)v)); break;
    case K_REAL:
        /* The shortest form that reads back as v, so two different values never print alike. */
        snprintf(buf, size, "%.15g", v);
        if (strtod(buf, NULL) != v)
            snprintf(buf, size, "%.17g", v);
        break;
    }
}

/* WB_OK when file holds every field with the wanted value; otherwise WB_ERR_USAGE naming
 * the first missing or different one, both values in words. */
static int agree(hid_t file, const char *path, const struct field *f, size_t n,
                 struct wb_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int ok = 1;
        double have = get_double(file, f[i].name, &ok);
        if (!ok)
            return WB_FAIL(err, WB_ERR_USAGE,
                           "[pinn] resume: '%s' records no %s (not a checkpoint of this "
                           "wavebench version, or damaged)", path, f[i].name);
        if (have != f[i].want) {
            char a[64], b[64];
            describe(a, sizeof a, f[i].kind, have);
            describe(b, sizeof b, f[i].kind, f[i].want);
            return WB_FAIL(err, WB_ERR_USAGE,
                           "[pinn] resume: '%s' was trained with %s %s, this run has %s", path,
                           f[i].name, a, b);
        }
    }
    return WB_OK;
}

int wb_checkpoint_write(const char *path, const struct wb_pinn_model *model,
                        const struct wb_pinn_adam *opt, const struct wb_pinn_config *pc,
                        int nranks, int64_t iteration, struct wb_error *err)
{
    char tmp[sizeof ((struct wb_config *)0)->checkpoint_path + 32];
    if (wb_safefile_temp_name(path, tmp, sizeof tmp, err) != WB_OK)
        return err->status;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* Checksummed metadata (superblock v2, object headers v2), as the results file; EXCL
     * refuses anything already at the name, a planted symlink included. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t file = fapl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) >= 0
                     ? H5Fcreate(tmp, H5F_ACC_EXCL, H5P_DEFAULT, fapl)
                     : -1;
    if (fapl >= 0)
        H5Pclose(fapl);
    if (file < 0)
        return WB_FAIL(err, WB_ERR_RUNTIME, "cannot create checkpoint '%s'", tmp);
    hid_t space = H5Screate(H5S_SCALAR), type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, sizeof FORMAT_NAME);
    hid_t attr = H5Acreate2(file, "format", type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = attr >= 0 ? H5Awrite(attr, type, FORMAT_NAME) : -1;
    if (attr >= 0)
        H5Aclose(attr);
    H5Tclose(type);
    H5Sclose(space);
    const struct { const char *name; long long v; } attrs[] = {
        {"problem", model->problem},     {"precision", model->precision},
        {"width", model->width},         {"depth", model->depth},
        {"hard_constraints", model->hard}, {"n_params", model->n_params},
        {"iteration", iteration},        {"adam_step", opt->step},
        {"seed", pc->seed},              {"resample_every", pc->resample_every},
        {"interior_points", pc->n_interior}, {"initial_points", pc->n_initial},
        {"boundary_points", pc->n_boundary}, {"ranks", nranks},
    };
    for (size_t i = 0; rc >= 0 && i < WB_ARRAY_LEN(attrs); i++)
        rc = put_attr(file, attrs[i].name, attrs[i].v);
    const struct { const char *name; double v; } reals[] = {
        {"lr", pc->lr}, {"lr_decay", pc->lr_decay}, {"decay_steps", (double)pc->decay_steps},
    };
    for (size_t i = 0; rc >= 0 && i < WB_ARRAY_LEN(reals); i++)
        rc = put_double(file, reals[i].name, reals[i].v);
    if (rc >= 0)
        rc = put_vector(file, "params", model->precision, model->n_params, model->params);
    if (rc >= 0)
        rc = put_vector(file, "adam_m", opt->precision, opt->n, opt->m);
    if (rc >= 0)
        rc = put_vector(file, "adam_v", opt->precision, opt->n, opt->v);
    if (H5Fclose(file) < 0)
        rc = -1;
    if (rc >= 0) {
        int fd = open(tmp, O_RDONLY | O_NOFOLLOW);
        if (fd < 0 || fsync(fd) != 0)
            rc = -1;
        if (fd >= 0)
            close(fd);
    }
    if (rc < 0) {
        unlink(tmp);
        return WB_FAIL(err, WB_ERR_RUNTIME, "cannot write checkpoint '%s' (disk full?)", tmp);
    }
    if (wb_safefile_place(tmp, path, true, err) != WB_OK) {
        unlink(tmp); /* a checkpoint is only worth keeping under its own name */
        return err->status;
    }
    return WB_OK;
}

static hid_t open_checkpoint(const char *path, struct wb_error *err)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0) {
        WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: '%s' is not an HDF5 file (or is damaged)", path);
        return -1;
    }
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: cannot open '%s' (damaged?)", path);
    else if (H5Aexists(file, "format") <= 0) {
        WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: '%s' is not a wavebench checkpoint", path);
        H5Fclose(file);
        file = -1;
    }
    return file;
}

int wb_checkpoint_check(const char *path, const struct wb_pinn_config *pc, int nranks,
                        struct wb_error *err)
{
    hid_t file = open_checkpoint(path, err);
    if (file < 0)
        return err->status;
    const struct field must[] = {
        {"problem", K_PROBLEM, pc->problem},
        {"precision", K_PRECISION, pc->precision},
        {"width", K_INT, (double)pc->width},
        {"depth", K_INT, (double)pc->depth},
        {"hard_constraints", K_BOOL, pc->hard_constraints},
        {"seed", K_INT, (double)pc->seed},
        {"resample_every", K_INT, (double)pc->resample_every},
        {"interior_points", K_INT, (double)pc->n_interior},
        {"initial_points", K_INT, (double)pc->n_initial},
        {"boundary_points", K_INT, (double)pc->n_boundary},
        {"ranks", K_INT, nranks},
        {"lr", K_REAL, pc->lr},
        {"lr_decay", K_REAL, pc->lr_decay},
        {"decay_steps", K_INT, (double)pc->decay_steps},
    };
    int status = agree(file, path, must, WB_ARRAY_LEN(must), err), ok = 1;
    double iteration = status == WB_OK ? get_double(file, "iteration", &ok) : 0;
    if (status == WB_OK && !ok)
        status = WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: '%s' records no iteration", path);
    if (status == WB_OK && iteration >= (double)pc->iters)
        status = WB_FAIL(err, WB_ERR_USAGE,
                         "[pinn] iters: %lld, but the checkpoint is at iteration %.0f already",
                         (long long)pc->iters, iteration);
    H5Fclose(file);
    return status;
}

int wb_checkpoint_read(const char *path, struct wb_pinn_model *model, struct wb_pinn_adam *opt,
                       int64_t *iteration, struct wb_error *err)
{
    hid_t file = open_checkpoint(path, err);
    if (file < 0)
        return err->status;
    const struct field must[] = {
        {"problem", K_PROBLEM, model->problem},
        {"precision", K_PRECISION, model->precision},
        {"width", K_INT, model->width},
        {"depth", K_INT, model->depth},
        {"hard_constraints", K_BOOL, model->hard},
        {"n_params", K_INT, (double)model->n_params},
    };
    int status = agree(file, path, must, WB_ARRAY_LEN(must), err), ok = 1;
    if (status == WB_OK) {
        *iteration = get_attr(file, "iteration", &ok);
        opt->step = get_attr(file, "adam_step", &ok);
        if (!ok || get_vector(file, "params", model->precision, model->n_params, model->params) ||
            get_vector(file, "adam_m", opt->precision, opt->n, opt->m) ||
            get_vector(file, "adam_v", opt->precision, opt->n, opt->v))
            status = WB_FAIL(err, WB_ERR_USAGE,
                             "[pinn] resume: '%s' is incomplete or damaged (a checksum or a "
                             "dataset does not match)", path);
    }
    H5Fclose(file);
    return status;
}
