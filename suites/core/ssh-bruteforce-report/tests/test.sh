#!/bin/bash
# Verifier (pytest): the exact set of sources with their counts, times and compromise flags.
mkdir -p /logs/verifier
cd /tests
if python3 -m pytest -q -p no:cacheprovider -rA /tests/test_outputs.py; then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
