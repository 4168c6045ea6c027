/**
 * CSV ride files: a header line naming at least the fields asked for (by default `PULocationID`,
 * `DOLocationID` and `trip_distance`; any order, other columns ignored unless they are course
 * columns, pickup/dropoff times or the id column), then one ride per line. Fields may be double-quoted (RFC 4180, `""` escapes);
 * a quoted field cannot span lines. Read line by line, never whole.
 */
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

import { MissingRideColumnError, RideLineError, rideFileError } from './errors.js';
import { fileSource, type RideSource } from './source.js';
import type { RideRange, RideRow } from './types.js';
import { fieldValues, plannedColumns, RIDE_COLUMNS, toRideRow } from './values.js';

/**
 * Splits one CSV line into fields.
 *
 * @example
 * splitCsvLine('1,"a,b",""'); // ['1', 'a,b', '']
 * @throws {Error} on an unterminated quoted field.
 */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) throw new Error('unterminated quoted field');
        value += line.slice(i, close);
        if (line[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      fields.push(value);
      if (i >= line.length) return fields;
      if (line[i] !== ',') throw new Error(`unexpected character after quoted field at column ${i + 1}`);
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

/** Non-blank lines of a text file with their 1-based line numbers, streamed. */
export async function* textLines(path: string, source: RideSource = fileSource(path)): AsyncGenerator<{ line: string; number: number }> {
  let stream: Readable;
  try {
    stream = await source.stream();
  } catch (cause) {
    throw rideFileError(cause, path, 'cannot read');
  }
  stream.setEncoding('utf8');
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const raw of lines) {
      number++;
      const line = number === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      yield { line, number };
    }
  } catch (cause) {
    throw rideFileError(cause, path, 'cannot read');
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Reads rides from a CSV file; see {@link readRides}. */
export async function* readCsvRides(path: string, range: RideRange, source?: RideSource): AsyncGenerator<RideRow> {
  if (range.limit <= 0) return;
  let header: Map<string, number> | undefined;
  let pick: ((fields: readonly string[]) => Parameters<typeof toRideRow>[1]) | undefined;
  let index = 0;
  const end = range.offset + range.limit;
  for await (const { line, number } of textLines(path, source)) {
    let fields: string[];
    try {
      fields = splitCsvLine(line);
    } catch (cause) {
      throw new RideLineError(path, number, (cause as Error).message, { cause });
    }
    if (header === undefined || pick === undefined) {
      header = new Map(fields.map((name, i) => [name.trim(), i]));
      const plan = plannedColumns(new Set(header.keys()), range.fields, range.idColumn);
      if (plan.missing.length > 0) throw new MissingRideColumnError(path, plan.missing);
      const at = (name: string | undefined): number => (name === undefined ? -1 : (header?.get(name) ?? -1));
      const pu = at(RIDE_COLUMNS.pickupLocation);
      const dO = at(RIDE_COLUMNS.dropoffLocation);
      const dist = at(RIDE_COLUMNS.distance);
      const pickup = at(plan.pickup);
      const dropoff = at(plan.dropoff);
      const id = at(range.idColumn);
      const wanted = new Map(range.fields.map((field) => [field.name, at(field.name)]));
      pick = (f) => ({
        PULocationID: pu < 0 ? null : f[pu],
        DOLocationID: dO < 0 ? null : f[dO],
        trip_distance: dist < 0 ? null : f[dist],
        pickup: pickup < 0 ? null : f[pickup],
        dropoff: dropoff < 0 ? null : f[dropoff],
        rideId: id < 0 ? null : f[id],
        fields: fieldValues(range.fields, (name) => f[wanted.get(name)!]),
      });
      continue;
    }
    if (index >= range.offset) yield toRideRow(index, pick(fields));
    index++;
    if (index >= end) return;
  }
}

/** The column names of a CSV file's header line (only the first line is read), `[]` when empty. */
export async function csvHeader(path: string, source?: RideSource): Promise<string[]> {
  for await (const { line, number } of textLines(path, source)) {
    try {
      return splitCsvLine(line).map((name) => name.trim());
    } catch (cause) {
      throw new RideLineError(path, number, (cause as Error).message, { cause });
    }
  }
  return [];
}
