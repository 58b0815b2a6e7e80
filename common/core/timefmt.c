/* timefmt.c - formatting and parsing without locale or time zone state (gmtime_r only). */
#include "timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void nw_time_format_ms(int64_t ms, char *out, size_t n)
{
    time_t sec = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&sec, &tm);
    snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (no time zone state) */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) {
            return 0;
        }
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

/* "Z", "+02:00", "-0400", "GMT", "UTC", "EST", ... or nothing (UTC); minutes east of UTC */
static int zone(const char *p, int *east)
{
    static const struct {
        const char *name;
        int east;
    } names[] = {{"Z", 0},      {"UTC", 0},    {"GMT", 0},    {"UT", 0},
                 {"EST", -300}, {"EDT", -240}, {"CST", -360}, {"CDT", -300},
                 {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420},
                 {"CET", 60},   {"CEST", 120}, {"BST", 60},   {NULL, 0}};
    while (*p == ' ') {
        p++;
    }
    *east = 0;
    if (*p == '\0') {
        return 1;
    }
    if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, h, m = 0;
        if (!digits(&p, 2, &h)) {
            return 0;
        }
        if (*p == ':') {
            p++;
        }
        if (*p && !digits(&p, 2, &m)) {
            return 0;
        }
        *east = sign * (h * 60 + m);
        return *p == '\0' && h < 24 && m < 60;
    }
    for (size_t i = 0; names[i].name; i++) {
        if (strcmp(p, names[i].name) == 0) {
            *east = names[i].east;
            return 1;
        }
    }
    return 0;
}

static int month_of(const char *p)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int m = 0; m < 12; m++) {
        if (strncasecmp(p, months + 3 * m, 3) == 0) {
            return m + 1;
        }
    }
    return 0;
}

int nw_time_parse(const char *s, int64_t *ms)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, east = 0;
    while (*p == ' ') {
        p++;
    }
    int weekday = isalpha((unsigned char)*p);
    int day_first = isdigit((unsigned char)p[0]) &&
                    (p[1] == ' ' || (isdigit((unsigned char)p[1]) && p[2] == ' '));
    if (weekday || day_first) { /* RFC 2822: "Wed, 13 Sep 2006 16:19:00 -0400", weekday optional */
        while (weekday && *p && *p != ' ') {
            p++;
        }
        while (*p == ' ') {
            p++;
        }
        const char *q = p;
        if (!digits(&q, 2, &d) && !digits(&q, 1, &d)) {
            return -1;
        }
        p = q;
        if (*p++ != ' ' || !(mo = month_of(p)) || p[3] != ' ') {
            return -1;
        }
        p += 4;
        if (!digits(&p, 4, &y) || *p++ != ' ' || !digits(&p, 2, &h) || *p++ != ':' ||
            !digits(&p, 2, &mi)) {
            return -1;
        }
        if (*p == ':' && (p++, !digits(&p, 2, &sec))) {
            return -1;
        }
    } else { /* RFC 3339 / ISO 8601: "2006-09-13T20:19:00.5+02:00", "2006-09-13 20:19", "2006-09-13"
              */
        if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
            !digits(&p, 2, &d)) {
            return -1;
        }
        if (*p == 'T' || *p == 't' || *p == ' ') {
            p++;
            if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi)) {
                return -1;
            }
            if (*p == ':' && (p++, !digits(&p, 2, &sec))) {
                return -1;
            }
            if (*p == '.' || *p == ',') {
                p++;
                int scale = 100;
                while (isdigit((unsigned char)*p)) {
                    frac += (*p++ - '0') * scale;
                    scale /= 10;
                }
            }
        }
    }
    if (!zone(p, &east) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
        return -1;
    }
    int64_t days = days_from_civil(y, mo, d);
    *ms = ((days * 86400 + h * 3600 + mi * 60 + sec) - (int64_t)east * 60) * 1000 + frac;
    return 0;
}
