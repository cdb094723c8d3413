/* wavebench cache: the last-level cache from sysfs. */
#define _DEFAULT_SOURCE /* _SC_LEVEL3_CACHE_SIZE, DT_DIR */
#include "wavebench/cache.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* First line of root/rel into buf (newline removed); 0, or -1 when unreadable. */
static int read_line(const char *root, const char *rel, char *buf, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    return ok ? 0 : -1;
}

/* sysfs sizes read "32768K" or "32M". */
static int64_t parse_size(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || v <= 0)
        return 0;
    return *end == 'K' ? v << 10 : *end == 'M' ? v << 20 : *end == 'G' ? v << 30 : v;
}

enum { MAX_INDEX = 16, MAX_INSTANCES = 256 };

int64_t wb_cache_llc(struct wb_cache_llc *c, const char *root)
{
    char buf[256], rel[128];
    int best = -1;
    *c = (struct wb_cache_llc){.line = 64, .instances = 1};
    for (int k = 0; k < MAX_INDEX; k++) {
        snprintf(rel, sizeof rel, "cpu0/cache/index%d/level", k);
        if (read_line(root, rel, buf, sizeof buf) != 0)
            continue;
        int level = atoi(buf);
        snprintf(rel, sizeof rel, "cpu0/cache/index%d/type", k);
        if (level <= c->level || read_line(root, rel, buf, sizeof buf) != 0 ||
            strcmp(buf, "Instruction") == 0)
            continue;
        snprintf(rel, sizeof rel, "cpu0/cache/index%d/size", k);
        if (read_line(root, rel, buf, sizeof buf) != 0 || parse_size(buf) == 0)
            continue;
        c->level = level;
        c->bytes = parse_size(buf);
        best = k;
    }
    if (best < 0) {
        long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
        c->level = l3 > 0 ? 3 : 0;
        c->bytes = l3 > 0 ? l3 : 0;
        return c->bytes;
    }
    snprintf(rel, sizeof rel, "cpu0/cache/index%d/coherency_line_size", best);
    if (read_line(root, rel, buf, sizeof buf) == 0 && atoi(buf) > 0)
        c->line = atoi(buf);
    /* Instances: the distinct CPU lists that share the cache of this index. */
    DIR *d = opendir(root);
    char (*seen)[256] = d ? calloc(MAX_INSTANCES, sizeof *seen) : NULL;
    if (seen) {
        int n = 0;
        struct dirent *de;
        while ((de = readdir(d)) && n < MAX_INSTANCES) {
            if (strncmp(de->d_name, "cpu", 3) != 0 || de->d_name[3] < '0' || de->d_name[3] > '9')
                continue;
            snprintf(rel, sizeof rel, "%.32s/cache/index%d/shared_cpu_list", de->d_name, best);
            if (read_line(root, rel, buf, sizeof buf) != 0)
                continue;
            int dup = 0;
            for (int j = 0; j < n && !dup; j++)
                dup = strcmp(seen[j], buf) == 0;
            if (!dup)
                snprintf(seen[n++], sizeof seen[0], "%s", buf);
        }
        c->instances = n > 0 ? n : 1;
    }
    free(seen);
    if (d)
        closedir(d);
    return c->bytes * c->instances;
}
