#!/bin/bash
# Reference solution: the build needs the project directory as cwd and RELEASE exported.
# tack-step: enter the project and set the release for the following commands
# tack-artifact: /app/proj/dist/app-2.3.1.txt
# tack-env
cd /app/proj
export RELEASE=2.3.1
# tack-step: build
./build.sh
# tack-check: grep -qx 'app release 2.3.1' /app/proj/dist/app-2.3.1.txt
ls dist
