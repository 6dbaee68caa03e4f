#!/usr/bin/env bash
# Measures yieldscript beside the anchors of the shared harness
# (../shared/bench/anchors) in one run, and prints the table.
#
#   bench/run.sh                       # CPU programs, 5 timed runs per cell, every available contender
#   bench/run.sh vm --runs 7           # extra flags go to the harness (bench_vm.py)
#   PROGRAMS=fib,loop bench/run.sh
#   PROGRAMS=coroutine,spawn,spawn_sched bench/run.sh
#   bench/run.sh echo --contenders go-epoll-1thread,node-net,yieldscript-echo --scenarios 100x64
#   bench/run.sh idle                  # memory per idle connection (bench_io.py)
#   bench/run.sh workers               # HTTP hello with --workers 1 and 2 beside Node cluster (workers_http.py)
#   bench/run.sh workers --runs 5 --workers 1,2,4
#   bench/run.sh idle-http --contenders yieldscript-http,node-http
#                                      # the same for HTTP keep-alive servers
#   INSTALL=1 bench/run.sh             # first apt-get the anchors that are missing
#
# The table is written to bench/results/latest.md; copy the parts worth keeping
# into bench/RESULTS.md with the date.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

mode=vm
case "${1:-}" in vm|echo|http|idle|idle-http|workers) mode=$1; shift ;; esac

if [ "$mode" = workers ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$root" && go build -o "$work/yieldscript" ./cmd/yieldscript)
  python3 "$here/workers_http.py" --yieldscript "$work/yieldscript" "$@"
  exit 0
fi

anchors=${ANCHORS:-$root/../shared/bench/anchors}
[ -d "$anchors" ] || { echo "no anchors at $anchors (set ANCHORS=...)" >&2; exit 2; }

if [ "${INSTALL:-0}" = 1 ]; then
  apt-get update -qq && apt-get install -y -qq lua5.4 luajit wrk time python3-uvloop >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The shared folder is read-only: work on a copy, with our programs beside theirs.
cp -r "$anchors" "$work/anchors"
chmod -R u+w "$work/anchors"
cp "$here"/programs/*.ys "$work/anchors/programs/"
export YIELDSCRIPT="$work/yieldscript"
(cd "$root" && go build -o "$work/yieldscript" ./cmd/yieldscript)
(cd "$work/anchors" && ./build.sh >/dev/null)

if [ "$mode" = idle-http ]; then
  # The idle benchmark on the HTTP servers: bench/idlehttp makes one GET / on
  # each connection where the anchors' loadgen makes one echo.
  (cd "$root" && go build -o "$work/idlehttp" ./bench/idlehttp)
  python3 "$here/idle_http.py" "$work/anchors" "$work/idlehttp" --out yieldscript "$@"
  mkdir -p "$here/results"
  cp "$work/anchors/results/yieldscript.md" "$here/results/latest.md"
  cat "$here/results/latest.md"
  exit 0
fi

if [ "$mode" != vm ]; then
  (cd "$work/anchors" && python3 bench_io.py "$mode" --out yieldscript "$@")
  mkdir -p "$here/results"
  cp "$work/anchors/results/yieldscript.md" "$here/results/latest.md" 2>/dev/null || cp "$work/anchors/results/io-$mode.md" "$here/results/latest.md"
  cat "$here/results/latest.md"
  exit 0
fi

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

progs=${PROGRAMS:-fib,loop,list,strjoin,map,closure,sort,regex}
(cd "$work/anchors" && python3 bench_vm.py --programs "$progs" --contenders "$list" --out yieldscript "$@")
mkdir -p "$here/results"
cp "$work/anchors/results/yieldscript.md" "$here/results/latest.md"
cat "$here/results/latest.md"
