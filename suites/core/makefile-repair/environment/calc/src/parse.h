#ifndef PARSE_H
#define PARSE_H
int parse_long(const char *s, long *out);
#endif
