/* wavebench cache: this machine's last-level cache as Linux's sysfs describes it, to tell
 * whether an array fits in it (a figure from cache is not a memory bandwidth). */
#ifndef WB_CACHE_H
#define WB_CACHE_H

#include <stdint.h>

#define WB_CACHE_SYSFS "/sys/devices/system/cpu"

struct wb_cache_llc {
    int level;          /* highest cache level cpu0 lists; 0 unknown */
    int64_t bytes;      /* one instance's size; 0 unknown */
    int instances;      /* distinct instances among the CPUs (shared_cpu_list) */
    int64_t line;       /* coherency line size, B (64 when unknown) */
};

/* Fills c from root (normally /sys/devices/system/cpu; a parameter so tests can point it
 * at a made-up tree): cpu0's highest-level data or unified cache, and how many distinct
 * instances of it the cpuN directories share; without sysfs, sysconf's level-3 size as
 * one instance. Returns the bytes of all instances together, 0 when unknown. */
int64_t wb_cache_llc(struct wb_cache_llc *c, const char *root);

#endif
