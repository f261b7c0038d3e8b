#!/bin/bash
# Reference solution: the reverse loop stops before word 0, and both buffers are far too small.
# tack-step: go to the project and build it as is
# tack-artifact: /app/revwords/revwords
# tack-env
cd /app/revwords
make
# tack-step: reproduce the bugs
./revwords < sample.txt
python3 -c "print(' '.join(str(i) for i in range(100)))" | ./revwords | wc -w
# tack-step: print every word, including the first one
sed -i 's/for (int i = n - 1; i > 0; i--)/for (int i = n - 1; i >= 0; i--)/; s/i > 1 ? " " : ""/i > 0 ? " " : ""/' revwords.c
# tack-step: size the buffers for 4096-character lines
sed -i 's/^#define MAX_LINE 64$/#define MAX_LINE 4098/; s/^#define MAX_WORDS 16$/#define MAX_WORDS 2049/' revwords.c
# tack-step: rebuild and test
make
./revwords < sample.txt
# tack-check: cd /app/revwords && test "$(printf 'a  b\tc\n' | ./revwords)" = "c b a" && test "$(python3 -c "print(' '.join(map(str, range(1000))))" | ./revwords | wc -w)" = 1000
