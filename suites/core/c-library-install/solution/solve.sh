#!/bin/bash
# Reference solution: the Makefile has no install target; add one that honours PREFIX.
# tack-step: go to the project and build it
# tack-artifact: /app/dist/lib/libkv.a
# tack-artifact: /app/dist/include/kv.h
# tack-artifact: /app/dist/bin/kvdemo
# tack-env
cd /app/libkv
make
# tack-step: add an install target
# tack-pitfall: make install PREFIX=/app/dist
printf '\nPREFIX ?= /app/dist\n\ninstall: all\n\tinstall -d $(PREFIX)/include $(PREFIX)/lib $(PREFIX)/bin\n\tinstall -m 644 kv.h $(PREFIX)/include/kv.h\n\tinstall -m 644 libkv.a $(PREFIX)/lib/libkv.a\n\tinstall -m 755 kvdemo $(PREFIX)/bin/kvdemo\n\n.PHONY: install\n' >> Makefile
# tack-step: install
make install
# tack-check: ls /app/dist/include/kv.h /app/dist/lib/libkv.a && /app/dist/bin/kvdemo a 1 | grep -qx '1 keys' && rm -rf /tmp/pi && make -s -C /app/libkv install PREFIX=/tmp/pi && test -f /tmp/pi/lib/libkv.a
find /app/dist -type f
