/**
 * The ride-duration stream stack: input and output streams, the scoring function, the model bucket,
 * dead letters, alarms and a dashboard. Environment-agnostic (no lookups), so it synthesizes offline.
 */
import { dirname, join, posix } from 'node:path';
import { CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { CfnElement } from 'aws-cdk-lib';
import type { Duration, StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct, IConstruct } from 'constructs';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SHADOW_PAIRS_PREFIX, ENV } from '../lambda/config.js';
import { RECIPE_SUFFIX } from '../lambda/model/locate.js';
import {
  ACCESS_LOG_RETENTION,
  DEFAULT_DEAD_LETTER_PREFIX,
  DEFAULT_DEAD_LETTER_RETENTION,
  DEFAULT_INPUT_STREAM_NAME,
  DEFAULT_ITERATOR_AGE_ALARM,
  DEFAULT_UNSEEN_FEATURE_ALARM_PERCENT,
  DEFAULT_LOG_LEVEL,
  DEFAULT_MODEL_FILE,
  DEFAULT_MODEL_KEY,
  DEFAULT_OUTPUT_STREAM_NAME,
  DEFAULT_SERVICE_NAME,
  DEFAULT_STREAM_RETENTION,
} from './defaults.js';
import type { LogLevel } from './defaults.js';
import { ScoringMonitoring } from './monitoring.js';
import { HANDLER_ENTRY, REPO_ROOT } from './handler-bundle.js';
import { StreamScoring } from './stream-scoring.js';
import type { ScoringEventSourceProps } from './stream-scoring.js';

export { HANDLER_ENTRY, REPO_ROOT } from './handler-bundle.js';

export interface RideDurationStackProps extends StackProps {
  /** @default 'ride_events' */
  readonly inputStreamName?: string;
  /** @default 'ride_predictions' */
  readonly outputStreamName?: string;
  /**
   * Provisioned shards for each stream. Unset means on-demand, which needs no capacity planning for
   * bursty ride traffic; set it when the traffic is steady enough for provisioned to be cheaper.
   * @default undefined (on-demand)
   */
  readonly shardCount?: number;
  /** @default 24 hours */
  readonly streamRetention?: Duration;
  /**
   * Encrypt streams, the on-failure queue and dead letters with one customer managed KMS key
   * (rotated, retained) instead of the AWS managed keys (`aws/kinesis`, SSE-SQS, SSE-S3). Both are
   * encryption at rest; the AWS managed keys cost nothing per request and need no KMS permission in
   * the function's role (cdk-nag AwsSolutions-KDS3 recommends them), a customer managed key gives
   * control of the key policy and revocation when compliance requires it.
   * @default false
   */
  readonly customerManagedKey?: boolean;
  /**
   * Name of an existing model bucket to use instead of creating one. The function gets
   * `s3:GetObject` on the model object only.
   * @default undefined (a bucket is created)
   */
  readonly modelBucketName?: string;
  /** KMS key of an imported model bucket encrypted with SSE-KMS; the function may then decrypt with it. */
  readonly modelBucketKeyArn?: string;
  /**
   * Key of the model the function loads. A key ending in `/` names an MLflow model folder.
   * @default 'models/lin_reg.bin' (where the default model is uploaded)
   */
  readonly modelKey?: string;
  /** Upload `model-artifacts/lin_reg.bin` to `models/lin_reg.bin` with a BucketDeployment. @default true */
  readonly deployDefaultModel?: boolean;
  /**
   * Key of a candidate model in the model bucket, scored in the shadow of the production model
   * (`SHADOW_MODEL_LOCATION`): its pairs go under `shadow/` of the dead-letter bucket.
   * @default undefined (no shadow)
   */
  readonly shadowModelKey?: string;
  /** Expected sha256 of the model (`MODEL_SHA256`); the function refuses a different file. */
  readonly modelSha256?: string;
  /** `version` in every prediction (`RUN_ID`). @default undefined (the model's own version id: MLflow run id, else `sha256:<first 12 hex>` of its bytes; `+recipe:<first 12 hex>` when a recipe file is beside it) */
  readonly runId?: string;
  /** @default 'dead-letters/' */
  readonly deadLetterPrefix?: string;
  /** Dead letters expire after this. @default 30 days */
  readonly deadLetterRetention?: Duration;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly logRetention?: RetentionDays;
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /** `POWERTOOLS_SERVICE_NAME`, also the `service` dimension of the metrics. @default 'ride-duration-stream' */
  readonly serviceName?: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`. @default 'RideDurationStream' */
  readonly metricsNamespace?: string;
  readonly eventSource?: ScoringEventSourceProps;
  /** @default 5 minutes */
  readonly iteratorAgeAlarmThreshold?: Duration;
  /** Sustained share (percent) of rides with feature values the model never saw that raises the drift alarm. @default 25 */
  readonly unseenFeatureAlarmPercent?: number;
  /** E-mail address notified of every alarm (an SNS topic is created only when set). */
  readonly alarmEmail?: string;
  /** The function's entry file (exports `handler`). @default lambda/entry.ts */
  readonly handlerEntry?: string;
}

/**
 * The whole pipeline in one stack.
 *
 * @example
 * ```ts
 * const app = new App();
 * new RideDurationStack(app, 'RideDurationStream', { shardCount: 2, alarmEmail: 'ops@example.com' });
 * ```
 */
export class RideDurationStack extends Stack {
  /** Present only with `customerManagedKey`. */
  readonly dataKey: Key | undefined;
  readonly inputStream: Stream;
  readonly outputStream: Stream;
  readonly modelBucket: IBucket;
  readonly modelKey: string;
  /** The shadow model's key, when one is configured. */
  readonly shadowModelKey: string | undefined;
  readonly deadLetterBucket: Bucket;
  readonly deadLetterPrefix: string;
  readonly accessLogsBucket: Bucket;
  readonly defaultModelDeployment: BucketDeployment | undefined;
  readonly scoring: StreamScoring;
  readonly monitoring: ScoringMonitoring;

  constructor(scope: Construct, id: string, props: RideDurationStackProps = {}) {
    super(scope, id, {
      description: 'ride-duration-stream: scores ride events from Kinesis and writes predictions to Kinesis.',
      ...props,
    });

    this.dataKey =
      props.customerManagedKey === true
        ? new Key(this, 'DataKey', {
            description: 'Encrypts ride events, predictions, dead letters and the on-failure queue.',
            enableKeyRotation: true,
            // Retained dead letters are encrypted with this key; deleting it would make them unreadable.
            removalPolicy: RemovalPolicy.RETAIN,
          })
        : undefined;

    const streamProps = {
      ...(this.dataKey === undefined
        ? { encryption: StreamEncryption.MANAGED }
        : { encryption: StreamEncryption.KMS, encryptionKey: this.dataKey }),
      retentionPeriod: props.streamRetention ?? DEFAULT_STREAM_RETENTION,
      ...(props.shardCount === undefined
        ? { streamMode: StreamMode.ON_DEMAND }
        : { streamMode: StreamMode.PROVISIONED, shardCount: props.shardCount }),
      // Stream data expires within the retention anyway; a retained, named stream would only block
      // the next deployment of the same names.
      removalPolicy: RemovalPolicy.DESTROY,
    };
    this.inputStream = new Stream(this, 'InputStream', {
      streamName: props.inputStreamName ?? DEFAULT_INPUT_STREAM_NAME,
      ...streamProps,
    });
    this.outputStream = new Stream(this, 'OutputStream', {
      streamName: props.outputStreamName ?? DEFAULT_OUTPUT_STREAM_NAME,
      ...streamProps,
    });
    if (this.dataKey !== undefined) {
      for (const stream of [this.inputStream, this.outputStream]) {
        Validations.of(stream).acknowledge({
          id: 'AwsSolutions-KDS3',
          reason:
            'A customer managed key was requested (context customerManagedKey=true) for control over the key policy, rotation and revocation; its per-request KMS cost is accepted.',
        });
      }
    }

    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      // S3 server access log delivery writes with SSE-S3; it cannot use a customer managed key.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: ACCESS_LOG_RETENTION }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the model and dead-letter buckets; logging it into itself would log its own log deliveries without end.',
    });

    this.modelKey = (props.modelKey ?? DEFAULT_MODEL_KEY).replace(/^\/+/, '');
    this.shadowModelKey = props.shadowModelKey?.replace(/^\/+/, '') || undefined;
    this.modelBucket =
      props.modelBucketName === undefined
        ? new Bucket(this, 'ModelBucket', {
            // The model is not personal data; SSE-S3 keeps cold-start downloads free of KMS calls.
            encryption: BucketEncryption.S3_MANAGED,
            blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
            enforceSSL: true,
            // Every upload of a model key keeps the previous one: a rollback is a version away.
            versioned: true,
            serverAccessLogsBucket: this.accessLogsBucket,
            serverAccessLogsPrefix: 'model-bucket/',
            removalPolicy: RemovalPolicy.RETAIN,
          })
        : Bucket.fromBucketName(this, 'ModelBucket', props.modelBucketName);

    this.defaultModelDeployment = props.deployDefaultModel === false ? undefined : this.deployDefaultModel(this.modelBucket);

    this.deadLetterPrefix = normalizePrefix(props.deadLetterPrefix ?? DEFAULT_DEAD_LETTER_PREFIX);
    if (this.shadowModelKey !== undefined && (this.deadLetterPrefix.startsWith(DEFAULT_SHADOW_PAIRS_PREFIX) || DEFAULT_SHADOW_PAIRS_PREFIX.startsWith(this.deadLetterPrefix))) {
      // Separate prefixes keep the write grants, and the Athena tables over them, apart.
      throw new Error(`deadLetterPrefix ${JSON.stringify(this.deadLetterPrefix)} overlaps the shadow pairs' prefix ${JSON.stringify(DEFAULT_SHADOW_PAIRS_PREFIX)}`);
    }
    // A bucket of its own rather than a prefix of the model bucket: dead letters are raw rider
    // events (personal data) that expire, encrypted with the data key, while models are long-lived
    // artifacts that ops upload by hand; separate buckets keep their policies, lifecycles and
    // access logs apart, and an imported model bucket is never written to.
    this.deadLetterBucket = new Bucket(this, 'DeadLetterBucket', {
      // Same key as the streams the dead letters came from; SSE-S3 when those use AWS managed keys.
      ...(this.dataKey === undefined
        ? { encryption: BucketEncryption.S3_MANAGED }
        : { encryption: BucketEncryption.KMS, encryptionKey: this.dataKey, bucketKeyEnabled: true }),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'dead-letter-bucket/',
      lifecycleRules: [{ expiration: props.deadLetterRetention ?? DEFAULT_DEAD_LETTER_RETENTION }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const serviceName = props.serviceName ?? DEFAULT_SERVICE_NAME;
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const logLevel = props.logLevel ?? DEFAULT_LOG_LEVEL;
    const environment: Record<string, string> = {
      [ENV.predictionsStreamName]: this.outputStream.streamName,
      [ENV.modelLocation]: `s3://${this.modelBucket.bucketName}/${this.modelKey}`,
      [ENV.deadLetterBucket]: this.deadLetterBucket.bucketName,
      [ENV.deadLetterPrefix]: this.deadLetterPrefix,
      [ENV.serviceName]: serviceName,
      [ENV.metricsNamespace]: metricsNamespace,
      [ENV.logLevel]: logLevel,
      ...(props.runId === undefined ? {} : { [ENV.runId]: props.runId }),
      ...(this.shadowModelKey === undefined
        ? {}
        : {
            [ENV.shadowModelLocation]: `s3://${this.modelBucket.bucketName}/${this.shadowModelKey}`,
            [ENV.shadowPairsPrefix]: DEFAULT_SHADOW_PAIRS_PREFIX,
          }),
      ...(props.modelSha256 === undefined ? {} : { [ENV.modelSha256]: props.modelSha256.toLowerCase() }),
    };

    this.scoring = new StreamScoring(this, 'Scoring', {
      inputStream: this.inputStream,
      dataKey: this.dataKey,
      entry: props.handlerEntry ?? HANDLER_ENTRY,
      environment,
      ...(props.memorySize === undefined ? {} : { memorySize: props.memorySize }),
      ...(props.timeout === undefined ? {} : { timeout: props.timeout }),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      logLevel,
      ...(props.eventSource === undefined ? {} : { eventSource: props.eventSource }),
    });
    this.grantFunctionAccess(props);
    if (this.defaultModelDeployment !== undefined) {
      // Start consuming only once the default model is in place, so the first batch finds it.
      this.scoring.eventSourceMapping.node.addDependency(this.defaultModelDeployment);
    }

    this.monitoring = new ScoringMonitoring(this, 'Monitoring', {
      scoring: this.scoring,
      inputStream: this.inputStream,
      outputStream: this.outputStream,
      serviceName,
      metricsNamespace,
      iteratorAgeThreshold: props.iteratorAgeAlarmThreshold ?? DEFAULT_ITERATOR_AGE_ALARM,
      unseenFeatureAlarmPercent: props.unseenFeatureAlarmPercent ?? DEFAULT_UNSEEN_FEATURE_ALARM_PERCENT,
      alarmEmail: props.alarmEmail,
      shadow: this.shadowModelKey !== undefined,
    });

    this.addOutputs();
  }

  /** The statements the function needs beyond reading its input (which StreamScoring grants). */
  private grantFunctionAccess(props: RideDurationStackProps): void {
    const role = this.scoring.role;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'WritePredictions',
        // The handler writes only with PutRecords (batches of up to 500); PutRecord is not needed.
        actions: ['kinesis:PutRecords'],
        resources: [this.outputStream.streamArn],
      }),
    );
    // A single model file: exactly its key and its recipe's (`<key>.recipe.json`, read when
    // present). An MLflow folder: the objects under it (MLmodel, the pickle, recipe.json), a
    // wildcard S3 requires because the folder's file names are not known here.
    const modelObjects = (key: string): string[] =>
      key.endsWith('/')
        ? [this.modelBucket.arnForObjects(`${key}*`)]
        : [this.modelBucket.arnForObjects(key), this.modelBucket.arnForObjects(`${key}${RECIPE_SUFFIX}`)];
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'ReadModel', actions: ['s3:GetObject'], resources: modelObjects(this.modelKey) }));
    const shadowKey = this.shadowModelKey;
    if (shadowKey !== undefined) {
      role.addToPrincipalPolicy(new PolicyStatement({ sid: 'ReadShadowModel', actions: ['s3:GetObject'], resources: modelObjects(shadowKey) }));
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'WriteShadowPairs',
          actions: ['s3:PutObject'],
          // One object per batch under a key chosen at run time; only under the pairs' prefix.
          resources: [this.deadLetterBucket.arnForObjects(`${DEFAULT_SHADOW_PAIRS_PREFIX}*`)],
        }),
      );
    }
    if (props.modelBucketKeyArn !== undefined) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'DecryptModel',
          actions: ['kms:Decrypt'],
          resources: [props.modelBucketKeyArn],
        }),
      );
    }
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'WriteDeadLetters',
        actions: ['s3:PutObject'],
        // Wildcard required: the handler names one object per batch at run time. Confined to the
        // dead-letter prefix of the dead-letter bucket; no read, list or delete.
        resources: [this.deadLetterBucket.arnForObjects(`${this.deadLetterPrefix}*`)],
      }),
    );

    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy === undefined) return;
    acknowledgeWildcard(
      policy,
      this.scoring.logGroup.node.defaultChild,
      (logGroup) =>
        `Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:<${logGroup}>:log-stream:*`,
      'Lambda creates a log stream per execution environment with a name chosen at run time; the statement is confined to the function\'s own log group.',
    );
    acknowledgeWildcard(
      policy,
      this.deadLetterBucket.node.defaultChild,
      (bucket) => `Resource::<${bucket}.Arn>/${this.deadLetterPrefix}*`,
      'The handler writes one dead-letter object per batch under a key chosen at run time; only s3:PutObject, only under the dead-letter prefix.',
    );
    if (shadowKey !== undefined) {
      acknowledgeWildcard(
        policy,
        this.deadLetterBucket.node.defaultChild,
        (bucket) => `Resource::<${bucket}.Arn>/${DEFAULT_SHADOW_PAIRS_PREFIX}*`,
        'The handler writes one object of shadow pairs per batch under a key chosen at run time; only s3:PutObject, only under the shadow prefix.',
      );
    }
    const bucketRef =
      props.modelBucketName === undefined
        ? `<${this.getLogicalId(this.modelBucket.node.defaultChild as CfnElement)}.Arn>`
        : `arn:<AWS::Partition>:s3:::${props.modelBucketName}`;
    for (const key of [this.modelKey, ...(shadowKey === undefined ? [] : [shadowKey])].filter((k) => k.endsWith('/'))) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketRef}/${key}*]`,
        reason:
          'An MLflow model folder holds MLmodel and the pickle under names read from MLmodel at run time; only s3:GetObject, only under that folder.',
      });
    }
  }

  /** Uploads the default model. */
  private deployDefaultModel(bucket: IBucket): BucketDeployment {
    const file = join(REPO_ROOT, DEFAULT_MODEL_FILE);
    const name = posix.basename(DEFAULT_MODEL_FILE);
    const deployment = new BucketDeployment(this, 'DefaultModel', {
      sources: [Source.asset(dirname(file), { exclude: ['*', `!${name}`] })],
      destinationBucket: bucket,
      destinationKeyPrefix: `${posix.dirname(DEFAULT_MODEL_KEY)}/`,
      // Never delete the models ops uploaded next to the default one.
      prune: false,
      retainOnDelete: true,
    });
    this.acknowledgeBucketDeploymentProvider();
    return deployment;
  }

  /**
   * The BucketDeployment provider is aws-cdk-lib's own singleton function; its role and runtime are
   * not configurable from here. Each finding is acknowledged with the reason it is acceptable.
   */
  private acknowledgeBucketDeploymentProvider(): void {
    const provider = this.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (provider === undefined) return;
    const deploymentOnly =
      'Deploy-time only: aws-cdk-lib\'s BucketDeployment provider runs during `cdk deploy` to copy the default model from the CDK asset bucket; it never sees ride data.';
    Validations.of(provider).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: `${deploymentOnly} Its role is created by aws-cdk-lib with the basic execution policy for its logs.`,
      },
      {
        id: 'AwsSolutions-L1',
        reason: `${deploymentOnly} Its Python runtime is pinned by aws-cdk-lib together with the bundled AWS CLI layer.`,
      },
    );
    const destination = this.modelBucket.node.defaultChild;
    const destinationArn =
      destination === undefined
        ? `arn:<AWS::Partition>:s3:::${this.modelBucket.bucketName}`
        : `<${this.getLogicalId(destination as CfnElement)}.Arn>`;
    for (const finding of [...BUCKET_DEPLOYMENT_WILDCARDS, `Resource::${destinationArn}/*`]) {
      Validations.of(provider).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason: `${deploymentOnly} aws-cdk-lib grants it read on the asset objects and write on the destination bucket by wildcard because the file names are only known at deploy time.`,
      });
    }
  }

  private addOutputs(): void {
    const output = (id: string, value: string, description: string): CfnOutput =>
      new CfnOutput(this, id, { value, description });
    output('InputStreamName', this.inputStream.streamName, 'Kinesis stream of ride events (input)');
    output('InputStreamArn', this.inputStream.streamArn, 'ARN of the input stream');
    output('OutputStreamName', this.outputStream.streamName, 'Kinesis stream of predictions (output)');
    output('OutputStreamArn', this.outputStream.streamArn, 'ARN of the output stream');
    output('ModelBucketName', this.modelBucket.bucketName, 'Bucket holding the models');
    output('ModelLocation', `s3://${this.modelBucket.bucketName}/${this.modelKey}`, 'MODEL_LOCATION of the function');
    output('FunctionName', this.scoring.function.functionName, 'The scoring Lambda function');
    output('LogGroupName', this.scoring.logGroup.logGroupName, 'Log group of the scoring function');
    output('DeadLetterLocation', `s3://${this.deadLetterBucket.bucketName}/${this.deadLetterPrefix}`, 'Where poison records are written (JSON lines)');
    output('DeadLetterBucketName', this.deadLetterBucket.bucketName, 'Dead-letter bucket');
    if (this.shadowModelKey !== undefined) {
      output('ShadowModelLocation', `s3://${this.modelBucket.bucketName}/${this.shadowModelKey}`, 'SHADOW_MODEL_LOCATION of the function');
      output('ShadowPairsLocation', `s3://${this.deadLetterBucket.bucketName}/${DEFAULT_SHADOW_PAIRS_PREFIX}`, 'Where the shadow pairs are written (JSON lines)');
    }
    output('OnFailureQueueUrl', this.scoring.onFailureQueue.queueUrl, 'SQS queue receiving metadata of batches that exhausted retries');
    output('OnFailureQueueArn', this.scoring.onFailureQueue.queueArn, 'ARN of the on-failure queue');
    output('DashboardName', this.monitoring.dashboard.dashboardName, 'CloudWatch dashboard');
    if (this.monitoring.alarmTopic !== undefined) {
      output('AlarmTopicArn', this.monitoring.alarmTopic.topicArn, 'SNS topic notified of every alarm');
    }
  }
}

/** The IAM5 findings aws-cdk-lib's BucketDeployment provider role raises (actions and resources). */
const BUCKET_DEPLOYMENT_WILDCARDS = [
  'Action::s3:GetBucket*',
  'Action::s3:GetObject*',
  'Action::s3:List*',
  'Action::s3:Abort*',
  'Action::s3:DeleteObject*',
  'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
] as const;

/** A prefix that is empty or ends in exactly one `/`, without a leading `/` (as the handler normalizes it). */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

function acknowledgeWildcard(
  policy: IConstruct,
  element: IConstruct | undefined,
  finding: (logicalId: string) => string,
  reason: string,
): void {
  if (element === undefined) return;
  const logicalId = Stack.of(policy).getLogicalId(element as CfnElement);
  Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding(logicalId)}]`, reason });
}
