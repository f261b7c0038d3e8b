#!/bin/bash
# Verifier (pytest): runs retry against a command that fails a set number of times.
mkdir -p /logs/verifier
cd /tests
if python3 -m pytest -q -p no:cacheprovider -rA /tests/test_outputs.py; then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
