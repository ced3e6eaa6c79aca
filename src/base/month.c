/* month.c — month indices and date parsing. */
#include "base/month.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const abbrev[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const full[12] = {"january", "february", "march",     "april",
                                     "may",     "june",     "july",      "august",
                                     "september", "october", "november", "december"};

static bool read_uint(const char **p, int digits_min, int digits_max, int *out)
{
    int v = 0, n = 0;
    while (isdigit((unsigned char)**p) && n < digits_max) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n < digits_min || isdigit((unsigned char)**p))
        return false;
    *out = v;
    return true;
}

static bool name_to_month(const char *word, size_t len, int *m)
{
    char low[16];
    if (len < 3 || len >= sizeof low)
        return false;
    for (size_t i = 0; i < len; i++)
        low[i] = (char)tolower((unsigned char)word[i]);
    low[len] = '\0';
    for (int i = 0; i < 12; i++) {
        if (strcmp(low, full[i]) == 0 || (len == 3 && strncmp(low, full[i], 3) == 0) ||
            (len == 4 && strcmp(low, "sept") == 0 && i == 8)) {
            *m = i + 1;
            return true;
        }
    }
    return false;
}

bool tl_month_parse(const char *s, int *index)
{
    if (!s)
        return false;
    while (*s == ' ')
        s++;
    int y, m;
    if (isdigit((unsigned char)*s)) {
        const char *p = s;
        if (!read_uint(&p, 4, 4, &y) || (*p != '-' && *p != '/'))
            return false;
        p++;
        if (!read_uint(&p, 1, 2, &m))
            return false;
        while (*p == ' ')
            p++;
        if (*p)
            return false;
    } else {
        const char *w = s;
        while (isalpha((unsigned char)*s))
            s++;
        if (!name_to_month(w, (size_t)(s - w), &m))
            return false;
        if (*s == '.')
            s++;
        if (*s != ' ' && *s != '-')
            return false;
        while (*s == ' ' || *s == '-')
            s++;
        if (!read_uint(&s, 4, 4, &y))
            return false;
        while (*s == ' ')
            s++;
        if (*s)
            return false;
    }
    if (m < 1 || m > 12 || y < 1900 || y > 2999)
        return false;
    *index = y * 12 + (m - 1);
    return true;
}

void tl_month_format_label(int index, char *out, size_t size)
{
    int year = index / 12;
    if (index < 0 || year > 9999 || size < 9) {
        snprintf(out, size, "%s %04d", abbrev[((index % 12) + 12) % 12], year);
        return;
    }
    /* Every monthly series is labelled: no snprintf for the common case. */
    memcpy(out, abbrev[index % 12], 3);
    out[3] = ' ';
    for (int i = 7; i >= 4; i--, year /= 10)
        out[i] = (char)('0' + year % 10);
    out[8] = '\0';
}

void tl_month_format_iso(int index, char *out, size_t size)
{
    snprintf(out, size, "%04d-%02d", index / 12, index % 12 + 1);
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

bool tl_date_parse(const char *s, int *month_index, int *day)
{
    if (!s)
        return false;
    const char *p = s;
    int y, m, d;
    if (!read_uint(&p, 4, 4, &y) || *p++ != '-' || !read_uint(&p, 2, 2, &m) || *p++ != '-' ||
        !read_uint(&p, 2, 2, &d))
        return false;
    if (*p && *p != 'T' && *p != ' ')
        return false;
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *month_index = y * 12 + (m - 1);
    if (day)
        *day = d;
    return true;
}
