#!/bin/bash
# Reference solution: a recipe indented with spaces, parse.o missing from the link, no header
# dependencies, clean removing the wrong directory; rewrite the Makefile.
# tack-step: go to the project
# tack-artifact: /app/calc/build/calc
# tack-env
cd /app/calc
cat -A Makefile
# tack-step: fix the recipe indentation (make stops with "missing separator")
# tack-pitfall: make
sed -i 's/^        mkdir -p build$/\tmkdir -p build/' Makefile
# tack-step: link parse.o, declare header dependencies, clean build/
cat > Makefile <<'MK'
CC = gcc
CFLAGS = -O2 -Wall -Werror

build/calc: build/main.o build/ops.o build/parse.o
	$(CC) $(CFLAGS) -o $@ $^

build/%.o: src/%.c
	mkdir -p build
	$(CC) $(CFLAGS) -c -o $@ $<

build/main.o: src/ops.h src/parse.h
build/ops.o: src/ops.h
build/parse.o: src/parse.h

clean:
	rm -rf build

.PHONY: clean
MK
# tack-step: build from scratch
make clean
make
# tack-step: check that a second make does nothing
make
# tack-step: check a header change rebuilds the right objects
touch src/parse.h
make -n
make
# tack-step: try the program
build/calc 6 x 7
# tack-check: cd /app/calc && test "$(build/calc 20 / 3)" = 6 && test -z "$(make -n | grep gcc)" && touch src/ops.h && make -n | grep -q src/ops.c && ! make -n | grep -q src/parse.c && make -s
