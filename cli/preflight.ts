/**
 * The checks every command runs before doing anything (loading services, uploading, reading input,
 * writing output): each names the flag or file and says what would work, so that a mistake costs
 * no time and leaves nothing behind.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import type { RideField, RideFileInfo } from '../io/types.js';
import { CliError, UsageError } from './errors.js';

/**
 * A ride file that exists, is a readable file and has a known format.
 *
 * @example
 * await checkRideInput('rides.csv', '--input');
 */
export async function checkRideInput(path: string, flag: string): Promise<void> {
  // Imported here: io/index.ts brings the parquet reader, which commands without ride input skip.
  const { detectRideFormat } = await import('../io/read.js');
  try {
    detectRideFormat(path);
  } catch {
    throw new UsageError(`${flag} ${path}: cannot tell the ride file format from the extension (use .parquet, .csv, .jsonl or .ndjson)`);
  }
  await checkReadableFile(path, flag);
}

/** What a command reads from a ride file, for {@link checkRideColumns}. */
export interface RideNeeds {
  /** Ride fields whose columns the file must have (e.g. the course's `PULocationID`, `DOLocationID`, `trip_distance`). */
  readonly fields: readonly RideField[];
  /** A pick-up and a drop-off time column are needed too (durations). */
  readonly times: boolean;
  /** What the command needs them for, ending each refusal, e.g. `training needs them for the durations`. */
  readonly why: string;
}

/**
 * A local ride file ({@link checkRideInput}) whose parquet footer or CSV header shows the columns
 * `needs` names, and which holds at least one ride: a wrong file is refused in a moment, naming
 * `flag`, not after a month of rides was read. A JSON-lines file has no header; its first ride
 * (or its absence) is all that is read.
 *
 * @returns what the header or footer showed, for a caller with more columns to check
 * @example
 * await checkRideColumns('jan.csv', '--train', { fields: COURSE_RIDE_FIELDS, times: true, why: 'training needs them' });
 * // CliError: --train jan.csv: no pick-up time column (lpep_pickup_datetime, tpep_pickup_datetime or pickup_datetime); training needs them
 */
export async function checkRideColumns(path: string, flag: string, needs: RideNeeds): Promise<RideFileInfo> {
  await checkRideInput(path, flag);
  // Imported here, as in checkRideInput: the readers bring the parquet library.
  const [{ rideFileInfo }, { plannedColumns, RIDE_COLUMNS }, { RideFileError }] = await Promise.all([
    import('../io/read.js'),
    import('../io/values.js'),
    import('../io/errors.js'),
  ]);
  // The readers' errors begin with the path: the flag goes in front, once.
  const refuse = (error: unknown): never => {
    if (!(error instanceof RideFileError)) throw error;
    throw new CliError(`${flag} ${error.message}`, 1, { cause: error });
  };
  const info = await rideFileInfo(path).catch(refuse);
  // An empty CSV has no header either: it is told as empty below, not as lacking columns.
  if (info.columns !== undefined && info.columns.length > 0) {
    const plan = plannedColumns(new Set(info.columns), needs.fields, undefined);
    if (plan.missing.length > 0) {
      throw new CliError(`${flag} ${path}: no ${plan.missing.join(', ')} column${plan.missing.length === 1 ? '' : 's'}; ${needs.why}`);
    }
    if (needs.times) {
      for (const [which, names, found] of [['pick-up', RIDE_COLUMNS.pickup, plan.pickup], ['drop-off', RIDE_COLUMNS.dropoff, plan.dropoff]] as const) {
        if (found === undefined) throw new CliError(`${flag} ${path}: no ${which} time column (${names.slice(0, -1).join(', ')} or ${names.at(-1)}); ${needs.why}`);
      }
    }
  }
  if (!(await holdsRides(path, info, needs.fields).catch(refuse))) {
    throw new CliError(`${flag} ${path}: no rides in the file; give a file with at least one ride`);
  }
  return info;
}

/**
 * Whether a ride file holds a ride. Parquet's footer counts the rides; a CSV may hold its header
 * alone and a JSON-lines file nothing, which only their first ride tells (`fields`: the columns
 * to read it with).
 *
 * @example
 * await holdsRides('header-only.csv', await rideFileInfo('header-only.csv'), COURSE_RIDE_FIELDS); // false
 */
export async function holdsRides(path: string, info: RideFileInfo, fields: readonly RideField[]): Promise<boolean> {
  if (info.rows !== undefined) return info.rows > 0;
  const { readRides } = await import('../io/read.js');
  for await (const _ride of readRides(path, { limit: 1, fields, format: info.format })) return true;
  return false;
}

/** A file that exists and can be read. */
export async function checkReadableFile(path: string, flag: string): Promise<void> {
  let isFile: boolean;
  try {
    // Regular files only: a read blocked on a named pipe with no writer would also block the exit
    // after Ctrl-C (Node joins its thread pool at exit).
    isFile = (await stat(path)).isFile();
    await access(path, constants.R_OK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (cause as Error).message;
    throw new CliError(`${flag} ${path}: ${why}`, 1, { cause });
  }
  if (!isFile) throw new CliError(`${flag} ${path}: not a file`);
}

/**
 * The folder of an output file exists and can be written to: a typo in a directory fails now,
 * not after the work.
 *
 * @example
 * await checkOutputFile('events/new.json', '--output');
 */
export async function checkOutputFile(path: string, flag: string): Promise<void> {
  const folder = dirname(resolve(path));
  try {
    if (!(await stat(folder)).isDirectory()) throw new CliError(`${flag} ${path}: ${folder} is not a directory`);
    await access(folder, constants.W_OK);
  } catch (cause) {
    if (cause instanceof CliError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `the directory ${folder} does not exist; create it first or choose another ${flag}` : code === 'EACCES' ? `cannot write in ${folder}` : (cause as Error).message;
    throw new CliError(`${flag} ${path}: ${why}`, 1, { cause });
  }
  if ((await stat(path).catch(() => undefined))?.isDirectory()) throw new CliError(`${flag} ${path}: is a directory, not a file`);
}

/**
 * An endpoint URL: `http(s)://host[:port]`.
 *
 * @example
 * checkEndpoint('notaurl', '--endpoint'); // throws UsageError: --endpoint notaurl: not a URL; expected e.g. http://127.0.0.1:4567
 */
export function checkEndpoint(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} ${value}: not a URL; expected e.g. http://127.0.0.1:4567`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${flag} ${value}: expected an http:// or https:// URL, e.g. http://127.0.0.1:4567`);
  }
  return value;
}
