#include <stdio.h>
#include "kv.h"

int main(int argc, char **argv)
{
    kv *s = kv_new();
    for (int i = 1; i + 1 < argc; i += 2)
        kv_put(s, argv[i], argv[i + 1]);
    printf("%d keys\n", kv_size(s));
    kv_free(s);
    return 0;
}
