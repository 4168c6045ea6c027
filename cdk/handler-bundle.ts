/**
 * How the function's code is built: esbuild, locally (no Docker), into an ESM entry `index.mjs` plus
 * chunks. One definition for the stack and the benchmarks, so that what is measured is what deploys.
 *
 * Why chunks (esbuild code splitting) rather than `NodejsFunction`'s single file: a cold start
 * compiles every byte of the module it imports, and the AWS SDK clients are most of the code. The
 * handler imports them on demand (`lambda/aws-parts.ts`), so they sit in a chunk of their own that a
 * cold start compiles only when it has no credentials in the environment to sign its own calls with
 * (never inside Lambda), in parallel with the model download. `NodejsFunction`
 * always passes `--outfile`, which esbuild's splitting cannot use.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ILocalBundling } from 'aws-cdk-lib';
import { buildSync, type BuildOptions } from 'esbuild';

/** Repository root (this file lives in `cdk/`). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The function's entry source (TypeScript), a fixed contract with lambda/: it exports `handler`. */
export const HANDLER_ENTRY = join(REPO_ROOT, 'lambda', 'entry.ts');

/** esbuild target matching the function's runtime (`FUNCTION_RUNTIME`, Node.js 24). */
export const BUNDLE_TARGET = 'node24';

/** The entry file of the bundle: the function's handler is `index.handler`. */
export const BUNDLE_ENTRY_FILE = 'index.mjs';

export interface HandlerBundleOptions {
  /** Handler source file. @default {@link HANDLER_ENTRY} */
  readonly entry?: string;
  /**
   * Emit source maps (`*.mjs.map`). @default false: the stack does not ship them, because Node then
   * also needs `--enable-source-maps`, which reads and indexes every map at import (measured 15–50 ms
   * of each cold start here, see BENCHMARKS.md). Stack traces still name the bundle's functions.
   */
  readonly sourceMap?: boolean;
}

/**
 * The esbuild options of the deployable bundle.
 *
 * @example
 * ```ts
 * await esbuild.build(handlerBuildOptions('/tmp/out')); // /tmp/out/index.mjs + /tmp/out/chunks/*.mjs
 * ```
 */
export function handlerBuildOptions(outdir: string, options: HandlerBundleOptions = {}): BuildOptions {
  const entry = options.entry ?? HANDLER_ENTRY;
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: { index: relative(REPO_ROOT, entry) },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: BUNDLE_TARGET,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    // Bundle the SDK: the function runs exactly the client versions the test suite ran
    // (package-lock.json), not whatever the runtime happens to ship.
    external: [],
    sourcemap: options.sourceMap ?? false,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    // `yaml` (the MLmodel reader) gives Node its CommonJS build; its ESM build, published as the
    // package's default (browser) entry and free of Node APIs, is the same parser.
    alias: { yaml: './node_modules/yaml/browser/index.js' },
    // No `createRequire` banner: every dependency on the path resolves to its ESM build, and a
    // banner would load node:module into every chunk of every cold start. A dependency that still
    // calls `require()` makes esbuild emit its `__require` shim, which the stack test refuses.
    logLevel: 'warning',
  };
}

/**
 * The files a module of a built bundle imports statically, transitively, itself included (paths
 * relative to `directory`): what is compiled before its own code runs. `import()`ed chunks are not
 * followed.
 *
 * @example
 * ```ts
 * staticImportClosure('/tmp/out', BUNDLE_ENTRY_FILE); // Set { 'index.mjs', 'chunks/chunk-….mjs', … }
 * ```
 */
export function staticImportClosure(directory: string, start: string): Set<string> {
  const reached = new Set<string>();
  const visit = (file: string): void => {
    if (reached.has(file) || !existsSync(join(directory, file))) return;
    reached.add(file);
    // esbuild's minified ESM: `import{a as b}from"./chunks/x.mjs"` or `import"./chunks/x.mjs"`.
    for (const match of readFileSync(join(directory, file), 'utf8').matchAll(/(?:from|import)\s*"(\.\/[^"]+\.mjs)"/g)) {
      visit(relative(directory, join(directory, dirname(file), match[1] ?? '')));
    }
  };
  visit(start);
  return reached;
}

/**
 * CDK local bundling with the project's own esbuild: synth needs neither Docker nor a network.
 *
 * @example
 * ```ts
 * Code.fromAsset(REPO_ROOT, { assetHashType: AssetHashType.OUTPUT, bundling: { image, local: new LocalHandlerBundling() } });
 * ```
 */
export class LocalHandlerBundling implements ILocalBundling {
  constructor(private readonly options: HandlerBundleOptions = {}) {}

  tryBundle(outputDir: string): boolean {
    mkdirSync(outputDir, { recursive: true });
    buildSync(handlerBuildOptions(outputDir, this.options));
    return true;
  }
}
