"""Compares `score --layout course` parquet with bench/python/score.py's: same rows, same values.

    python3 bench/python/compare.py <ours.parquet> <python.parquet>

Prints one line; exits 1 when any column differs (predictions compared bit for bit).
"""
import sys

import pandas as pd

ours, theirs = (pd.read_parquet(path) for path in sys.argv[1:3])
problems = []
if list(ours.columns) != list(theirs.columns):
    problems.append(f'columns {list(ours.columns)} vs {list(theirs.columns)}')
if len(ours) != len(theirs):
    problems.append(f'{len(ours)} vs {len(theirs)} rows')
else:
    for column in ['ride_id', 'lpep_pickup_datetime', 'PULocationID', 'DOLocationID', 'actual_duration', 'predicted_duration', 'diff']:
        a, b = ours[column].reset_index(drop=True), theirs[column].reset_index(drop=True)
        same = (a == b) | (a.isna() & b.isna())
        if not same.all():
            problems.append(f'{column}: {(~same).sum()} row(s) differ, first {a[~same].iloc[0]!r} vs {b[~same].iloc[0]!r}')
types = ', '.join(f'{c}: {ours[c].dtype} vs {theirs[c].dtype}' for c in ours.columns if c in theirs and ours[c].dtype != theirs[c].dtype)
print(f'{len(ours)} rows; ' + ('identical' if not problems else '; '.join(problems)) + (f' (dtypes differ: {types})' if types else ' (same dtypes)'))
sys.exit(1 if problems else 0)
