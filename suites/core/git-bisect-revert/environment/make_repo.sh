set -e
t=1700000000
commit() { t=$((t + 3600)); GIT_AUTHOR_DATE="@$t +0000" GIT_COMMITTER_DATE="@$t +0000" git commit -q -m "$1"; }
git init -q -b main /app/repo
cd /app/repo
cat > stats.py <<'PY'
def mean(xs):
    return sum(xs) / len(xs)


def total(xs):
    s = 0
    for i in range(len(xs)):
        s += xs[i]
    return s


def spread(xs):
    return max(xs) - min(xs)
PY
cat > check.py <<'PY'
import stats
assert stats.mean([1, 2, 3, 6]) == 3
assert stats.total([4, 5, 6]) == 15
assert stats.spread([3, 9, 1]) == 8
print('ok')
PY
mkdir notes
printf '__pycache__/\n' > .gitignore
git add .; commit "stats: first version"
git tag v1.0
for i in $(seq 1 30); do
  case $i in 9|17) ;; *) echo "note $i" > "notes/n$i.txt" ;; esac
  if [ "$i" = 9 ]; then printf '\n\ndef median(xs):\n    ys = sorted(xs)\n    return ys[len(ys) // 2]\n' >> stats.py; fi
  if [ "$i" = 17 ]; then sed -i 's/^    for i in range(len(xs)):$/    for i in range(1, len(xs)):/' stats.py; fi
  git add .
  case $i in
    9) commit "stats: add median" ;;
    17) commit "refactor: simplify loop in total()" ;;
    *) commit "notes: add note $i" ;;
  esac
done
