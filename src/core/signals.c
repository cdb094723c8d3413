/* wavebench signals: a flag set by SIGTERM/SIGINT, read at safe points. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/signals.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

void wb_signal_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

int wb_signal_stop_requested(void)
{
    return stop_requested;
}
