#!/bin/bash
# Builds dist/app-$RELEASE.txt from src/app.txt.in. Run it from the project directory.
if [ -z "$RELEASE" ]; then
  echo "build.sh: RELEASE is not set: export RELEASE=<version> first" >&2
  exit 1
fi
if [ ! -f src/app.txt.in ]; then
  echo "build.sh: run me from the project directory" >&2
  exit 1
fi
mkdir -p dist
sed "s/@RELEASE@/$RELEASE/g" src/app.txt.in > "dist/app-$RELEASE.txt"
echo "built dist/app-$RELEASE.txt"
