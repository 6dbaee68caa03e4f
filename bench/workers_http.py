#!/usr/bin/env python3
"""HTTP hello world, keep-alive, with more than one core: `yieldscript
--workers N` beside Node's `cluster` with N workers.

    python3 bench/workers_http.py --yieldscript ./yieldscript
    python3 bench/workers_http.py --yieldscript ./yieldscript --runs 5 --workers 1,2,4

(bench/run.sh workers builds the binary and runs this.) For each round, and
each server in turn, a fresh server starts, an unmeasured wrk run warms it,
then `wrk -t1 -cC -dDs --latency` measures it. As in the shared harness,
wrk is pinned to CPU 0 and every server to the other CPUs (taskset -c 1-N;
on a machine of 2 CPUs, CPU 1: one core for every worker count), so that no
server takes CPU time from the load generator and every contender gets the
same cores; --server-cpus all leaves the servers unpinned. Server CPU is
read from /proc/PID/stat over the measured window and summed over every
thread of the server and every process it started (Node's cluster workers),
so "CPU µs per request" counts all of a server's work, and stays meaningful
when wrk and the server share the cores; the voluntary context switches of
the same threads ("sleeps per 1k requests") count how often the server went
to sleep and had to be woken, the cost that grows when fewer connections
per worker give each wake-up less work. Tables report medians over rounds.
"""
import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT_CPU = "0"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def stat_of(pid):
    """(ppid, utime + stime in seconds) of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK


def sleeps_of(pid):
    """Voluntary context switches (a thread going to sleep, to be woken
    later) summed over the threads of a process; 0 once it is gone."""
    n = 0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        n += int(line.split()[1])
        except OSError:
            pass
    return n


def tree_cpu(root, sleeps=False):
    """CPU seconds used so far by root and every process descended from it
    (a process's stat counts all of its threads); with sleeps, also the
    voluntary context switches of their threads so far."""
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            s = stat_of(int(name))
            if s is not None:
                stats[int(name)] = s
    children = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, switches, todo = 0.0, 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
            if sleeps:
                switches += sleeps_of(pid)
        todo += children.get(pid, [])
    return (total, switches) if sleeps else total


def listeners(port):
    """How many sockets listen on 127.0.0.1:port (or 0.0.0.0:port)."""
    want = {f"0100007F:{port:04X}", f"00000000:{port:04X}"}
    n = 0
    with open("/proc/net/tcp") as f:
        for line in f:
            parts = line.split()
            if len(parts) > 3 and parts[1] in want and parts[3] == "0A":
                n += 1
    return n


class Server:
    def __init__(self, argv, port, sockets):
        self.port, self.sockets = port, sockets
        self.log = tempfile.TemporaryFile()
        # A session of its own, so that stop() can reach the processes it
        # started (cluster workers) by its process group.
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                  stderr=self.log, start_new_session=True)

    def wait_ready(self, timeout=20.0):
        end = time.time() + timeout
        while time.time() < end:
            if self.p.poll() is not None:
                return False
            if listeners(self.port) >= self.sockets:
                time.sleep(0.2)
                return True
            time.sleep(0.05)
        return False

    def errors(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace").strip()[-300:]

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.p.pid, signal.SIGKILL)  # whatever it started and left
        except OSError:
            pass
        if self.p.poll() is None:
            self.p.wait()
        self.log.close()


def parse_wrk(out):
    r = {}
    m = re.search(r"(\d+) requests in ", out)
    if m:
        r["requests"] = int(m.group(1))
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        r["rps"] = float(m.group(1))
    m = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if m:
        r["p50_us"] = float(m.group(1)) * {"us": 1, "ms": 1e3, "s": 1e6}[m.group(2)]
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    r["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    r["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    return r


def once(c, port, args):
    s = Server([w.replace("{port}", str(port)) for w in c["argv"]], port, c["sockets"])
    try:
        if not s.wait_ready():
            return {"error": "server did not start: " + s.errors()}
        url = f"http://127.0.0.1:{port}/"
        wrk = ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{args.conns}"]
        if args.warmup > 0:
            subprocess.run(wrk + [f"-d{args.warmup}s", url], capture_output=True, timeout=args.warmup + 60)
        (cpu0, sw0), t0 = tree_cpu(s.p.pid, sleeps=True), time.perf_counter()
        try:
            out = subprocess.run(wrk + [f"-d{args.duration}s", "--latency", url], capture_output=True,
                                 text=True, timeout=args.duration + 60).stdout
        except subprocess.TimeoutExpired:
            return {"error": "wrk timed out"}
        (cpu1, sw1), t1 = tree_cpu(s.p.pid, sleeps=True), time.perf_counter()
        r = parse_wrk(out)
        if "rps" not in r:
            return {"error": "no Requests/sec in wrk output: " + out[-200:] + s.errors()}
        r["cpu_cores"] = (cpu1 - cpu0) / (t1 - t0)
        # Over the requests wrk counted: the window also holds wrk's start and
        # end, when the server idles.
        n = r.get("requests", r["rps"] * (t1 - t0))
        r["cpu_us_per_req"] = (cpu1 - cpu0) / n * 1e6
        r["sleeps_per_kreq"] = (sw1 - sw0) / n * 1e3
        return r
    finally:
        s.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--yieldscript", default=os.environ.get("YIELDSCRIPT"), help="the yieldscript binary")
    ap.add_argument("--node", default="node")
    ap.add_argument("--workers", default="1,2", help="worker counts, e.g. 1,2,4")
    ap.add_argument("--servers", default="yieldscript,node-cluster")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=int, default=5, help="seconds of measured wrk load")
    ap.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured wrk load first")
    ap.add_argument("--conns", type=int, default=100)
    ap.add_argument("--server-cpus", default="rest",
                    help="pin the servers to these CPUs (taskset -c LIST, e.g. 1-7); 'rest' (the default): "
                         "every CPU but wrk's; 'all': unpinned")
    ap.add_argument("--port", type=int, default=int(os.environ.get("ANCHOR_BASE_PORT", "23000")))
    ap.add_argument("--out", default=os.path.join(HERE, "results", "workers.md"))
    args = ap.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    servers = args.servers.split(",")
    if "yieldscript" in servers and not args.yieldscript:
        sys.exit("give the yieldscript binary: --yieldscript PATH (or YIELDSCRIPT=PATH)")

    if args.server_cpus == "rest":
        rest = sorted(os.sched_getaffinity(0) - {int(CLIENT_CPU)})
        args.server_cpus = ",".join(str(c) for c in rest) if rest else "all"
    if args.server_cpus == "all":
        args.server_cpus = ""
    pin = ["taskset", "-c", args.server_cpus] if args.server_cpus else []
    contenders = []
    for name in servers:
        for n in counts:
            if name == "yieldscript":
                argv = pin + [os.path.abspath(args.yieldscript), "--workers", str(n),
                        os.path.join(HERE, "servers", "http_hello.ys"), "{port}"]
                contenders.append({"name": name, "workers": n, "argv": argv, "sockets": n})
            elif name == "node-cluster":
                argv = pin + [args.node, os.path.join(HERE, "servers", "http_cluster_node.js"), "{port}", str(n)]
                contenders.append({"name": name, "workers": n, "argv": argv, "sockets": 1})
            else:
                sys.exit(f"unknown server {name} (yieldscript, node-cluster)")

    data = {(c["name"], c["workers"]): [] for c in contenders}
    errors = []
    port = args.port
    for rnd in range(args.runs):
        for c in contenders:
            port += 1
            r = once(c, port, args)
            key = (c["name"], c["workers"])
            if "error" in r or r.get("socket_errors") or r.get("non2xx"):
                errors.append(f"round {rnd + 1} {key[0]} workers={key[1]}: {r.get('error', '')} "
                              f"socket_errors={r.get('socket_errors')} non2xx={r.get('non2xx')}")
            if "rps" in r:
                data[key].append(r)
            print(f"  r{rnd + 1} {key[0]:12s} workers={key[1]} {r.get('rps', 0):9.0f} req/s "
                  f"server CPU {r.get('cpu_cores', 0):.2f} cores, {r.get('cpu_us_per_req', 0):.1f} µs/req, "
                  f"{r.get('sleeps_per_kreq', 0):.0f} sleeps/1k req "
                  f"{r.get('error', '')}", file=sys.stderr, flush=True)

    def med(key, field):
        v = [r[field] for r in data[key] if field in r]
        return statistics.median(v) if v else None

    load = os.getloadavg()
    L = [f"### HTTP/1.1 keep-alive hello world with workers: wrk -t1 -c{args.conns} -d{args.duration}s "
         f"after an unmeasured {args.warmup} s run, median of {args.runs} rounds\n",
         f"wrk pinned to CPU {CLIENT_CPU}; servers "
         f"{'pinned to CPUs ' + args.server_cpus if args.server_cpus else 'unpinned'}, on a machine of "
         f"{os.cpu_count()} CPUs. Server CPU is "
         f"utime+stime from /proc/PID/stat over the measured window, summed over the server's threads and "
         f"child processes, divided by the requests wrk counted; sleeps are the voluntary context switches "
         f"of the server's threads (each a wake-up later) per 1,000 requests. "
         f"Load average at the end: {load[0]:.1f}.\n",
         "| server | workers | req/s | p50 µs | server CPU (cores) | CPU µs per request | sleeps per 1k requests | "
         "req/s vs 1 worker | req/s vs node-cluster, same workers |",
         "|---|---|---|---|---|---|---|---|---|"]
    for c in contenders:
        key = (c["name"], c["workers"])
        rps = med(key, "rps")
        if rps is None:
            L.append(f"| {key[0]} | {key[1]} | FAIL | | | | | | |")
            continue
        one = med((key[0], 1), "rps")
        node = med(("node-cluster", key[1]), "rps")
        L.append(f"| {key[0]} | {key[1]} | {rps:,.0f} | {med(key, 'p50_us') or 0:.0f} | "
                 f"{med(key, 'cpu_cores'):.2f} | {med(key, 'cpu_us_per_req'):.1f} | {med(key, 'sleeps_per_kreq'):.0f} | "
                 f"{f'{rps / one:.2f}x' if one else '—'} | "
                 f"{f'{rps / node:.2f}x' if node and key[0] != 'node-cluster' else '—'} |")
    if errors:
        L += ["", "Errors:", ""] + [f"- {e}" for e in errors]
    text = "\n".join(L) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
