/* progress.c — the terminal progress bar. */
#include "base/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double tl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tl_progress_start(tl_progress *p, const char *label, uint64_t total, bool want)
{
    p->label = label;
    p->total = total;
    p->enabled = want && isatty(STDERR_FILENO);
    p->start = tl_now();
    p->last_draw = 0;
}

static void draw(tl_progress *p, uint64_t done, double now)
{
    double elapsed = now - p->start, rate = elapsed > 0 ? (double)done / elapsed : 0;
    char bar[32];
    int width = 24, fill = p->total ? (int)((double)width * (double)done / (double)p->total) : 0;
    if (fill > width)
        fill = width;
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    if (p->total) {
        double eta = rate > 0 ? (double)(p->total - (done < p->total ? done : p->total)) / rate : 0;
        fprintf(stderr, "\r%-10s [%s] %3d%%  %llu/%llu  %.0f/s  ETA %.0fs   ", p->label, bar,
                (int)(100.0 * (double)done / (double)p->total), (unsigned long long)done,
                (unsigned long long)p->total, rate, eta);
    } else {
        fprintf(stderr, "\r%-10s %llu  %.0f/s   ", p->label, (unsigned long long)done, rate);
    }
    fflush(stderr);
}

void tl_progress_update(tl_progress *p, uint64_t done)
{
    if (!p->enabled)
        return;
    double now = tl_now();
    if (now - p->last_draw < 0.1)
        return;
    p->last_draw = now;
    draw(p, done, now);
}

void tl_progress_end(tl_progress *p, uint64_t done)
{
    if (!p->enabled)
        return;
    draw(p, done, tl_now());
    fputc('\n', stderr);
}
