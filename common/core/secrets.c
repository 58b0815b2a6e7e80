/* secrets.c - the user-info of a URL runs from "://" to the last '@' before the path (a
 * password may hold '@' and ':'); the user is what comes before its first ':'. */
#include "secrets.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int nw_secret_name(const char *name)
{
    static const char *const parts[] = {"password",   "passwd",  "secret",  "token",
                                        "jaas",       "key.pem", "ssl.key", "oauthbearer.config",
                                        "credential", NULL};
    for (size_t i = 0; parts[i]; i++) {
        if (strcasestr(name, parts[i])) {
            return 1;
        }
    }
    return 0;
}

const char *nw_mask_url(char *dst, size_t cap, const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *info = scheme ? scheme + 3 : NULL;
    const char *path = info ? info + strcspn(info, "/?#") : NULL;
    const char *at = NULL;
    for (const char *p = info; p && p < path; p++) {
        at = *p == '@' ? p : at;
    }
    if (!at) {
        /* a password-looking '@' after the path start: still cut at the last '@' */
        at = info ? strrchr(info, '@') : NULL;
    }
    if (!at) {
        snprintf(dst, cap, "%s", url);
        return dst;
    }
    const char *colon = memchr(info, ':', (size_t)(at - info));
    if (colon) {
        snprintf(dst, cap, "%.*s:***%s", (int)(colon - url), url, at);
    } else {
        snprintf(dst, cap, "%.*s***%s", (int)(info - url), url, at);
    }
    return dst;
}
