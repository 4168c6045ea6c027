/**
 * The stream-scoring pattern: a Kinesis stream feeding a Lambda function through an event source
 * mapping that never blocks a shard, with the function's own role, log group and on-failure queue.
 *
 * It plays the part of AWS Solutions Constructs' `aws-kinesisstreams-lambda`, with two differences
 * that matter here: the role carries exactly the statements the function needs (no managed policy,
 * no wildcard actions, no CDK `grant*` helpers, which add `kms:ReEncrypt*`/`kms:GenerateDataKey*`),
 * and every event-source knob is a prop with a justified default (cdk/defaults.ts).
 */
import { join } from 'node:path';
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  ApplicationLogLevel,
  Architecture,
  EventSourceMapping,
  LoggingFormat,
  Runtime,
  StartingPosition,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import type { IEventSourceDlq } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HANDLER_BUNDLING, REPO_ROOT } from './handler-bundle.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_LOG_LEVEL,
  DEFAULT_LOG_RETENTION,
  DEFAULT_MAX_BATCHING_WINDOW,
  DEFAULT_MAX_RECORD_AGE,
  DEFAULT_MEMORY_MB,
  DEFAULT_PARALLELIZATION_FACTOR,
  DEFAULT_RETRY_ATTEMPTS,
  DEFAULT_STARTING_POSITION,
  DEFAULT_TIMEOUT,
  ON_FAILURE_QUEUE_RETENTION,
} from './defaults.js';
import type { LogLevel, StartingPositionName } from './defaults.js';

/** The Node.js runtime: the newest one Lambda offers (cdk-nag AwsSolutions-L1 checks exactly that). */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;
/** Graviton: the same code costs about 20% less per GB-second than on x86. */
export const FUNCTION_ARCHITECTURE = Architecture.ARM_64;

/** How the event source mapping reads the stream. Every field has a default in cdk/defaults.ts. */
export interface ScoringEventSourceProps {
  /** Records per invocation (1-10000). @default 100 */
  readonly batchSize?: number;
  /** Wait up to this long to fill a batch (0-300 s). @default 1 second */
  readonly maxBatchingWindow?: Duration;
  /** Concurrent batches per shard (1-10). @default 1 */
  readonly parallelizationFactor?: number;
  /** Retries of a failed batch before it goes to the on-failure queue (0-10000; never infinite). @default 3 */
  readonly retryAttempts?: number;
  /** Records older than this go to the on-failure queue (60 s-7 days; never infinite). @default 1 hour */
  readonly maxRecordAge?: Duration;
  /** Where a new mapping starts reading. @default LATEST */
  readonly startingPosition?: StartingPositionName;
}

export interface StreamScoringProps {
  /** The stream of ride events the function consumes. */
  readonly inputStream: IStream;
  /**
   * The customer managed key of the input stream, if it has one; it then also encrypts the on-failure
   * queue (and, in the stack, the output stream and dead letters), so one
   * `kms:Decrypt`/`kms:GenerateDataKey` statement covers every use. Without it the stream uses the
   * AWS managed `aws/kinesis` key and the queue SSE-SQS, which need no KMS permission at all.
   */
  readonly dataKey?: IKey | undefined;
  /** Handler source file (TypeScript), bundled by `NodejsFunction` with the local esbuild. */
  readonly entry: string;
  /** Exported handler name. @default 'handler' */
  readonly handler?: string;
  /** Function environment (the handler's fixed contract, lambda/config.ts). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 60 seconds */
  readonly timeout?: Duration;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** Lambda's application log level (advanced logging controls). @default INFO */
  readonly logLevel?: LogLevel;
  readonly eventSource?: ScoringEventSourceProps;
}

/**
 * A Kinesis stream scored by a Lambda function, with partial-batch responses, bisection, bounded
 * retries and an encrypted SQS on-failure destination.
 *
 * @example
 * ```ts
 * const scoring = new StreamScoring(this, 'Scoring', {
 *   inputStream, dataKey, entry: 'lambda/entry.ts', environment: { PREDICTIONS_STREAM_NAME: 'out' },
 * });
 * scoring.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['kinesis:PutRecords'], resources: [out.streamArn] }));
 * ```
 */
export class StreamScoring extends Construct {
  /** The function's execution role; holds only the statements added here and by the owner. */
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly function: NodejsFunction;
  /** Receives the metadata (shard, sequence range) of batches that exhausted retries or age. */
  readonly onFailureQueue: Queue;
  readonly eventSourceMapping: EventSourceMapping;

  constructor(scope: Construct, id: string, props: StreamScoringProps) {
    super(scope, id);
    const source = props.eventSource ?? {};

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      // Logs outlive the stack: they are the record of what the function did.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Ride-duration scoring function: reads ride events, writes predictions and dead letters.',
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // Wildcard required: Lambda names a new log stream per execution environment at run time.
        // It is confined to this function's own log group.
        resources: [
          Stack.of(this).formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: `${this.logGroup.logGroupName}:log-stream:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadInputStream',
        // What a Kinesis event source mapping needs on its execution role (no enhanced fan-out).
        actions: [
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
          'kinesis:ListShards',
        ],
        resources: [props.inputStream.streamArn],
      }),
    );

    if (props.dataKey !== undefined) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'UseDataKey',
          // Decrypt: reading the input stream. GenerateDataKey: writing the on-failure queue, the
          // output stream and dead-letter objects, which the same key encrypts. Nothing else.
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.dataKey.keyArn],
        }),
      );
    }

    this.onFailureQueue = new Queue(this, 'OnFailureQueue', {
      ...(props.dataKey === undefined
        ? { encryption: QueueEncryption.SQS_MANAGED }
        : { encryption: QueueEncryption.KMS, encryptionMasterKey: props.dataKey }),
      enforceSSL: true,
      retentionPeriod: ON_FAILURE_QUEUE_RETENTION,
    });
    Validations.of(this.onFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the event source mapping (it receives the metadata of batches that exhausted retries); a dead-letter queue behind it would have nothing to catch.',
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'SendFailedBatchMetadata',
        actions: ['sqs:SendMessage'],
        resources: [this.onFailureQueue.queueArn],
      }),
    );

    const logLevel = props.logLevel ?? DEFAULT_LOG_LEVEL;
    this.function = new NodejsFunction(this, 'Function', {
      // One minified ESM file built by the project's own esbuild, no Docker (cdk/handler-bundle.ts).
      entry: props.entry,
      handler: props.handler ?? 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: HANDLER_BUNDLING,
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: props.timeout ?? DEFAULT_TIMEOUT,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      // INFO keeps Lambda's REPORT lines: init duration and max memory used are nowhere else.
      systemLogLevelV2: SystemLogLevel.INFO,
      description: 'Scores ride events from Kinesis with the ride-duration model.',
      environment: { ...props.environment },
    });

    // A destination that only names the queue: the role already holds exactly `sqs:SendMessage`
    // (and the key statement), whereas SqsDlq would add GetQueueAttributes/GetQueueUrl and KMS wildcards.
    const queueArn = this.onFailureQueue.queueArn;
    const onFailure: IEventSourceDlq = { bind: () => ({ destination: queueArn }) };
    this.eventSourceMapping = new EventSourceMapping(this, 'EventSource', {
      target: this.function,
      eventSourceArn: props.inputStream.streamArn,
      startingPosition: StartingPosition[source.startingPosition ?? DEFAULT_STARTING_POSITION],
      batchSize: source.batchSize ?? DEFAULT_BATCH_SIZE,
      maxBatchingWindow: source.maxBatchingWindow ?? DEFAULT_MAX_BATCHING_WINDOW,
      parallelizationFactor: source.parallelizationFactor ?? DEFAULT_PARALLELIZATION_FACTOR,
      retryAttempts: source.retryAttempts ?? DEFAULT_RETRY_ATTEMPTS,
      maxRecordAge: source.maxRecordAge ?? DEFAULT_MAX_RECORD_AGE,
      // The handler returns only the records whose output write failed; Lambda resumes from the
      // lowest of them instead of retrying the whole batch.
      reportBatchItemFailures: true,
      // A failing batch is split in two and retried, isolating a lasting fault to fewer records.
      bisectBatchOnError: true,
      onFailure,
    });
    // The mapping is validated against the role at creation: create it after the policy exists.
    this.eventSourceMapping.node.addDependency(this.role);
  }
}
