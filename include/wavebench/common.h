/* wavebench common: exit codes, an error record with a source trace, checked-call macros. */
#ifndef WB_COMMON_H
#define WB_COMMON_H

#include <stddef.h>

/* Exit codes, identical on every rank (DESIGN.md "Errors and exits"). */
enum wb_status {
    WB_OK = 0,          /* success */
    WB_ERR_RUNTIME = 1, /* I/O, allocation, NaN, MPI failure */
    WB_ERR_USAGE = 2,   /* bad option, configuration key or value, path */
    WB_ERR_CHECK = 3,   /* a result failed its check or an acceptance threshold */
    WB_ERR_INTERRUPTED = 4 /* stopped by SIGTERM/SIGINT after a checkpoint */
};

#define WB_ERR_MSG_LEN 512
#define WB_ERR_FILE_LEN 64

/* The first failure wins: later calls keep the original message, so the line
 * a user sees names the root cause, not a caller's summary of it. */
struct wb_error {
    int status;
    char msg[WB_ERR_MSG_LEN];
    char file[WB_ERR_FILE_LEN]; /* where it was raised, from the source tree: "src/core/config.c" */
    int line;
};

/* Records a failure (if none is recorded yet) and returns status. Control characters in
 * the message become '?', so it always prints as one line. file is a __FILE__ (or another
 * error's file); it is kept relative to the source tree however the build spelled it. */
int wb_error_set(struct wb_error *err, int status, const char *file, int line,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Clears err to "no error". */
void wb_error_clear(struct wb_error *err);

#define WB_FAIL(err, status, ...) wb_error_set((err), (status), __FILE__, __LINE__, __VA_ARGS__)

#define WB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
