# Reads {"series": [[...], ...], "window": 50, "pvalue": 0.001} on stdin, runs the pinned
# apache-otava's compute_change_points on each series, prints {"changePoints": [[i, ...], ...], "ms": [...]}.
import json
import sys
import time

from otava.analysis import compute_change_points

req = json.load(sys.stdin)
out, ms = [], []
for s in req["series"]:
    t0 = time.perf_counter()
    cps, _ = compute_change_points(s, window_len=req["window"], max_pvalue=req["pvalue"])
    ms.append((time.perf_counter() - t0) * 1000)
    out.append([int(c.index) for c in cps])
json.dump({"changePoints": out, "ms": ms}, sys.stdout)
