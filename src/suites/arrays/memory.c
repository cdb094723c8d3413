/* wavebench memory: 2 MiB-aligned allocation with MADV_HUGEPAGE; MemAvailable and cgroup
 * limits. */
#define _DEFAULT_SOURCE /* madvise */
#include "wavebench/memory.h"

#include <stdio.h>
#include <stdlib.h>
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
    int64_t limit = read_number("/sys/fs/cgroup/memory.max"); /* "max" reads as -1 */
    int64_t used = read_number("/sys/fs/cgroup/memory.current");
    if (limit < 0) {
        limit = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
        used = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
    }
    if (limit > 0 && used >= 0 && limit < ((int64_t)1 << 60)) {
        int64_t room = limit > used ? limit - used : 0;
        if (avail < 0 || room < avail)
            avail = room;
    }
    return avail;
}
