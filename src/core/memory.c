/* wavebench memory: 2 MiB-aligned allocation with MADV_HUGEPAGE; MemAvailable and the
 * limits of the cgroups a process is in. */
#define _DEFAULT_SOURCE /* madvise, strtok_r */
#include "wavebench/memory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

size_t wb_memory_size(size_t bytes)
{
    if (bytes >= (WB_MEMORY_HUGE_PAGE >> 1))
        return (bytes + WB_MEMORY_HUGE_PAGE - 1) / WB_MEMORY_HUGE_PAGE * WB_MEMORY_HUGE_PAGE;
    return (bytes + 63) / 64 * 64 + 64;
}

void *wb_memory_alloc(size_t bytes, int *huge)
{
    size_t size = wb_memory_size(bytes);
    void *p = NULL;
    if (huge)
        *huge = 0;
    if (posix_memalign(&p, size >= WB_MEMORY_HUGE_PAGE ? WB_MEMORY_HUGE_PAGE : 64, size) != 0)
        return NULL;
    if (size >= WB_MEMORY_HUGE_PAGE) {
        int ok = madvise(p, size, MADV_HUGEPAGE) == 0;
        if (huge)
            *huge = ok;
    }
    return p;
}

static int64_t read_number(const char *path)
{
    FILE *f = fopen(path, "r");
    long long v = -1;
    if (f) {
        if (fscanf(f, "%lld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

/* The least room (limit less usage) on the path from dir up to top, both included; -1 when
 * no level sets a limit. Levels without the files (outside a cgroup namespace's view, or
 * the v2 root, which has no memory.max) set none. */
static int64_t path_room(char *dir, size_t top, const char *limit_file, const char *usage_file)
{
    int64_t room = -1;
    for (;;) {
        char path[2 * WB_MEMORY_PATH + 32];
        snprintf(path, sizeof path, "%s/%s", dir, limit_file);
        int64_t limit = read_number(path); /* v2's "max" reads as -1 */
        snprintf(path, sizeof path, "%s/%s", dir, usage_file);
        int64_t used = read_number(path);
        if (limit > 0 && limit < ((int64_t)1 << 60)) { /* v1 writes "none" as ~2^63 */
            int64_t r = used > 0 ? (limit > used ? limit - used : 0) : limit;
            if (room < 0 || r < room)
                room = r;
        }
        char *slash = strrchr(dir + top, '/');
        if (!slash)
            return room;
        *slash = '\0';
    }
}

int64_t wb_memory_cgroup_room(const char *self_cgroup, const char *root)
{
    FILE *f = fopen(self_cgroup, "r");
    if (!f)
        return -1;
    int64_t room = -1;
    char line[WB_MEMORY_PATH];
    /* "ID:CONTROLLERS:PATH": v2 is "0::PATH" (mounted at root, or root/unified beside v1),
     * v1's memory controller names "memory" among its controllers (mounted at root/memory). */
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *controllers = strchr(line, ':'), *cg = controllers ? strchr(controllers + 1, ':') : NULL;
        if (!cg)
            continue;
        *cg++ = '\0';
        controllers++;
        const char *mounts[2] = {NULL, NULL}, *limit_file, *usage_file;
        if (!*controllers) {
            mounts[0] = "";
            mounts[1] = "/unified";
            limit_file = "memory.max";
            usage_file = "memory.current";
        } else {
            char *save, *c = strtok_r(controllers, ",", &save);
            while (c && strcmp(c, "memory") != 0)
                c = strtok_r(NULL, ",", &save);
            if (!c)
                continue;
            mounts[0] = "/memory";
            limit_file = "memory.limit_in_bytes";
            usage_file = "memory.usage_in_bytes";
        }
        for (int m = 0; m < 2 && mounts[m]; m++) {
            char dir[2 * WB_MEMORY_PATH];
            int top = snprintf(dir, sizeof dir, "%s%s", root, mounts[m]);
            if (top < 0 || (size_t)top >= sizeof dir ||
                snprintf(dir + top, sizeof dir - (size_t)top, "%s", strcmp(cg, "/") ? cg : "") < 0)
                continue;
            int64_t r = path_room(dir, (size_t)top, limit_file, usage_file);
            if (r >= 0 && (room < 0 || r < room))
                room = r;
        }
    }
    fclose(f);
    return room;
}

int64_t wb_memory_available(void)
{
    int64_t avail = -1;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        long long kib;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1)
                avail = (int64_t)kib * 1024;
        fclose(f);
    }
    int64_t room = wb_memory_cgroup_room("/proc/self/cgroup", "/sys/fs/cgroup");
    if (room >= 0 && (avail < 0 || room < avail))
        avail = room;
    return avail;
}
