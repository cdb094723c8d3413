/* wavebench clones: kernels built for AVX-512, AVX2 and the build's own -march, the one
 * this CPU runs picked at load time (GCC's target_clones, an ifunc), as OpenBLAS does for
 * its GEMMs; and which of them that is. WB_CLONES before a function makes it cloned;
 * WB_CLONES_ON says whether clones are compiled in: GCC on x86-64 Linux, and not under
 * ThreadSanitizer, whose instrumented ifunc resolvers would run before its runtime is up. */
#ifndef WB_CLONES_H
#define WB_CLONES_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_THREAD__)
#define WB_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define WB_CLONES_ON 1
#else
#define WB_CLONES
#define WB_CLONES_ON 0
#endif

/* The clone this CPU runs: GCC's resolver asks the same CPU model, in the clones' order
 * of priority. */
static inline const char *wb_clones_variant(void)
{
#if WB_CLONES_ON
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return "x86-64-v4 (AVX-512 clone)";
    if (__builtin_cpu_supports("x86-64-v3"))
        return "x86-64-v3 (AVX2 clone)";
    return "default clone (the build's -march)";
#else
    return "single build (the build's -march; no clones)";
#endif
}

#endif
