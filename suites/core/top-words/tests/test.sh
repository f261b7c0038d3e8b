#!/bin/bash
# Verifier (pytest): format, ordering and exact content of /app/top_words.txt.
mkdir -p /logs/verifier
cd /tests
if python3 -m pytest -q -p no:cacheprovider -rA /tests/test_outputs.py; then echo 1 > /logs/verifier/reward.txt; else echo 0 > /logs/verifier/reward.txt; fi
