/* wavebench signals: a flag set by the stop signals, read at safe points. */
#define _POSIX_C_SOURCE 200809L
#include "wavebench/signals.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_signal;

static const int stop_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2};

static void on_signal(int sig)
{
    if (!stop_signal)
        stop_signal = sig;
}

void wb_signal_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        sigaction(stop_signals[i], &sa, NULL);
}

int wb_signal_stop_requested(void)
{
    return stop_signal;
}

const char *wb_signal_name(int sig)
{
    switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    default: return "a signal";
    }
}
