"""Runs bench/python/score.py's main() and writes its CPU time and peak RSS to BENCH_EXIT_REPORT.

    BENCH_EXIT_REPORT=/tmp/r.json python3 bench/python/timed.py <score.py arguments>

The same JSON the Node side's bench/exit-report.cjs writes: {"peakRssKb", "cpuMs"} (all threads).
Peak RSS is this process's own VmHWM: getrusage's ru_maxrss carries the spawner's peak across
fork + exec, and the spawner is the bench, which holds hundreds of MB by then.
"""
import json
import os
import re
import resource
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402

sys.argv = [sys.argv[0], *sys.argv[1:]]
score.main()
usage = resource.getrusage(resource.RUSAGE_SELF)
with open('/proc/self/status') as status:
    peak_rss_kb = int(re.search(r'VmHWM:\s+(\d+)', status.read()).group(1))
with open(os.environ['BENCH_EXIT_REPORT'], 'w') as f:
    json.dump({'peakRssKb': peak_rss_kb, 'cpuMs': (usage.ru_utime + usage.ru_stime) * 1000}, f)
