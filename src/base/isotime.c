/* isotime.c — reading dates and times into the store's form (isotime.h). */
#include "base/isotime.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Reads exactly n digits at *p into *v and advances *p. */
static bool digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        x = x * 10 + (c - '0');
    }
    *p += n;
    *v = x;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : days[m - 1];
}

bool tl_isotime_parse(const char *in, time_t *out)
{
    const char *p = in;
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d))
        return false;
    if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return false;
    long offset = 0;   /* seconds east of UTC */
    if (*p == 'T' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
            return false;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &s))
                return false;
            if (*p == '.') {
                p++;
                const char *f = p;
                while (*p >= '0' && *p <= '9')
                    p++;
                if (p == f || p - f > 9)
                    return false;
            }
        }
        if (h > 23 || mi > 59 || s > 59)
            return false;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (!digits(&p, 2, &oh))
                return false;
            if (*p == ':' && (p++, !digits(&p, 2, &om)))
                return false;
            if (*p >= '0' && *p <= '9' && !digits(&p, 2, &om))
                return false;
            if (oh > 14 || om > 59)
                return false;
            offset = sign * (oh * 3600L + om * 60L);
        }
    }
    if (*p)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = s};
    *out = timegm(&tm) - offset;
    return true;
}

bool tl_isotime_format(time_t t, char out[TL_ISOTIME_LEN + 1])
{
    out[0] = '\0';
    struct tm utc;
    if (!gmtime_r(&t, &utc) || utc.tm_year + 1900 < 1000 || utc.tm_year + 1900 > 9999)
        return false;
    if (strftime(out, TL_ISOTIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &utc) != TL_ISOTIME_LEN) {
        out[0] = '\0';
        return false;
    }
    return true;
}

bool tl_isotime_normalise(const char *in, char out[TL_ISOTIME_LEN + 1])
{
    time_t t;
    out[0] = '\0';
    return tl_isotime_parse(in, &t) && tl_isotime_format(t, out);
}
