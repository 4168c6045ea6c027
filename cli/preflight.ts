/**
 * The checks every command runs before doing anything (loading services, uploading, reading input,
 * writing output): each names the flag or file and says what would work, so that a mistake costs
 * no time and leaves nothing behind.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

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
export async function checkOutputFile(path: string, flag: string, options: { readonly createsFolders?: boolean } = {}): Promise<void> {
  let folder = dirname(resolve(path));
  // A command that creates missing folders needs the nearest existing one to be writable.
  if (options.createsFolders === true) {
    while (dirname(folder) !== folder && (await stat(folder).catch(() => undefined)) === undefined) folder = dirname(folder);
  }
  try {
    if (!(await stat(folder)).isDirectory()) throw new CliError(`${flag} ${path}: ${folder} is not a directory`);
    await access(folder, constants.W_OK);
  } catch (cause) {
    if (cause instanceof CliError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `the directory ${folder} does not exist` : code === 'EACCES' ? `cannot write in ${folder}` : (cause as Error).message;
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
