/**
 * In-process command runs: a {@link CliIO} that collects stdout and stderr as strings.
 */
import { fileURLToPath } from 'node:url';

import type { CliIO } from '../../cli/io.js';

export interface MemoryIO extends CliIO {
  out(): string;
  err(): string;
}

export function memoryIO(): MemoryIO {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    out: () => out,
    err: () => err,
  };
}

/** Absolute path of a file in the repository. */
export const repoPath = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

/** `../shared` next to the repository, present on the development machine, absent in a fresh clone. */
export const sharedPath = (relative: string): string => fileURLToPath(new URL(`../../../shared/${relative}`, import.meta.url));

/** Parses a golden-style CSV into rows of strings (header dropped). */
export function csvRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

/** |a - b| <= 1e-9 * |b|. */
export function closeTo(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.abs(expected);
}
