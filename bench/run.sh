#!/usr/bin/env bash
# Times yieldscript beside every installed anchor on the CPU programs, in one run
# of the shared harness (../shared/bench/anchors), and prints the table.
#
#   bench/run.sh                 # 5 timed runs per cell, every available contender
#   bench/run.sh --runs 7        # extra flags go to bench_vm.py
#   INSTALL=1 bench/run.sh       # first apt-get the anchors that are missing (lua5.4, luajit, time)
#   PROGRAMS=fib,loop bench/run.sh
#
# The table is written to bench/results/latest.md; copy the parts worth keeping
# into bench/RESULTS.md with the date.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
anchors=${ANCHORS:-$root/../shared/bench/anchors}
[ -d "$anchors" ] || { echo "no anchors at $anchors (set ANCHORS=...)" >&2; exit 2; }

if [ "${INSTALL:-0}" = 1 ]; then
  apt-get update -qq && apt-get install -y -qq lua5.4 luajit time >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The shared folder is read-only: work on a copy, with our programs beside theirs.
cp -r "$anchors" "$work/anchors"
chmod -R u+w "$work/anchors"
cp "$here"/programs/*.ys "$work/anchors/programs/"
(cd "$root" && go build -o "$work/yieldscript" ./cmd/yieldscript)
(cd "$work/anchors" && ./build.sh >/dev/null)

# Contenders whose command exists here.
have=()
while IFS='|' read -r name _ cmd _; do
  name=$(echo "$name" | xargs); cmd=$(echo "$cmd" | xargs)
  case "$name" in ''|'#'*) continue ;; esac
  first=${cmd%% *}
  case "$name" in
    yieldscript) have+=("$name") ;;
    python3) command -v python3 >/dev/null && have+=("$name") ;;
    *) if [[ "$first" == bin/* ]]; then [ -x "$work/anchors/$first" ] && have+=("$name")
       elif command -v "$first" >/dev/null; then have+=("$name"); fi ;;
  esac
done < <(grep -v '^\s*#' "$work/anchors/contenders_vm.txt")
list=$(IFS=,; echo "${have[*]}")
echo "contenders: $list" >&2

export YIELDSCRIPT="$work/yieldscript"
progs=${PROGRAMS:-fib,loop,list,strjoin,map,closure}
(cd "$work/anchors" && python3 bench_vm.py --programs "$progs" --contenders "$list" --out yieldscript "$@")
mkdir -p "$here/results"
cp "$work/anchors/results/yieldscript.md" "$here/results/latest.md"
cat "$here/results/latest.md"
