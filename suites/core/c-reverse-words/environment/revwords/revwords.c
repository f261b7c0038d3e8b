/* revwords: prints each input line with its words in reverse order. */
#include <stdio.h>
#include <string.h>

#define MAX_LINE 64
#define MAX_WORDS 16

static void reverse_line(char *line)
{
    char *words[MAX_WORDS];
    int n = 0;
    for (char *w = strtok(line, " \t\n"); w; w = strtok(NULL, " \t\n"))
        words[n++] = w;
    for (int i = n - 1; i > 0; i--)
        printf("%s%s", words[i], i > 1 ? " " : "");
    printf("\n");
}

int main(void)
{
    char line[MAX_LINE];
    while (fgets(line, sizeof line, stdin))
        reverse_line(line);
    return 0;
}
