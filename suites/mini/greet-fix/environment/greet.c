#include <stdio.h>

static void greet(const char *name)
{
    printf("Hello, %s!\n", name)
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        greet("world");
        return 0;
    }
    for (int i = 1; i < argc; i++)
        greet(argv[i]);
    return 0;
}
