/* wavebench checkpoints: serial HDF5, temporary name then rename. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FORMAT_NAME "wavebench-checkpoint"

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

static herr_t put_vector(hid_t file, const char *name, int precision, int64_t n, const void *data)
{
    hsize_t dims = (hsize_t)n;
    hid_t space = H5Screate_simple(1, &dims, NULL);
    hid_t dset = H5Dcreate2(file, name, elem_type(precision), space, H5P_DEFAULT, H5P_DEFAULT,
                            H5P_DEFAULT);
    herr_t rc = dset >= 0 ? H5Dwrite(dset, elem_type(precision), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : -1;
    if (dset >= 0)
        H5Dclose(dset);
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

int wb_checkpoint_write(const char *path, const struct wb_pinn_model *model,
                        const struct wb_pinn_adam *opt, const struct wb_pinn_config *pc,
                        int64_t iteration, struct wb_error *err)
{
    char tmp[sizeof ((struct wb_config *)0)->checkpoint_path + 16];
    snprintf(tmp, sizeof tmp, "%s.partial", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
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
        int fd = open(tmp, O_RDONLY);
        if (fd < 0 || fsync(fd) != 0)
            rc = -1;
        if (fd >= 0)
            close(fd);
    }
    if (rc < 0) {
        unlink(tmp);
        return WB_FAIL(err, WB_ERR_RUNTIME, "cannot write checkpoint '%s' (disk full?)", tmp);
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return WB_FAIL(err, WB_ERR_RUNTIME, "cannot rename checkpoint to '%s': %s", path,
                       strerror(e));
    }
    return WB_OK;
}

int wb_checkpoint_check(const char *path, const struct wb_pinn_config *pc, struct wb_error *err)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0)
        return WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: '%s' is not an HDF5 file", path);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        return WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: cannot open '%s'", path);
    int ok = H5Aexists(file, "format") > 0;
    const struct { const char *name; double want; } must[] = {
        {"problem", pc->problem}, {"precision", pc->precision},
        {"width", (double)pc->width}, {"depth", (double)pc->depth},
        {"hard_constraints", pc->hard_constraints}, {"seed", (double)pc->seed},
        {"resample_every", (double)pc->resample_every}, {"lr", pc->lr},
        {"lr_decay", pc->lr_decay}, {"decay_steps", (double)pc->decay_steps},
    };
    int status = WB_OK;
    for (size_t i = 0; ok && status == WB_OK && i < WB_ARRAY_LEN(must); i++) {
        double have = get_double(file, must[i].name, &ok);
        if (ok && have != must[i].want)
            status = WB_FAIL(err, WB_ERR_USAGE,
                             "[pinn] resume: '%s' was trained with %s %g, this run has %g", path,
                             must[i].name, have, must[i].want);
    }
    double iteration = ok ? get_double(file, "iteration", &ok) : 0;
    if (status == WB_OK && !ok)
        status = WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: '%s' is not a wavebench checkpoint", path);
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
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0)
        return WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: '%s' is not an HDF5 file", path);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        return WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: cannot open '%s'", path);
    int ok = 1;
    const struct { const char *name; long long want; } must[] = {
        {"problem", model->problem}, {"precision", model->precision},
        {"width", model->width},     {"depth", model->depth},
        {"hard_constraints", model->hard}, {"n_params", model->n_params},
    };
    int status = WB_OK;
    if (H5Aexists(file, "format") <= 0) {
        status = WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: '%s' is not a wavebench checkpoint", path);
        goto done;
    }
    for (size_t i = 0; i < WB_ARRAY_LEN(must); i++) {
        long long have = get_attr(file, must[i].name, &ok);
        if (ok && have != must[i].want) {
            status = WB_FAIL(err, WB_ERR_USAGE,
                             "[pinn] resume: '%s' has %s %lld, this run %lld", path,
                             must[i].name, have, must[i].want);
            goto done;
        }
    }
    *iteration = get_attr(file, "iteration", &ok);
    opt->step = get_attr(file, "adam_step", &ok);
    if (!ok || get_vector(file, "params", model->precision, model->n_params, model->params) ||
        get_vector(file, "adam_m", opt->precision, opt->n, opt->m) ||
        get_vector(file, "adam_v", opt->precision, opt->n, opt->v))
        status = WB_FAIL(err, WB_ERR_USAGE, "[pinn] resume: '%s' is incomplete or damaged", path);
done:
    H5Fclose(file);
    return status;
}
