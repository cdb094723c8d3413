/* wavebench system information: what hardware and software a run used, for the results file. */
#ifndef WB_SYSINFO_H
#define WB_SYSINFO_H

#include <mpi.h>
#include <stddef.h>

struct wb_sysinfo {
    char cpu_model[128];
    int cpus_online;
    double mem_total_gib;
    char os[256];
    char compiler[96];
    char mpi_library[MPI_MAX_LIBRARY_VERSION_STRING];
    char hdf5[32];
    char blas[160];
    char blas_core[32];     /* the kernel family OpenBLAS chose at load time ("Haswell") */
    char blas_warning[320]; /* why those kernels are below the CPU's best; "" when not */
    char blas_parallel[16]; /* OpenBLAS's threading: sequential, pthreads or OpenMP */
    int blas_threads;       /* its thread count at start-up (-1 unknown); the PINN sets its own */
    char cuda[64];  /* "none" when not compiled in */
    char nccl[32];
    char curl[64];
    char version[32];      /* wavebench's */
    char git_revision[64];
    char configure_args[512];
    char compiler_flags[512]; /* the project's CFLAGS (warnings, sanitizers, -O, -march) */
    /* "NAME=value" lines of the variables that change MPI, UCX, NCCL, libfabric, OpenMP,
     * BLAS, CUDA and the scheduler, sorted; none whose name looks like a secret. */
    char environment[8192];
};

/* Writes into out the environment variables worth recording (the prefixes OMPI_, PMIX_,
 * UCX_, NCCL_, FI_, I_MPI_, MPICH_, SLURM_, OMP_, OPENBLAS_, CUDA_), one "NAME=value" a
 * line, sorted, leaving out every name that contains TOKEN, PASSWORD, SECRET, KEY or
 * CREDENTIAL (any case); values are cut at 256 bytes, and what does not fit is counted
 * on a last line. */
void wb_sysinfo_environment(char *out, size_t size, char *const *env);

/* Writes into warning why OpenBLAS's kernel family core is not what this CPU allows
 * (cpu_flags: /proc/cpuinfo's flags; coretype: OPENBLAS_CORETYPE or NULL): an override in
 * the environment, or a family of a lower vector level (AVX2 on an AVX-512 CPU); "" when
 * neither. */
void wb_sysinfo_blas_check(const char *core, const char *cpu_flags, const char *coretype,
                           char *warning, size_t size);

/* CPU cpu's frequency governor ("unknown" without cpufreq), current clock in MHz (cpufreq's,
 * else /proc/cpuinfo's "cpu MHz") and maximum clock (NaN when unreadable); root prefixes
 * every path ("" for this machine's, a directory in tests). */
void wb_sysinfo_cpu_clock(const char *root, int cpu, char *governor, size_t size, double *mhz,
                          double *max_mhz);

/* The CPU model from root/proc/cpuinfo ("" for this machine's): its "model name", else
 * (aarch64, which has none) "ARM Neoverse-V1" for Arm's known server parts or "CPU
 * implementer 0x.. part 0x..", else "unknown". */
void wb_sysinfo_cpu_model(const char *root, char *out, size_t size);

/* This machine's CPU model, online CPUs and memory (local, not collective). */
void wb_sysinfo_machine(char *cpu_model, size_t size, int *cpus_online, double *mem_total_gib);

/* Fills si from /proc, uname and the libraries' own version queries (local, not collective). */
void wb_sysinfo_collect(struct wb_sysinfo *si);

#endif
