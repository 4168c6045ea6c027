/**
 * Every default of the stack, named once, each with the reason it is the default.
 *
 * Each one can be overridden by a typed prop ({@link RideDurationStackProps}) or, from the command
 * line, by the CDK context key named in the README's deployment section (`cdk deploy -c name=value`).
 */
import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_DEAD_LETTER_PREFIX, DEFAULT_SERVICE_NAME } from '../lambda/config.js';

/** Stack name used by `cdk/app.ts`; one stack holds the whole pipeline. */
export const DEFAULT_STACK_NAME = 'RideDurationStream';

/** The course's stream names, so producers and consumers written for the course work unchanged. */
export const DEFAULT_INPUT_STREAM_NAME = 'ride_events';
export const DEFAULT_OUTPUT_STREAM_NAME = 'ride_predictions';

/**
 * 24 hours, the Kinesis minimum and the cheapest. It still leaves the operators most of a day to
 * replay a batch from the on-failure queue's metadata after {@link DEFAULT_MAX_RECORD_AGE} expires.
 */
export const DEFAULT_STREAM_RETENTION = Duration.hours(24);

/** Where the default model is uploaded in a created bucket, and the key the function reads by default. */
export const DEFAULT_MODEL_KEY = 'models/lin_reg.bin';

/** The default model shipped in the repository (the course's `lin_reg.bin`), relative to the repo root. */
export const DEFAULT_MODEL_FILE = 'model-artifacts/lin_reg.bin';

/** Poison records land under this prefix; the same default as the handler's own (lambda/config.ts). */
export { DEFAULT_DEAD_LETTER_PREFIX, DEFAULT_SERVICE_NAME };

/**
 * Dead letters hold raw rider events: keep them long enough to investigate and replay (a month of
 * incidents), then let S3 delete them rather than keep personal data forever.
 */
export const DEFAULT_DEAD_LETTER_RETENTION = Duration.days(30);

/** Server access logs are an audit trail; 90 days covers a quarter's review, then they expire. */
export const ACCESS_LOG_RETENTION = Duration.days(90);

/**
 * 512 MB: Lambda's CPU share grows with memory, and the cold start parses the pickle and builds the
 * model in JavaScript; the course model needs a few MB, a forest a few tens of MB.
 */
export const DEFAULT_MEMORY_MB = 512;

/**
 * 60 s covers a cold start (model download and parse) plus PutRecords retries with backoff, which
 * the handler bounds by the remaining time; far below the 900 s ceiling so a stuck batch is retried soon.
 */
export const DEFAULT_TIMEOUT = Duration.seconds(60);

/** A month of function logs: enough for incident review, bounded cost. */
export const DEFAULT_LOG_RETENTION = RetentionDays.ONE_MONTH;

/** Powertools log level. INFO logs one line per batch and every dead letter, not every record. */
export const DEFAULT_LOG_LEVEL = 'INFO';
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Lambda's own default for Kinesis; one PutRecords call (limit 500) per batch. */
export const DEFAULT_BATCH_SIZE = 100;

/**
 * 1 s: at low traffic it groups rides into one invocation instead of one per ride, and adds at most a
 * second of latency to a prediction.
 */
export const DEFAULT_MAX_BATCHING_WINDOW = Duration.seconds(1);

/**
 * 1 concurrent batch per shard. On-demand streams add shards as traffic grows; raise it (up to 10)
 * only when the iterator age alarm shows a shard falling behind. Order per ride id is kept either way.
 */
export const DEFAULT_PARALLELIZATION_FACTOR = 1;

/**
 * 3 retries. Poison records never fail a batch (they are dead-lettered) and the handler already
 * retries throttled output writes itself, so a batch that still fails 3 more times (each time
 * bisected) has a lasting fault; it goes to the on-failure queue instead of blocking the shard.
 */
export const DEFAULT_RETRY_ATTEMPTS = 3;

/**
 * 1 hour: a ride-duration prediction an hour late is worthless to the consumer; older records go to
 * the on-failure queue (as metadata) and stay replayable from the stream for the rest of its retention.
 */
export const DEFAULT_MAX_RECORD_AGE = Duration.hours(1);

/**
 * LATEST: a new or replaced mapping must not replay a day of old rides whose predictions are stale.
 * Use TRIM_HORIZON to backfill.
 */
export const DEFAULT_STARTING_POSITION = 'LATEST';
export const STARTING_POSITIONS = ['LATEST', 'TRIM_HORIZON'] as const;
export type StartingPositionName = (typeof STARTING_POSITIONS)[number];

/**
 * Alarm when the oldest unprocessed record is older than 5 minutes: the 1 s batching window and a
 * cold start explain seconds, not minutes.
 */
export const DEFAULT_ITERATOR_AGE_ALARM = Duration.minutes(5);

/**
 * Alarm when more than this share (percent) of predicted rides carry a one-hot value the model never
 * saw, over three 5-minute periods in a row. Why 25: the shipped course model, trained on January
 * 2021, meets an unknown pick-up/drop-off pair in 9.1 % of February's rides (5,890 of 64,572), so a
 * healthy month sits well below it, while a quarter of rides outside what the model learned means
 * the world has moved (new zones, a new producer) and the model should be retrained.
 */
export const DEFAULT_UNSEEN_FEATURE_ALARM_PERCENT = 25;

/** The on-failure queue keeps batch metadata for its maximum, 14 days, to give time for a post-mortem. */
export const ON_FAILURE_QUEUE_RETENTION = Duration.days(14);
