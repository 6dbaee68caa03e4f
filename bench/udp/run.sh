#!/usr/bin/env bash
# UDP round trip: server CPU per datagram, yieldscript beside a raw Go epoll
# loop (and asyncio's DatagramProtocol), one run, servers interleaved.
#
#   bench/udp/run.sh                        # 1 and 16 clients, 64 B, 3 s each, 3 runs
#   RUNS=1 DURATION=1s bench/udp/run.sh     # a quick check
#
# Server pinned to CPU 1 and the driver to CPU 0 when taskset exists.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/yieldscript" ./cmd/yieldscript &&
  go build -o "$work/epollecho" ./bench/udp/epollecho && go build -o "$work/driver" ./bench/udp/driver)
pin_server=() pin_driver=()
if command -v taskset >/dev/null; then pin_server=(taskset -c 1) pin_driver=(taskset -c 0); fi
for run in $(seq "${RUNS:-3}"); do
  for clients in ${CLIENTS:-1 16}; do
    for server in go-epoll-1thread yieldscript py-asyncio; do
      case $server in
        go-epoll-1thread) cmd=(env GOMAXPROCS=1 "$work/epollecho" '{port}') ;;
        yieldscript) cmd=("$work/yieldscript" "$here/echo.ys" '{port}') ;;
        py-asyncio) cmd=(python3 "$here/echo_asyncio.py" '{port}') ;;
      esac
      "${pin_driver[@]}" "$work/driver" -name "$server" -clients "$clients" -size "${SIZE:-64}" \
        -duration "${DURATION:-3s}" -warmup "${WARMUP:-1s}" -- "${pin_server[@]}" "${cmd[@]}"
    done
  done
done
