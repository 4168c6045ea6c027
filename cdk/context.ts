/**
 * CDK context (`cdk deploy -c name=value`, or `context` in cdk.json) → typed stack props.
 *
 * Every key is optional; an absent or empty key leaves the stack's default (cdk/defaults.ts).
 * Values from `-c` arrive as strings, values from cdk.json as JSON; both are accepted.
 */
import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import { LOG_LEVELS, STARTING_POSITIONS } from './defaults.js';
import { ContextError, type ContextProblem } from './errors.js';
import type { RideDurationStackProps } from './stack.js';
import type { ScoringEventSourceProps } from './stream-scoring.js';

const int = (min: number, max: number) => {
  const error = `expected an integer from ${min} to ${max}`;
  return z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v),
    z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
  );
};
const bool = z.preprocess(
  (v) => (typeof v === 'string' && /^(true|false)$/i.test(v) ? v.toLowerCase() === 'true' : v),
  z.boolean({ error: 'expected true or false' }),
);
const text = z.string().min(1);
const retentionDays = int(1, 3653).refine(
  (days) => Object.values(RetentionDays).includes(days as RetentionDays),
  `expected one of CloudWatch's retention periods: ${Object.values(RetentionDays)
    .filter((v) => typeof v === 'number' && v > 0)
    .join(', ')}`,
);

/** Context key → schema and the one-line description shown in the README's deployment section. */
export const CONTEXT_KEYS = {
  inputStreamName: { schema: text, doc: 'Input stream name' },
  outputStreamName: { schema: text, doc: 'Output stream name' },
  shardCount: { schema: int(1, 10_000), doc: 'Provisioned shards per stream (unset: on-demand)' },
  streamRetentionHours: { schema: int(24, 8760), doc: 'Stream retention in hours' },
  customerManagedKey: {
    schema: bool,
    doc: 'Encrypt streams, on-failure queue and dead letters with one customer managed KMS key',
  },
  modelBucketName: { schema: text, doc: 'Use this existing bucket for models instead of creating one' },
  modelBucketKeyArn: { schema: text, doc: 'KMS key ARN of an SSE-KMS imported model bucket' },
  modelKey: { schema: text, doc: 'Model object key (a key ending in / is an MLflow model folder)' },
  shadowModelKey: { schema: text, doc: 'Key of a candidate model scored in the shadow of the production one (SHADOW_MODEL_LOCATION); its pairs go under shadow/ of the dead-letter bucket. Unset: no shadow' },
  deployDefaultModel: { schema: bool, doc: 'Upload model-artifacts/lin_reg.bin to models/lin_reg.bin' },
  modelSha256: {
    schema: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits'),
    doc: 'Expected sha256 of the model (MODEL_SHA256)',
  },
  runId: { schema: text, doc: "version written in every prediction (RUN_ID); unset: the model's own version id (MLflow run id, else sha256:<first 12 hex> of the model bytes; +recipe:<first 12 hex> when a recipe file is beside it)" },
  deadLetterPrefix: { schema: text, doc: 'Key prefix of dead-letter objects' },
  deadLetterRetentionDays: { schema: int(1, 3650), doc: 'Days before dead letters expire' },
  memorySize: { schema: int(128, 10_240), doc: 'Function memory (MB)' },
  timeoutSeconds: { schema: int(1, 900), doc: 'Function timeout (seconds)' },
  logRetentionDays: { schema: retentionDays, doc: 'Function log retention (days, a CloudWatch value)' },
  logLevel: { schema: z.enum(LOG_LEVELS), doc: 'LOG_LEVEL and Lambda application log level' },
  serviceName: { schema: text, doc: 'POWERTOOLS_SERVICE_NAME (metric dimension `service`)' },
  metricsNamespace: { schema: text, doc: 'POWERTOOLS_METRICS_NAMESPACE' },
  batchSize: { schema: int(1, 10_000), doc: 'Records per invocation' },
  maxBatchingWindowSeconds: { schema: int(0, 300), doc: 'Batching window (seconds)' },
  parallelizationFactor: { schema: int(1, 10), doc: 'Concurrent batches per shard' },
  retryAttempts: { schema: int(0, 10_000), doc: 'Retries of a failed batch' },
  maxRecordAgeSeconds: { schema: int(60, 604_800), doc: 'Maximum record age (seconds)' },
  startingPosition: { schema: z.enum(STARTING_POSITIONS), doc: 'Where a new mapping starts reading' },
  iteratorAgeAlarmSeconds: { schema: int(1, 604_800), doc: 'Iterator age alarm threshold (seconds)' },
  unseenFeatureAlarmPercent: { schema: z.coerce.number().gt(0).lte(100), doc: 'Drift alarm: sustained % of rides with feature values the model never saw' },
  alarmEmail: { schema: z.email(), doc: 'E-mail notified of alarms (creates an encrypted SNS topic)' },
} as const;

export type ContextKey = keyof typeof CONTEXT_KEYS;
type ContextValues = { -readonly [K in ContextKey]?: z.output<(typeof CONTEXT_KEYS)[K]['schema']> };

/**
 * Reads every known key from a construct node's context and validates it.
 *
 * @example
 * ```ts
 * const app = new App({ context: { shardCount: '2' } });
 * propsFromContext(app.node).shardCount; // 2
 * ```
 * @throws {ContextError} naming every key whose value is invalid.
 */
export function propsFromContext(node: Node): RideDurationStackProps {
  const values: ContextValues = {};
  const problems: ContextProblem[] = [];
  for (const key of Object.keys(CONTEXT_KEYS) as ContextKey[]) {
    const raw: unknown = node.tryGetContext(key);
    if (raw === undefined || raw === null || raw === '') continue;
    const parsed = CONTEXT_KEYS[key].schema.safeParse(typeof raw === 'string' ? raw.trim() : raw);
    if (parsed.success) (values as Record<string, unknown>)[key] = parsed.data;
    else problems.push({ key, value: raw, reason: parsed.error.issues.map((issue) => issue.message).join('; ') });
  }
  // Every bad value at once: a deployment is not a game of one fix per synth.
  if (problems.length > 0) throw new ContextError(problems);
  return toProps(values);
}

function toProps(v: ContextValues): RideDurationStackProps {
  const eventSource: ScoringEventSourceProps = {
    ...(v.batchSize === undefined ? {} : { batchSize: v.batchSize }),
    ...(v.maxBatchingWindowSeconds === undefined
      ? {}
      : { maxBatchingWindow: Duration.seconds(v.maxBatchingWindowSeconds) }),
    ...(v.parallelizationFactor === undefined ? {} : { parallelizationFactor: v.parallelizationFactor }),
    ...(v.retryAttempts === undefined ? {} : { retryAttempts: v.retryAttempts }),
    ...(v.maxRecordAgeSeconds === undefined ? {} : { maxRecordAge: Duration.seconds(v.maxRecordAgeSeconds) }),
    ...(v.startingPosition === undefined ? {} : { startingPosition: v.startingPosition }),
  };
  const props: Record<string, unknown> = {
    inputStreamName: v.inputStreamName,
    outputStreamName: v.outputStreamName,
    shardCount: v.shardCount,
    streamRetention: v.streamRetentionHours === undefined ? undefined : Duration.hours(v.streamRetentionHours),
    customerManagedKey: v.customerManagedKey,
    modelBucketName: v.modelBucketName,
    modelBucketKeyArn: v.modelBucketKeyArn,
    modelKey: v.modelKey,
    shadowModelKey: v.shadowModelKey,
    deployDefaultModel: v.deployDefaultModel,
    modelSha256: v.modelSha256,
    runId: v.runId,
    deadLetterPrefix: v.deadLetterPrefix,
    deadLetterRetention:
      v.deadLetterRetentionDays === undefined ? undefined : Duration.days(v.deadLetterRetentionDays),
    memorySize: v.memorySize,
    timeout: v.timeoutSeconds === undefined ? undefined : Duration.seconds(v.timeoutSeconds),
    logRetention: v.logRetentionDays as RetentionDays | undefined,
    logLevel: v.logLevel,
    serviceName: v.serviceName,
    metricsNamespace: v.metricsNamespace,
    eventSource: Object.keys(eventSource).length === 0 ? undefined : eventSource,
    iteratorAgeAlarmThreshold:
      v.iteratorAgeAlarmSeconds === undefined ? undefined : Duration.seconds(v.iteratorAgeAlarmSeconds),
    unseenFeatureAlarmPercent: v.unseenFeatureAlarmPercent,
    alarmEmail: v.alarmEmail,
  };
  // Drop absent keys so the stack's `??` defaults apply.
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined)) as RideDurationStackProps;
}
