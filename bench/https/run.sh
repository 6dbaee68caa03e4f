#!/usr/bin/env bash
# HTTPS hello world: yieldscript beside Node's https and Go's net/http over
# TLS (GOMAXPROCS=1), one ECDSA P-256 certificate made here with openssl.
# Keep-alive (wrk -t1 -c50) and a new connection per request (a full TLS
# handshake each: -H "Connection: close"); wrk pinned to CPU 0 and each
# server to CPU 1 when taskset exists; runs interleaved; prints req/s.
#
#   bench/https/run.sh                       # 3 runs, 5 s each
#   RUNS=1 DURATION=2s bench/https/run.sh    # a quick check
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/yieldscript" ./cmd/yieldscript && go build -o "$work/gotls" ./bench/https/gotls)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
pin_server=() pin_wrk=()
if command -v taskset >/dev/null; then pin_server=(taskset -c 1) pin_wrk=(taskset -c 0); fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    if curl -sk -o /dev/null "https://127.0.0.1:$1/"; then return 0; fi
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2; return 1
}
printf '| run | server | keep-alive req/s | new connection req/s |\n|---|---|---|---|\n'
for run in $(seq "${RUNS:-3}"); do
  for server in node-https go-nethttp-tls-gomaxprocs1 yieldscript-https; do
    port=$(free_port)
    case $server in
      node-https) cmd=(node "$here/hello_node.js") ;;
      go-nethttp-tls-gomaxprocs1) cmd=(env GOMAXPROCS=1 "$work/gotls") ;;
      yieldscript-https) cmd=("$work/yieldscript" "$here/hello.ys") ;;
    esac
    "${pin_server[@]}" "${cmd[@]}" "$port" "$work/cert.pem" "$work/key.pem" >/dev/null 2>&1 &
    pid=$!
    wait_port "$port"
    url="https://127.0.0.1:$port/"
    "${pin_wrk[@]}" wrk -t1 -c50 -d2s "$url" >/dev/null
    ka=$("${pin_wrk[@]}" wrk -t1 -c50 -d"${DURATION:-5s}" "$url" | awk '/Requests\/sec/ {print $2}')
    nc=$("${pin_wrk[@]}" wrk -t1 -c50 -d"${DURATION:-5s}" -H "Connection: close" "$url" | awk '/Requests\/sec/ {print $2}')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    printf '| %s | %s | %s | %s |\n' "$run" "$server" "$ka" "$nc"
  done
done
