#!/bin/bash
# Reference solution: getopts for -n/-d, validate, then a counted loop keeping the last status.
# tack-step: write the script
# tack-artifact: /app/bin/retry
mkdir -p /app/bin
cat > /app/bin/retry <<'SH'
#!/bin/bash
usage() { echo "retry: $1" >&2; echo "usage: retry [-n ATTEMPTS] [-d DELAY] -- COMMAND [ARG...]" >&2; exit 64; }
attempts=3 delay=0
while getopts ':n:d:' opt; do
  case $opt in
    n) attempts=$OPTARG ;;
    d) delay=$OPTARG ;;
    :) usage "option -$OPTARG needs a value" ;;
    *) usage "unknown option -$OPTARG" ;;
  esac
done
separator=$((OPTIND - 1))
[ "$separator" -ge 1 ] && [ "${!separator}" = "--" ] || usage "missing --"
shift "$separator"
[[ $attempts =~ ^[0-9]+$ ]] && [ "$attempts" -ge 1 ] || usage "ATTEMPTS must be a positive integer"
[[ $delay =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage "DELAY must be a non-negative number"
[ $# -ge 1 ] || usage "missing command"
status=0
for ((k = 1; k <= attempts; k++)); do
  "$@" && exit 0
  status=$?
  echo "retry: attempt $k/$attempts failed with status $status" >&2
  [ $k -lt $attempts ] && sleep "$delay"
done
exit $status
SH
chmod +x /app/bin/retry
# tack-step: try a failing and a succeeding command
/app/bin/retry -n 2 -d 0.1 -- sh -c 'exit 3'; echo "status $?"
/app/bin/retry -- echo 'one arg'
# tack-check: /app/bin/retry -n 2 -- sh -c 'exit 5' 2>/dev/null; test $? -eq 5 && /app/bin/retry -n 0 -- true 2>/dev/null; test $? -eq 64
