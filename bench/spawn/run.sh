#!/usr/bin/env bash
# Process spawn-and-wait round trips: yieldscript (process.spawn + wait, and
# process.run) beside Python's asyncio (create_subprocess_exec + wait, and
# + communicate), N children one after another, runs interleaved; prints the
# wall and user+sys CPU time per child of each run.
#
#   bench/spawn/run.sh                 # N=1000, 3 runs
#   N=200 RUNS=1 bench/spawn/run.sh    # a quick check
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/yieldscript" ./cmd/yieldscript)
n=${N:-1000}
for run in $(seq "${RUNS:-3}"); do
  for c in yieldscript-wait py-asyncio-wait yieldscript-run py-asyncio-run; do
    case $c in
      yieldscript-wait) cmd=("$work/yieldscript" "$here/spawn.ys" "$n") ;;
      yieldscript-run) cmd=("$work/yieldscript" "$here/spawn.ys" "$n" run) ;;
      py-asyncio-wait) cmd=(python3 "$here/spawn_asyncio.py" "$n") ;;
      py-asyncio-run) cmd=(python3 "$here/spawn_asyncio.py" "$n" run) ;;
    esac
    # /usr/bin/time would add a process of its own; python measures the child.
    python3 - "$c" "$n" "${cmd[@]}" <<'PY'
import resource, subprocess, sys, time
name, n, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
t0 = time.perf_counter()
out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout.strip()
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
print(f"{name}: {n} children in {wall:.2f} s wall, {wall / n * 1e6:.0f} µs wall and {cpu / n * 1e6:.0f} µs CPU per child (the children's own included) [{out}]")
PY
  done
done
