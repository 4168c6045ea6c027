/**
 * `compile`: write a pickle's compiled sidecar (`<pickle>.compiled.json`, `lambda/model/compiled.ts`)
 * next to it, for a faster cold start: upload it beside the pickle and the function uses it instead
 * of unpickling, as long as it was compiled from exactly that pickle.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command } from 'commander';

import { COMPILED_MODEL_SUFFIX, compileSidecar, fetchModel, parseModelLocation } from '../../lambda/model/index.js';
import { sha256Hex } from '../../lambda/model/digest.js';
import { CliError } from '../errors.js';
import { note, processIO, type CliIO } from '../io.js';
import { resolveModelLocation } from '../model.js';

export interface CompileOptions {
  /** Local pickle or MLflow model folder; default the repository's `lin_reg.bin`. */
  readonly model?: string | undefined;
  /** Where to write; default next to the pickle (`model.pkl` for a folder). */
  readonly output?: string | undefined;
}

export interface CompileSummary {
  readonly pickle: string;
  readonly output: string;
  readonly regressor: string;
  readonly featureCount: number;
  readonly pickleSha256: string;
  /** What `MODEL_COMPILED_SHA256` must be set to while `MODEL_SHA256` pins the pickle. */
  readonly compiledSha256: string;
}

/** Compiles, checks the result against the pickle feature by feature, and writes it atomically. */
export async function runCompile(options: CompileOptions, io: CliIO): Promise<CompileSummary> {
  const where = parseModelLocation(resolveModelLocation(options.model));
  if (where.kind !== 'file') throw new CliError('compile reads a local pickle or MLflow folder; download an S3 model first', 2);
  const fetched = await fetchModel(where);
  const { bytes, model: compiled, checked } = compileSidecar(fetched.bytes);
  const output = options.output ?? `${fetched.uri}${COMPILED_MODEL_SUFFIX}`;
  const partial = `${output}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, output);
  } catch (cause) {
    await rm(partial, { force: true });
    throw new CliError(`cannot write ${output}: ${(cause as Error).message}`, 1);
  }
  const summary: CompileSummary = {
    pickle: fetched.uri,
    output,
    regressor: compiled.regressor,
    featureCount: checked.featureCount,
    pickleSha256: compiled.source.sha256,
    compiledSha256: sha256Hex(bytes),
  };
  note(io, `compiled ${summary.pickle} (${summary.regressor}, ${summary.featureCount} features) → ${output}, ${bytes.length} bytes, every coefficient checked`);
  note(io, `upload it next to the pickle as ${basename(fetched.uri)}${COMPILED_MODEL_SUFFIX}; with MODEL_SHA256 set, also set MODEL_COMPILED_SHA256=${summary.compiledSha256}`);
  io.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary;
}

export function compileCommand(io: CliIO = processIO): Command {
  return new Command('compile')
    .description("Compile a linear pickle into the sidecar the function reads at cold start instead of unpickling (<pickle>.compiled.json).")
    .argument('[model]', 'local pickle or MLflow model folder (default: model-artifacts/lin_reg.bin)')
    .option('-o, --output <file>', `where to write (default: next to the pickle, with ${COMPILED_MODEL_SUFFIX} appended)`)
    .addHelpText(
      'after',
      `
The sidecar is used only when it was compiled from exactly the pickle beside it (sha256 and length),
so a stale one is ignored, never trusted. Only DictVectorizer + linear models compile.

Examples:
  $ ride-duration compile model-artifacts/lin_reg.bin
  $ aws s3 cp model-artifacts/lin_reg.bin.compiled.json s3://my-models/models/lin_reg.bin.compiled.json
`,
    )
    .action(async (model: string | undefined, options: { output?: string }) => {
      await runCompile({ model, output: options.output }, io);
    });
}
