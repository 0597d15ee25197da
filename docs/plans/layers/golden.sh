#!/usr/bin/env bash
# Byte-identical check for the issue-19 refactor. Usage:
#   golden.sh CHECKOUT OUTDIR [kernel]
# Runs the checkout's own venv errpath on the five builtin fixture stories
# (audit, text+json+sarif, contracts) and, with "kernel", a scan and an audit of
# fs/iomap on the recall bare repo. Always --no-cache -j 1: no cached pickles and
# no worker scheduling in the comparison. Compare two OUTDIRs with diff -r.
set -euo pipefail
CO=$(cd "$1" && pwd); OUT=$2; mkdir -p "$OUT"
PY="$CO/.venv/bin/python"; [ -x "$PY" ] || PY=python3
EP=("$PY" -c 'import sys; sys.argv[0]="errpath"; from errpath.cli import entry; entry()')
cd "$CO"
STORIES=docs/plans/layers/stories; mkdir -p "$STORIES"
build() {  # the story repos are built by the checkout under test (story.py moves too)
  "$PY" - "$1" "$2" <<'PY'
import sys, importlib
for m in ("errpath.cli.story", "errpath.story"):
    try:
        s = importlib.import_module(m); break
    except ImportError:
        continue
s.build_story(s.builtin_story_dir(sys.argv[1]), sys.argv[2])
PY
}
run() { local name=$1 rc=0; shift; "${EP[@]}" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?; echo $rc >"$OUT/$name.rc"; }
for spec in discard-loop:v1.0..v1.1 folio-err-ptr:v6.3..v6.4 nowait-remap-lost:v6.15..v6.16 \
            nowait-start-write:v1.0..v1.1 overflow-memcg:v1.0..v1.1 overflow-memcg:v1.0..v1.2; do
  s=${spec%%:*}; r=${spec#*:}; tag=$s.${r//./_}; repo=$(mktemp -d "$STORIES/$s.XXXX")
  build "$s" "$repo"
  # the story's shas are the same for both checkouts (fixed dates, fixed authors)
  git -C "$repo" rev-parse HEAD >"$OUT/$tag.head"
  for fmt in json text sarif; do
    run "$tag.audit.$fmt" audit "$r" --repo "$repo" --format "$fmt" --reproducible --no-cache -j 1 --min-confidence low
  done
  run "$tag.contracts" contracts "$r" --repo "$repo" --format json --no-cache -j 1
  run "$tag.scan" scan --repo "$repo" --rev "${r#*..}" --format json --reproducible --no-cache -j 1 --min-confidence low
done
run rules rules; run rule-help --help
"$PY" -c 'import errpath.cli, sys; print(sys.getrecursionlimit())' >"$OUT/recursionlimit.out"
if [ "${3:-}" = kernel ]; then
  K=/work/kernels/recall.git
  run k.scan scan fs/iomap/ mm/ --rev v6.12.117 --repo $K --format json --reproducible --no-cache -j 2 --min-confidence low
  run k.audit audit v6.12.113..v6.12.117 fs/iomap/ mm/ --repo $K --format json --reproducible --no-cache -j 2 --min-confidence low
  run k.contracts contracts v6.12.113..v6.12.117 fs/iomap/ --repo $K --format json --no-cache -j 2
  run k.explain explain iomap_write_begin EAGAIN fs/iomap/ --rev v6.12.117 --repo $K --format json --no-cache -j 2
fi
echo "written: $OUT"; ls "$OUT" | wc -l
