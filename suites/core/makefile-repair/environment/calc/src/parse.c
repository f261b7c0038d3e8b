#include <errno.h>
#include <stdlib.h>
#include "parse.h"

int parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(s, &end, 10);
    return errno == 0 && end != s && *end == '\0';
}
