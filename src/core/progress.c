/* wavebench progress: rank 0, terminal-aware, rate-limited. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Seconds between updates: a terminal line is cheap, a log line is not. */
#define TTY_PERIOD 0.2
#define LOG_PERIOD 5.0

void wb_progress_start(struct wb_progress *p, const struct wb_world *w,
                       const struct wb_config *cfg, const char *label)
{
    memset(p, 0, sizeof *p);
    /* Open MPI gives rank 0 a pseudo-terminal even when mpirun's output goes to a file,
     * so under a launcher only WAVEBENCH_PROGRESS=tty asks for the rewritten line. */
    const char *mode = getenv("WAVEBENCH_PROGRESS");
    int launched = getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("SLURM_STEP_ID");
    p->enabled = w->rank == 0 && !cfg->quiet && !(mode && strcmp(mode, "off") == 0);
    if (mode && strcmp(mode, "tty") == 0)
        p->tty = true;
    else if (mode && strcmp(mode, "plain") == 0)
        p->tty = false;
    else
        p->tty = !launched && isatty(STDOUT_FILENO);
    p->start = p->last = MPI_Wtime();
    snprintf(p->label, sizeof p->label, "%s", label);
}

void wb_progress_update(struct wb_progress *p, double fraction, bool force, const char *detail)
{
    if (!p->enabled)
        return;
    double now = MPI_Wtime();
    if (!force && now - p->last < (p->tty ? TTY_PERIOD : LOG_PERIOD))
        return;
    p->last = now;
    double elapsed = now - p->start;
    char eta[32] = "unknown"; /* nothing done yet says nothing about the rest */
    if (fraction > 0)
        snprintf(eta, sizeof eta, "%.1fs", elapsed * (1 - fraction) / fraction);
    printf("%s# %s: %5.1f%% %s elapsed %.1fs ETA %s%s", p->tty ? "\r" : "", p->label,
           100 * fraction, detail, elapsed, eta, p->tty ? "\033[K" : "\n");
    fflush(stdout);
}

void wb_progress_duration(double seconds, char *out, size_t size)
{
    if (seconds < 120)
        snprintf(out, size, "%.0f s", seconds);
    else if (seconds < 7200)
        snprintf(out, size, "%.1f min", seconds / 60);
    else if (seconds < 172800)
        snprintf(out, size, "%.1f h", seconds / 3600);
    else
        snprintf(out, size, "%.1f days", seconds / 86400);
}

void wb_progress_end(struct wb_progress *p)
{
    if (p->enabled && p->tty) {
        putchar('\n');
        fflush(stdout);
    }
}
