/* wavebench memory: large arrays on huge pages, and how much memory a process may still
 * take. */
#ifndef WB_MEMORY_H
#define WB_MEMORY_H

#include <stddef.h>
#include <stdint.h>

/* Allocations of at least this size are aligned to it and asked for huge pages. */
#define WB_MEMORY_HUGE_PAGE ((size_t)2 << 20)

/* Allocates bytes aligned to 2 MiB (64 B below 1 MiB) and asks for transparent huge pages
 * (madvise MADV_HUGEPAGE); *huge (if not NULL) says whether madvise accepted. NULL on
 * failure. Free with free(). */
void *wb_memory_alloc(size_t bytes, int *huge);

/* The bytes wb_memory_alloc(bytes) takes, rounding included. */
size_t wb_memory_size(size_t bytes);

/* Bytes this process may still allocate: MemAvailable, lowered by the cgroup room
 * (wb_memory_cgroup_room of /proc/self/cgroup and /sys/fs/cgroup). -1 when unknown. */
int64_t wb_memory_available(void);

/* Longest path of a cgroup file this module reads. */
#define WB_MEMORY_PATH 4096

/* The bytes the process's cgroups still allow: the least limit less usage on the path from
 * its own cgroup (as self_cgroup, a /proc/PID/cgroup, lists it) up to the root, where a
 * batch system such as Slurm puts a job's limit, in cgroup v2 (memory.max, mounted at root
 * or at root/unified) and v1 (memory.limit_in_bytes in root/memory). -1 when none is set.
 * The paths are parameters so that tests can point them at a made-up tree. */
int64_t wb_memory_cgroup_room(const char *self_cgroup, const char *root);

#endif
