/* stats: reads one number per line on stdin, prints count, mean and sample standard deviation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    char line[256];
    double sum = 0, sumsq = 0;
    long n = 0;

    while (fgets(line, sizeof line, stdin)) {
        double x = atof(line);
        sum += x;
        sumsq += x * x;
        n++;
    }
    if (n < 2) {
        fprintf(stderr, "stats: need at least two numbers\n");
        return 1;
    }
    double mean = sum / n;
    double var = (sumsq - n * mean * mean) / (n - 1);
    printf("count %ld\nmean %.3f\nstddev %.3f\n", n, mean, sqrt(var));
    return 0;
}
