#!/bin/bash
# Reference solution: add the missing semicolon, then build with the given command.
# tack-step: fix the syntax error
# tack-artifact: /app/greet
sed -i 's/printf("Hello, %s!\\n", name)$/printf("Hello, %s!\\n", name);/' /app/greet.c
# tack-step: build and try it
gcc -Wall -Werror -o /app/greet /app/greet.c
# tack-check: test "$(/app/greet A B)" = "$(printf 'Hello, A!\nHello, B!')"
/app/greet
