#!/bin/bash
# Reference solution: tokenise with tr, count with uniq, and sort ties by word explicitly.
# tack-step: look at the inputs
# tack-artifact: /app/top_words.txt
ls /app/corpus
head -n 3 /app/corpus/part1.txt /app/stopwords.txt
# tack-draft-begin
# cat /app/corpus/*.txt | tr 'A-Z' 'a-z' | tr -cs 'a-z' '\n' | grep -vxFf /app/stopwords.txt | grep . | sort | uniq -c | sort -rn | head -n 10 | awk '{ print $1, $2 }' > /app/top_words.txt
# tack-draft-end
# tack-step: count, order by count then word, keep the top 10
cat /app/corpus/*.txt | tr 'A-Z' 'a-z' | tr -cs 'a-z' '\n' | grep -vxFf /app/stopwords.txt | grep . | sort | uniq -c | awk '{ print $1, $2 }' | sort -k1,1nr -k2,2 | head -n 10 > /app/top_words.txt
# tack-check: test "$(wc -l < /app/top_words.txt)" -eq 10 && sort -c -k1,1nr -k2,2 /app/top_words.txt
cat /app/top_words.txt
