"""Times whole process invocations for bench/search/cli.mjs.

Node's spawnSync costs about 2 ms per process on this machine (its /bin/true
takes 2.2 ms), more than the search itself; Python's subprocess (vfork and
exec) costs about 0.6 ms. Reads a JSON list of argv lists on stdin and writes,
for each, the wall time in ms, the exit status, stdout and stderr.
"""
import json
import subprocess
import sys
import time

out = []
for argv in json.load(sys.stdin):
    t0 = time.perf_counter()
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ms = (time.perf_counter() - t0) * 1000
    out.append({
        "ms": ms,
        "status": r.returncode,
        "stdout": r.stdout.decode("utf-8", "replace"),
        "stderr": r.stderr.decode("utf-8", "replace"),
    })
json.dump(out, sys.stdout)
