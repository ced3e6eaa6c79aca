/* month.h — calendar months as one integer, and dates.
 *
 * A month index is year*12 + (month-1): consecutive months differ by one,
 * so series arithmetic needs no calendar. */
#ifndef TL_BASE_MONTH_H
#define TL_BASE_MONTH_H

#include <stdbool.h>
#include <stddef.h>

/* "Jan 2024", "January 2024", "2024-01", "2024/01" → index. */
bool tl_month_parse(const char *s, int *index);

/* Writes "Jan 2024" (the prototype's format) into out (>= 9 bytes). */
void tl_month_format_label(int index, char *out, size_t size);

/* Writes "2024-01" into out (>= 8 bytes). */
void tl_month_format_iso(int index, char *out, size_t size);

/* Parses a calendar date "YYYY-MM-DD" (optionally followed by 'T' or ' ' and
 * a time, which is ignored); checks the day exists. Writes the month index
 * and day of month. */
bool tl_date_parse(const char *s, int *month_index, int *day);

#endif
