/* wavebench PINN optimizer: Adam with bias correction and exponential learning-rate decay. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/pinn.h"

#include <math.h>
#include <stdlib.h>

#define REAL float
#define FN(name) name##_f32
#define SQRT sqrtf
#include "adam_impl.h"
#undef REAL
#undef FN
#undef SQRT

#define REAL double
#define FN(name) name##_f64
#define SQRT sqrt
#include "adam_impl.h"
#undef REAL
#undef FN
#undef SQRT

int wb_pinn_adam_create(struct wb_pinn_adam *opt, int precision, int64_t n, double lr,
                        double lr_decay, int64_t decay_steps, struct wb_error *err)
{
    size_t size = precision == WB_FP32 ? sizeof(float) : sizeof(double);
    *opt = (struct wb_pinn_adam){.precision = precision, .n = n, .lr = lr, .lr_decay = lr_decay,
                                 .decay_steps = decay_steps, .beta1 = 0.9, .beta2 = 0.999,
                                 .eps = 1e-8};
    opt->m = calloc((size_t)n, size);
    opt->v = calloc((size_t)n, size);
    if (!opt->m || !opt->v) {
        wb_pinn_adam_free(opt);
        return WB_FAIL(err, WB_ERR_RUNTIME, "pinn: out of memory for Adam state (%lld elements)",
                       (long long)n);
    }
    return WB_OK;
}

void wb_pinn_adam_free(struct wb_pinn_adam *opt)
{
    free(opt->m);
    free(opt->v);
    opt->m = opt->v = NULL;
}

double wb_pinn_adam_lr(const struct wb_pinn_adam *opt)
{
    if (opt->decay_steps <= 0)
        return opt->lr;
    return opt->lr * pow(opt->lr_decay, (double)opt->step / (double)opt->decay_steps);
}

void wb_pinn_adam_step(struct wb_pinn_adam *opt, void *params, const void *grads)
{
    double lr = wb_pinn_adam_lr(opt);
    double t = (double)(opt->step + 1);
    double bc1 = 1.0 - pow(opt->beta1, t), bc2 = 1.0 - pow(opt->beta2, t);
    if (opt->precision == WB_FP32)
        adam_update_f32(params, opt->m, opt->v, grads, opt->n, lr, opt->beta1, opt->beta2, opt->eps,
                        bc1, bc2);
    else
        adam_update_f64(params, opt->m, opt->v, grads, opt->n, lr, opt->beta1, opt->beta2, opt->eps,
                        bc1, bc2);
    opt->step++;
}
