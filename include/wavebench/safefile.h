/* wavebench safefile: the files wavebench writes are made under a temporary name that no one
 * can predict or pre-empt and put in place only when whole, so a symlink or device planted
 * at a predictable name is never followed, truncated or replaced, and a reader never sees a
 * half-written file. */
#ifndef WB_SAFEFILE_H
#define WB_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "wavebench/common.h"

/* Writes into tmp a temporary name for final in final's own directory (so the rename that
 * places it never crosses file systems): "FINAL.partial-XXXXXXXX" with 8 random characters.
 * The name is only a name; create it exclusively (O_CREAT|O_EXCL, H5F_ACC_EXCL), which
 * refuses anything that already exists there, dangling symlinks included. */
int wb_safefile_temp_name(const char *final, char *tmp, size_t size, struct wb_error *err);

/* The first of path, STEM-2.h5, STEM-3.h5, ... (STEM: path less a final ".h5") that names
 * nothing yet, into out: a default name another run of the same second took. */
void wb_safefile_free_name(const char *path, char *out, size_t size);

/* Creates a temporary file for final exclusively (mode 0644 less the umask) and opens it
 * for writing; its name is left in tmp. NULL (with err set) when it cannot be made. */
FILE *wb_safefile_create(const char *final, char *tmp, size_t size, struct wb_error *err);

/* Whether path names something that is not a regular file (a directory, a device, a FIFO,
 * a socket or a symlink of any kind); false when it does not exist. */
bool wb_safefile_is_special(const char *path);

/* Puts tmp in place as final. replace false: fails (status WB_ERR_RUNTIME, err naming both)
 * when final exists, without touching it (no window in which two writers both succeed).
 * replace true: replaces final only when it is a regular file. tmp stays where it is on
 * failure, so nothing written is lost. */
int wb_safefile_place(const char *tmp, const char *final, bool replace, struct wb_error *err);

#endif
