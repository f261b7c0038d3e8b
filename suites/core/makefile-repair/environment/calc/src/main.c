#include <stdio.h>
#include "ops.h"
#include "parse.h"

int main(int argc, char **argv)
{
    long a, b;
    int ok;
    if (argc != 4 || !parse_long(argv[1], &a) || !parse_long(argv[3], &b) || argv[2][1] != '\0') {
        fprintf(stderr, "usage: calc A OP B   (OP is one of + - x /)\n");
        return 2;
    }
    long r = apply_op(a, argv[2][0], b, &ok);
    if (!ok) {
        fprintf(stderr, "calc: invalid operation\n");
        return 1;
    }
    printf("%ld\n", r);
    return 0;
}
