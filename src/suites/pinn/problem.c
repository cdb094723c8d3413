/* wavebench PINN problems: wave1d and wave2d (DESIGN.md), counter-based sampling, grids. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/pinn.h"

#include <math.h>

#define PI 3.14159265358979323846

/* Slot of the uniform that picks a boundary face (coordinates use 0..d-1). */
#define FACE_SLOT 7

int wb_pinn_dim(int problem)
{
    switch (problem) {
    case WB_PROBLEM_WAVE1D: return 2;
    case WB_PROBLEM_WAVE2D: return 3;
    default: return 0;
    }
}

double wb_pinn_speed(int problem)
{
    return problem == WB_PROBLEM_WAVE1D ? 2.0 : 1.0;
}

void wb_pinn_share(int64_t *first, int64_t *count, int64_t n, int rank, int nranks)
{
    int64_t base = n / nranks, rem = n % nranks;
    *count = base + (rank < rem ? 1 : 0);
    *first = rank * base + (rank < rem ? rank : rem);
}

/* splitmix64's finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mix. */
static uint64_t mix64(uint64_t z)
{
    z += UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

double wb_pinn_uniform(uint64_t seed, uint64_t stream, uint64_t index)
{
    uint64_t h = mix64(mix64(mix64(seed) ^ stream) ^ index);
    return (double)(h >> 11) * 0x1.0p-53;
}

static uint64_t sample_stream(uint64_t epoch, int kind, int slot)
{
    return (epoch * 8 + (uint64_t)kind) * 8 + (uint64_t)slot + 1;
}

void wb_pinn_sample(double *pts, int problem, int kind, uint64_t seed, uint64_t epoch,
                    int64_t first, int64_t count)
{
    int d = wb_pinn_dim(problem);
    for (int64_t p = 0; p < count; p++) {
        uint64_t i = (uint64_t)(first + p);
        double *x = pts + p * d;
        for (int k = 0; k < d; k++)
            x[k] = wb_pinn_uniform(seed, sample_stream(epoch, kind, k), i);
        if (kind == WB_PINN_INITIAL) {
            x[d - 1] = 0.0;
        } else if (kind == WB_PINN_BOUNDARY) {
            double f = wb_pinn_uniform(seed, sample_stream(epoch, kind, FACE_SLOT), i);
            int face = (int)(f * 2 * (d - 1)); /* 2 faces per spatial axis */
            x[face / 2] = (double)(face % 2);
        }
    }
}

void wb_pinn_grid(double *pts, int problem, int64_t g, int64_t first, int64_t count)
{
    int d = wb_pinn_dim(problem);
    for (int64_t p = 0; p < count; p++) {
        int64_t i = first + p;
        for (int k = 0; k < d; k++) {
            pts[p * d + k] = (double)(i % g) / (double)(g - 1); /* exact ends */
            i /= g;
        }
    }
}

void wb_pinn_exact_taylor(double *out, const double *pts, int64_t n, int problem)
{
    int d = wb_pinn_dim(problem);
    for (int64_t p = 0; p < n; p++) {
        const double *x = pts + p * d;
        double *o = out + p * (1 + 2 * d);
        if (problem == WB_PROBLEM_WAVE1D) {
            double s1 = sin(PI * x[0]), c1 = cos(PI * x[0]);
            double s4 = sin(4 * PI * x[0]), c4 = cos(4 * PI * x[0]);
            double ct2 = cos(2 * PI * x[1]), st2 = sin(2 * PI * x[1]);
            double ct8 = cos(8 * PI * x[1]), st8 = sin(8 * PI * x[1]);
            o[0] = s1 * ct2 + 0.5 * s4 * ct8;
            o[1] = PI * c1 * ct2 + 2 * PI * c4 * ct8;
            o[2] = -2 * PI * s1 * st2 - 4 * PI * s4 * st8;
            o[3] = -PI * PI * s1 * ct2 - 8 * PI * PI * s4 * ct8;
            o[4] = -4 * PI * PI * s1 * ct2 - 32 * PI * PI * s4 * ct8;
        } else {
            double w = sqrt(2.0) * PI * wb_pinn_speed(problem);
            double sx = sin(PI * x[0]), cx = cos(PI * x[0]);
            double sy = sin(PI * x[1]), cy = cos(PI * x[1]);
            double ct = cos(w * x[2]), st = sin(w * x[2]);
            double u = sx * sy * ct;
            o[0] = u;
            o[1] = PI * cx * sy * ct;
            o[2] = PI * sx * cy * ct;
            o[3] = -w * sx * sy * st;
            o[4] = -PI * PI * u;
            o[5] = -PI * PI * u;
            o[6] = -w * w * u;
        }
    }
}

void wb_pinn_exact(double *u, const double *pts, int64_t n, int problem)
{
    double o[WB_PINN_MAX_CHANNELS];
    int d = wb_pinn_dim(problem);
    for (int64_t p = 0; p < n; p++) {
        wb_pinn_exact_taylor(o, pts + p * d, 1, problem);
        u[p] = o[0];
    }
}

void wb_pinn_initial_taylor(double *out, const double *pts, int64_t n, int problem)
{
    int d = wb_pinn_dim(problem);
    for (int64_t p = 0; p < n; p++) {
        const double *x = pts + p * d;
        double *o = out + p * (1 + 2 * d);
        if (problem == WB_PROBLEM_WAVE1D) {
            double s1 = sin(PI * x[0]), c1 = cos(PI * x[0]);
            double s4 = sin(4 * PI * x[0]), c4 = cos(4 * PI * x[0]);
            o[0] = s1 + 0.5 * s4;
            o[1] = PI * c1 + 2 * PI * c4;
            o[2] = 0.0;
            o[3] = -PI * PI * s1 - 8 * PI * PI * s4;
            o[4] = 0.0;
        } else {
            double sx = sin(PI * x[0]), cx = cos(PI * x[0]);
            double sy = sin(PI * x[1]), cy = cos(PI * x[1]);
            o[0] = sx * sy;
            o[1] = PI * cx * sy;
            o[2] = PI * sx * cy;
            o[3] = 0.0;
            o[4] = -PI * PI * sx * sy;
            o[5] = -PI * PI * sx * sy;
            o[6] = 0.0;
        }
    }
}

void wb_pinn_ansatz_taylor(double *out, const double *pts, int64_t n, int problem)
{
    int d = wb_pinn_dim(problem);
    for (int64_t p = 0; p < n; p++) {
        const double *x = pts + p * d;
        double *o = out + p * (1 + 2 * d);
        double t = x[d - 1];
        /* g = prod over spatial k of q(x_k), q = x(1-x), q' = 1-2x, q'' = -2 */
        double g = 1.0;
        for (int k = 0; k < d - 1; k++)
            g *= x[k] * (1 - x[k]);
        o[0] = g * t * t;
        for (int k = 0; k < d - 1; k++) {
            double rest = 1.0; /* g without its factor k */
            for (int m = 0; m < d - 1; m++)
                if (m != k)
                    rest *= x[m] * (1 - x[m]);
            o[1 + k] = rest * (1 - 2 * x[k]) * t * t;
            o[1 + d + k] = -2 * rest * t * t;
        }
        o[d] = 2 * g * t;
        o[2 * d] = 2 * g;
    }
}

void wb_pinn_residual(double *r, const double *taylor, int64_t n, int problem)
{
    int d = wb_pinn_dim(problem);
    double c2 = wb_pinn_speed(problem) * wb_pinn_speed(problem);
    for (int64_t p = 0; p < n; p++) {
        const double *o = taylor + p * (1 + 2 * d);
        double lap = 0.0;
        for (int k = 0; k < d - 1; k++)
            lap += o[1 + d + k];
        r[p] = o[2 * d] - c2 * lap;
    }
}
