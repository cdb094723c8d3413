/* wavebench safefile: unpredictable exclusive temporaries and no-clobber placement. */
#define _GNU_SOURCE /* renameat2 */
#include "wavebench/safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int wb_safefile_temp_name(const char *final, char *tmp, size_t size, struct wb_error *err)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char bytes[8];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
        return WB_FAIL(err, WB_ERR_RUNTIME, "no random bytes for a temporary name: %s",
                       strerror(errno));
    char suffix[sizeof bytes + 1];
    for (size_t i = 0; i < sizeof bytes; i++)
        suffix[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
    suffix[sizeof bytes] = '\0';
    int n = snprintf(tmp, size, "%s.partial-%s", final, suffix);
    if (n < 0 || (size_t)n >= size)
        return WB_FAIL(err, WB_ERR_USAGE, "path too long: '%s'", final);
    return WB_OK;
}

void wb_safefile_free_name(const char *path, char *out, size_t size)
{
    size_t n = strlen(path), stem = n > 3 && strcmp(path + n - 3, ".h5") == 0 ? n - 3 : n;
    struct stat st;
    snprintf(out, size, "%s", path);
    for (int k = 2; k < 1000 && lstat(out, &st) == 0; k++)
        snprintf(out, size, "%.*s-%d.h5", (int)stem, path, k);
}

FILE *wb_safefile_create(const char *final, char *tmp, size_t size, struct wb_error *err)
{
    if (wb_safefile_temp_name(final, tmp, size, err) != WB_OK)
        return NULL;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        WB_FAIL(err, WB_ERR_RUNTIME, "cannot create a file beside '%s': %s", final,
                strerror(errno));
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        WB_FAIL(err, WB_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
    }
    return f;
}

bool wb_safefile_is_special(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

int wb_safefile_place(const char *tmp, const char *final, bool replace, struct wb_error *err)
{
    if (wb_safefile_is_special(final))
        return WB_FAIL(err, WB_ERR_RUNTIME,
                       "'%s' is not a regular file; not replaced (the output is in '%s')", final,
                       tmp);
    if (replace) {
        if (rename(tmp, final) == 0)
            return WB_OK;
        return WB_FAIL(err, WB_ERR_RUNTIME, "cannot rename '%s' to '%s': %s", tmp, final,
                       strerror(errno));
    }
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
        return WB_OK;
    /* File systems without RENAME_NOREPLACE (NFS, some parallel ones): link() is just as
     * atomic and fails when final exists. */
    if ((errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) && link(tmp, final) == 0) {
        unlink(tmp);
        return WB_OK;
    }
    if (errno == EEXIST)
        return WB_FAIL(err, WB_ERR_RUNTIME,
                       "'%s' appeared during the run (another run with the same name?); not "
                       "replaced: these results are in '%s'", final, tmp);
    return WB_FAIL(err, WB_ERR_RUNTIME, "cannot rename '%s' to '%s': %s", tmp, final,
                   strerror(errno));
}
