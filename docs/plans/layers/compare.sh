#!/usr/bin/env bash
# compare.sh BEFORE AFTER: byte-identical outputs of golden.sh, except the
# wall-clock numbers (stderr summary lines, explain's stats.seconds*).
set -u
A=$1; B=$2; bad=0
diff -r -q -x '*.err' -x 'k.explain.out' "$A" "$B" || bad=1
norm() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.get("stats",{}).pop("seconds",None); d.get("stats",{}).pop("seconds_analysis",None); print(json.dumps(d,indent=1,sort_keys=True))' "$1"; }
[ -f "$A/k.explain.out" ] && { diff <(norm "$A/k.explain.out") <(norm "$B/k.explain.out") >/dev/null || { echo "k.explain.out differs"; bad=1; }; }
for f in "$A"/*.err; do
  g="$B/${f#$A/}"
  diff <(sed -E 's/[0-9]+(\.[0-9]+)?s$//' "$f") <(sed -E 's/[0-9]+(\.[0-9]+)?s$//' "$g") >/dev/null || { echo "stderr differs: ${f#$A/}"; bad=1; }
done
[ $bad = 0 ] && echo "IDENTICAL: $(ls "$A" | wc -l) files"
exit $bad
