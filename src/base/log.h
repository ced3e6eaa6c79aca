/* log.h — leveled logging to stderr, one write(2) per line so lines from
 * different threads never interleave. Never log PII or tokens: callers pass
 * identifiers and figures only. */
#ifndef TL_BASE_LOG_H
#define TL_BASE_LOG_H

enum tl_log_level { TL_LOG_DEBUG, TL_LOG_INFO, TL_LOG_WARN, TL_LOG_ERROR, TL_LOG_OFF };

/* Sets the lowest level printed (default TL_LOG_INFO). Not thread-safe:
 * call once at start-up. */
void tl_log_set_level(enum tl_log_level level);

/* Parses "debug", "info", "warn", "error" or "off"; returns -1 otherwise. */
int tl_log_parse_level(const char *name);

void tl_log(enum tl_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define tl_log_debug(...) tl_log(TL_LOG_DEBUG, __VA_ARGS__)
#define tl_log_info(...) tl_log(TL_LOG_INFO, __VA_ARGS__)
#define tl_log_warn(...) tl_log(TL_LOG_WARN, __VA_ARGS__)
#define tl_log_error(...) tl_log(TL_LOG_ERROR, __VA_ARGS__)

#endif
