/* wavebench configuration: embedded defaults < INI file < command line, validated before any work.
 *
 * Every key is described once, in a table (config.c): its section, name, type,
 * range, choices, command-line spelling and help. Parsing, validation, --help
 * and the INI dump (--dry-run and the results file) are all driven by it. */
#ifndef WB_CONFIG_H
#define WB_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wavebench/common.h"

#define WB_PATH_LEN 1024

enum wb_suite { WB_SUITE_COLLECTIVES = 1u << 0, WB_SUITE_ARRAYS = 1u << 1, WB_SUITE_PINN = 1u << 2 };
enum wb_backend { WB_BACKEND_CPU = 0, WB_BACKEND_CUDA = 1 };
/* Whether MPI takes device pointers: asked of the library, or said by the user. */
enum wb_cuda_aware { WB_CUDA_AWARE_AUTO = 0, WB_CUDA_AWARE_YES = 1, WB_CUDA_AWARE_NO = 2 };

/* The collectives, in sweep order: the one list their enum, their names in the
 * configuration and its default ("all") come from. Each also needs its entry in
 * src/suites/collectives/coll_desc.c (and its NCCL call in src/cuda/gpu_coll.c). */
#define WB_COLL_LIST(X) \
    X(ALLREDUCE, allreduce) X(REDUCE, reduce) X(REDUCE_SCATTER, reduce_scatter) \
    X(ALLGATHER, allgather) X(BROADCAST, broadcast) X(ALLTOALL, alltoall)
#define WB_COLL_ENUM_(id, name) WB_COLL_##id,
enum wb_coll { WB_COLL_LIST(WB_COLL_ENUM_) WB_COLL_COUNT };
#undef WB_COLL_ENUM_
enum wb_dtype { WB_DTYPE_INT32, WB_DTYPE_INT64, WB_DTYPE_FLOAT, WB_DTYPE_DOUBLE, WB_DTYPE_COUNT };
enum wb_redop { WB_REDOP_SUM, WB_REDOP_MIN, WB_REDOP_MAX, WB_REDOP_COUNT };
enum wb_placement { WB_PLACE_OUT, WB_PLACE_IN, WB_PLACE_COUNT };
/* Which ranks a collective runs over: all of them; each locality's ranks among themselves,
 * every locality at once; one rank per locality. */
enum wb_scope { WB_SCOPE_WORLD, WB_SCOPE_INTRA, WB_SCOPE_INTER, WB_SCOPE_COUNT };

enum wb_array_op {
    WB_AOP_SUM, WB_AOP_MIN, WB_AOP_MAX, WB_AOP_DOT, WB_AOP_NORM, WB_AOP_SCALE,
    WB_AOP_ADD, WB_AOP_AXPY, WB_AOP_CUMSUM, WB_AOP_SLICE, WB_AOP_COUNT
};
enum wb_array_dtype { WB_ADTYPE_FLOAT, WB_ADTYPE_DOUBLE, WB_ADTYPE_COUNT };

enum wb_problem_id { WB_PROBLEM_WAVE1D, WB_PROBLEM_WAVE2D };
enum wb_precision { WB_FP32, WB_FP64 };

struct wb_coll_config {
    unsigned colls;      /* bit (1u << enum wb_coll) per collective */
    unsigned dtypes;     /* bit per enum wb_dtype */
    unsigned redops;     /* bit per enum wb_redop */
    unsigned placements; /* bit per enum wb_placement */
    unsigned scopes;     /* bit per enum wb_scope */
    double link_gbps;    /* the rate of the link between localities, Gbit/s; 0 unknown */
    int64_t min_bytes, max_bytes, factor;
    int64_t warmup, iters; /* iters 0: chosen per size (fewer for large messages) */
    int64_t reps;
    int64_t root;
    bool check;
};

struct wb_arrays_config {
    int64_t n;        /* global element count */
    unsigned dtypes;  /* bit per enum wb_array_dtype */
    unsigned ops;     /* bit per enum wb_array_op */
    int64_t warmup, reps;
    double alpha;     /* axpy's alpha */
    int64_t slice_start, slice_stop, slice_step; /* slice_stop -1: the end */
    bool serial_baseline;
};

struct wb_pinn_config {
    int problem;     /* enum wb_problem_id */
    int precision;   /* enum wb_precision */
    int64_t width, depth;
    int64_t n_interior, n_initial, n_boundary;
    int64_t iters;
    double lr, lr_decay;     /* lr * lr_decay^(iter / decay_steps) */
    int64_t decay_steps;
    double w_pde, w_ic, w_ict, w_bc;
    bool hard_constraints;
    int64_t seed;
    int64_t threads;         /* compute threads per rank; 0: the node's cores / its ranks */
    int64_t resample_every;  /* 0: never */
    int64_t log_every, eval_every, eval_grid;
    double target_rel_l2; /* 0: none; else training ends at the first evaluation at or below */
    int64_t warmup_iters;    /* first iterations left out of the timing figures */
    int64_t checkpoint_every; /* 0: only at the end */
    char checkpoint[WB_PATH_LEN]; /* empty: beside the results file */
    char resume[WB_PATH_LEN];     /* empty: start fresh */
};

struct wb_report_config {
    char push[WB_PATH_LEN];      /* Prometheus Pushgateway base URL */
    char push_json[WB_PATH_LEN]; /* any endpoint taking a JSON POST */
    bool push_required;
    double push_timeout;
    int64_t push_retries;
    bool push_insecure;           /* turns TLS verification off; documented, never default */
    char push_ca_file[WB_PATH_LEN]; /* CA certificates (PEM) to verify against; empty: the system's */
    double min_busbw;            /* GB/s; 0: no threshold */
    double max_rel_l2;           /* 0: no threshold */
};

struct wb_config {
    unsigned suites; /* bit per enum wb_suite */
    int backend;     /* enum wb_backend */
    int cuda_aware_mpi; /* enum wb_cuda_aware */
    char output_dir[WB_PATH_LEN];
    char output[WB_PATH_LEN]; /* results file name; empty: wavebench-YYYYmmdd-HHMMSS.h5 */
    bool overwrite;  /* replace an existing results file; otherwise the run is refused */
    double timeout;  /* seconds per measurement or iteration (wavebench/watchdog.h); 0 off */
    bool quiet;
    bool verbose;    /* the error line ends with where in the source it was raised */
    struct wb_coll_config coll;
    struct wb_arrays_config arrays;
    struct wb_pinn_config pinn;
    struct wb_report_config report;
    int64_t debug_corrupt_rank; /* test-only: this rank falsifies one checked value; -1 off */
    int64_t debug_nan_iteration; /* test-only: corrupt_rank's PINN loss turns NaN here; -1 off */
    int64_t debug_sleep_ms; /* test-only: corrupt_rank sleeps before each PINN all-reduce; 0 off */
    char config_file[WB_PATH_LEN];
    /* Derived once by main before any suite runs, never read from input. */
    char results_path[2 * WB_PATH_LEN + 32];
    char checkpoint_path[2 * WB_PATH_LEN + 32];
};

/* What the command line asked for besides configuration. */
enum wb_action { WB_ACTION_RUN, WB_ACTION_HELP, WB_ACTION_VERSION, WB_ACTION_DRY_RUN,
                 WB_ACTION_LIST_KEYS };

/* Fills cfg with the embedded defaults. */
void wb_config_defaults(struct wb_config *cfg);

/* Builds cfg from defaults, then --config FILE, then the other options of argv,
 * then cross-checks it. Returns WB_OK and sets *action, or WB_ERR_USAGE with
 * one line in err naming the key or option and what is allowed. Does not touch
 * the file system except to read the configuration file, check output_dir and check
 * that a resume file is readable. */
int wb_config_load(struct wb_config *cfg, int argc, char **argv, enum wb_action *action,
                   struct wb_error *err);

/* Applies one INI assignment (as from a file); for tests and the loader. */
int wb_config_set(struct wb_config *cfg, const char *section, const char *key,
                  const char *value, struct wb_error *err);

/* Cross-field validation and output_dir checks. */
int wb_config_validate(const struct wb_config *cfg, struct wb_error *err);

/* Derives results_path (output_dir/output; the default name is wavebench-STAMP.h5, or
 * wavebench-STAMP-K.h5 when that exists) and checkpoint_path, and checks them before any
 * work: neither a directory nor any other non-regular file, each in an existing writable
 * directory, an existing results file only with overwrite, and the checkpoint (when the
 * pinn suite runs) not the results file. WB_ERR_USAGE with one line otherwise. Touches the
 * file system: one rank calls it and shares the paths. */
int wb_config_resolve_paths(struct wb_config *cfg, const char *stamp, struct wb_error *err);

/* Writes the resolved configuration as INI text; the same text goes into the results file. */
void wb_config_write_ini(const struct wb_config *cfg, FILE *out);

/* Same as wb_config_write_ini into a malloc'd string (NULL on allocation failure). */
char *wb_config_ini_string(const struct wb_config *cfg);

/* Names where two wb_config_write_ini texts first differ, as "[section] key" (or "section
 * [name]" for a section only one has), into out; "nothing" when they are equal. */
void wb_config_first_difference(const char *a, const char *b, char *out, size_t size);

/* Every key as a tab-separated table: section, key, option, type, min, max, choices,
 * default (--list-keys; tests and tools read it). */
void wb_config_print_keys(FILE *out);

/* Usage text for --help. */
void wb_config_print_help(FILE *out);

/* Parses "64", "4K", "1M", "2G", "1e8" (binary suffixes, optional B/iB); returns 0 or -1. */
int wb_parse_size(const char *text, int64_t *out);

/* Parses a whole decimal integer / floating value; returns 0 or -1 (garbage, overflow, empty). */
int wb_parse_int(const char *text, int64_t *out);
int wb_parse_double(const char *text, double *out);

/* Names for the enum values (also the choice spellings). */
const char *wb_coll_name(int coll);
const char *wb_scope_name(int scope);
const char *wb_dtype_name(int dtype);
const char *wb_redop_name(int redop);
const char *wb_array_op_name(int op);
const char *wb_array_dtype_name(int dtype);
const char *wb_problem_name(int problem);
const char *wb_precision_name(int precision);
const char *wb_backend_name(int backend);
const char *wb_suite_name(int suite_bit_index);

#endif
