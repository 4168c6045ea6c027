/**
 * Cold start and RandomForest peak memory of the deployable bundle, each in fresh Node processes,
 * with the models served by a local S3 (s3rver, in this process, through the local pipeline's
 * service starter).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import { startLocalServices } from '../local/services.js';
import { Launcher } from './launcher-client.js';
import { runBaselineProcess, runLambdaProcess, writeEventFile, type ChildRun, type LambdaProcessOptions } from './lambda-process.js';
import { median } from './stats.js';

export interface LambdaRunsOptions {
  readonly bundleFile: string;
  readonly linregModel: string;
  /** MLflow folder of the RandomForest. */
  readonly rfModel: string;
  /** A one-record event (cold start: the first prediction). */
  readonly firstEvent: KinesisStreamEvent;
  /** The big event scored with the RandomForest. */
  readonly bigEvent: KinesisStreamEvent;
  readonly coldStartRuns: number;
  readonly rssRuns: number;
}

export interface ColdStartResult {
  /** Median spawn → first response, parent's clock. */
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  /** Medians of the in-process parts. */
  readonly nodeStartMs: number;
  readonly importMs: number;
  readonly modelLoadMs: number | undefined;
  readonly firstInvokeMs: number;
  /**
   * Median, per run, of `import()` of the bundle + first invocation: the cold start inside the
   * fresh process, from the first line of the bundle to the first prediction, Node's own boot excluded.
   */
  readonly inProcessMs: number;
  /** Median CPU time (user + system, all threads) of the child up to its response. */
  readonly cpuMs: number;
  /** Median spawn → report of a Node process that loads nothing (the floor under any cold start). */
  readonly nodeBaselineMs: number;
  /**
   * Median spawn → first response when the function writes its prediction to a Kinesis stream
   * (kinesalite) instead of returning it (`TEST_RUN`): the response then waits for `PutRecords`.
   */
  readonly withOutputMs: number;
  readonly firstPrediction: unknown;
}

export interface RfMemoryResult {
  readonly peakRssMb: number;
  readonly runsMb: readonly number[];
  readonly records: number;
  readonly predicted: number;
  readonly wallMs: number;
}

export interface LambdaRunsResult {
  readonly coldStart: ColdStartResult;
  readonly rfMemory: RfMemoryResult;
}

const MB = 1024;

async function uploadFolder(services: Awaited<ReturnType<typeof startLocalServices>>, folder: string, prefix: string): Promise<string> {
  for (const name of await readdir(folder)) {
    await services.s3.send(
      new PutObjectCommand({ Bucket: services.modelBucket, Key: `${prefix}/${name}`, Body: await readFile(join(folder, name)) }),
    );
  }
  return `s3://${services.modelBucket}/${prefix}/`;
}

function medianOf(runs: readonly ChildRun[], pick: (run: ChildRun) => number | undefined): number | undefined {
  const values = runs.map(pick).filter((value): value is number => value !== undefined);
  return values.length === 0 ? undefined : median(values);
}

/** Measures the cold start (lin_reg.bin from S3, as the stack deploys it) and the RandomForest's peak RSS. */
export async function measureLambdaRuns(options: LambdaRunsOptions): Promise<LambdaRunsResult> {
  const directory = await mkdtemp(join(tmpdir(), 'ride-bench-events-'));
  const services = await startLocalServices({ modelPath: options.linregModel });
  const launcher = await Launcher.start();
  try {
    const firstEvent = await writeEventFile(directory, 'first.json', options.firstEvent);
    const bigEvent = await writeEventFile(directory, 'big.json', options.bigEvent);
    const rfLocation = await uploadFolder(services, options.rfModel, 'official-rf-mlflow');
    const base = { bundleFile: options.bundleFile, s3Endpoint: services.s3Endpoint };
    const linreg: LambdaProcessOptions = { ...base, modelLocation: services.modelLocation! };
    const withOutput: LambdaProcessOptions = {
      ...linreg,
      output: { streamName: services.outputStream.name, kinesisEndpoint: services.kinesisEndpoint },
    };

    // One untimed run: the bundle and Node itself in the page cache, as on a warm Lambda host.
    await runLambdaProcess(launcher, linreg, firstEvent);
    const cold: ChildRun[] = [];
    const withOutputMs: number[] = [];
    const baseline: number[] = [];
    // Interleaved, so that each variant sees the same host phases.
    for (let i = 0; i < options.coldStartRuns; i += 1) {
      baseline.push(await runBaselineProcess(launcher));
      const run = await runLambdaProcess(launcher, linreg, firstEvent);
      if (run.predictions !== 1) throw new Error(`cold start run predicted ${run.predictions} of 1 record`);
      cold.push(run);
      const written = await runLambdaProcess(launcher, withOutput, firstEvent);
      if (written.failures !== 0) throw new Error(`cold start with output reported ${written.failures} failed records`);
      withOutputMs.push(written.wallMs);
    }

    const rf: ChildRun[] = [];
    for (let i = 0; i < options.rssRuns; i += 1) {
      rf.push(await runLambdaProcess(launcher, { ...linreg, modelLocation: rfLocation }, bigEvent));
    }
    const records = options.bigEvent.Records.length;
    for (const run of rf) {
      if (run.predictions !== records) throw new Error(`RandomForest run predicted ${run.predictions} of ${records} records`);
    }
    // VmHWM, not getrusage's maxRSS: Linux carries the maxRSS of the forked copy of the spawning
    // process across exec into the child, so maxRSS reads at least the spawner's RSS (an empty
    // `node -e` child of a 343 MiB parent: maxRSS 304 MiB, VmHWM 40 MiB). The launcher is small,
    // but maxRSS is still only the fallback where there is no /proc.
    const rssMb = rf.map((run) => (run.vmHwmKb ?? run.maxRssKb) / MB);

    return {
      coldStart: {
        medianMs: median(cold.map((run) => run.wallMs)),
        runsMs: cold.map((run) => run.wallMs),
        nodeStartMs: median(cold.map((run) => run.nodeStartMs)),
        importMs: median(cold.map((run) => run.importMs)),
        modelLoadMs: medianOf(cold, (run) => run.modelLoadMs),
        firstInvokeMs: median(cold.map((run) => run.firstInvokeMs)),
        inProcessMs: median(cold.map((run) => run.importMs + run.firstInvokeMs)),
        cpuMs: median(cold.map((run) => run.cpuMs)),
        nodeBaselineMs: median(baseline),
        withOutputMs: median(withOutputMs),
        firstPrediction: cold[0]?.firstPrediction,
      },
      rfMemory: {
        peakRssMb: Math.max(...rssMb),
        runsMb: rssMb,
        records,
        predicted: rf[0]?.predictions ?? 0,
        wallMs: median(rf.map((run) => run.wallMs)),
      },
    };
  } finally {
    launcher.close();
    await services.stop();
    await rm(directory, { recursive: true, force: true });
  }
}
