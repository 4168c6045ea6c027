import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TripTable } from '../../train/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/train/', import.meta.url));
export const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const HAS_SHARED = existsSync(`${SHARED_DATA}green_tripdata_2021-01.parquet`);

export interface SklearnFigures {
  readonly features: number;
  readonly train_rows: number;
  readonly val_rows: number;
  readonly intercept: number;
  readonly train_rmse: number;
  readonly val_rmse: number;
  readonly converged_val_rmse?: number;
  readonly early_stop_iterations?: number;
  readonly converged_iterations?: number;
}

export function sklearnReference(name: string): SklearnFigures {
  const all = JSON.parse(readFileSync(`${FIXTURES}sklearn-reference.json`, 'utf8')) as Record<string, SklearnFigures>;
  const ref = all[name];
  if (ref === undefined) throw new Error(`no sklearn reference ${name}`);
  return ref;
}

/** Reads a prepared CSV written by train/export-prepared.ts. */
export function readPreparedCsv(name: string): TripTable {
  const lines = readFileSync(`${FIXTURES}${name}`, 'utf8').trim().split('\n').slice(1);
  const cols = lines.map((l) => l.split(',').map(Number));
  const col = (j: number) => cols.map((c) => c[j] as number);
  return {
    source: name,
    puLocationId: Int32Array.from(col(0)),
    doLocationId: Int32Array.from(col(1)),
    tripDistance: Float64Array.from(col(2)),
    duration: Float64Array.from(col(3)),
    rowsRead: lines.length,
    rowsWithNulls: 0,
    rowsOutOfRange: 0,
  };
}
