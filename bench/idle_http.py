#!/usr/bin/env python3
"""Memory per idle HTTP keep-alive connection: the anchors' idle benchmark
(bench_io.py idle) run on the HTTP servers of contenders_http.txt, with
bench/idlehttp as the client (one GET / per connection instead of one echo).

    python3 idle_http.py ANCHORS_DIR CLIENT [bench_io.py idle options]
"""
import os
import sys

anchors, client = sys.argv[1], sys.argv[2]
sys.path.insert(0, anchors)
import bench_io  # noqa: E402

_parse = bench_io.parse_contenders
bench_io.parse_contenders = lambda path: _parse(path.replace("contenders_echo.txt", "contenders_http.txt"))
bench_io.loadgen_path = lambda: client
sys.argv = ["bench_io.py", "idle"] + sys.argv[3:]
os.chdir(anchors)
bench_io.main()
