#!/bin/bash
# Verifier (pytest): history shape, per-commit file sets, final tree, clean state.
mkdir -p /logs/verifier
cd /tests
if python3 -m pytest -q -p no:cacheprovider -rA /tests/test_outputs.py; then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
