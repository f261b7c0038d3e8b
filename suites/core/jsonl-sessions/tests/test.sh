#!/bin/bash
# Verifier (pytest): exact sessions CSV and summary.
mkdir -p /logs/verifier
cd /tests
if python3 -m pytest -q -p no:cacheprovider -rA /tests/test_outputs.py; then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
