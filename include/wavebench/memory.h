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

/* Bytes this process may still allocate: MemAvailable, lowered by a cgroup limit (v2 or
 * v1) when one is set. -1 when unknown. */
int64_t wb_memory_available(void);

#endif
