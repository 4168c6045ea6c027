/**
 * The build's stamp (`dist/build-stamp.json`): when `dist/` was built and from which source files,
 * so that a launcher can tell, with one `stat` per source, whether an edit came after the build.
 * Plain JavaScript with no dependencies: the launchers read it before anything is built.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the build goes (git-ignored). */
export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
export const STAMP = fileURLToPath(new URL('../dist/build-stamp.json', import.meta.url));

/**
 * Why `dist/` cannot be run as is, or undefined when it is up to date.
 *
 * @example
 * staleReason(); // 'cli/commands/tail.ts changed after the build' | 'dist/ is not built' | undefined
 */
export function staleReason() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return 'dist/ is not built';
  }
  for (const input of stamp.inputs) {
    let mtimeMs;
    try {
      mtimeMs = statSync(`${ROOT}${input}`).mtimeMs;
    } catch {
      return `${input} was removed after the build`;
    }
    if (mtimeMs > stamp.startedAt) return `${input} changed after the build`;
  }
  return undefined;
}
