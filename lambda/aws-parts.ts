/**
 * Everything of the function that needs the AWS SDK's clients, in one module that the handler
 * imports on demand: the bundler makes it a chunk of its own, compiled only when a batch has poison
 * for the S3 dead letters, or when the output or the model goes through the SDK (no credentials in
 * the environment, or an injected client).
 */
export { createKinesisClient, createS3Client } from './aws-clients.js';
export { sdkS3Reader } from './sdk-s3-reader.js';
export { S3DeadLetterSink } from './sinks/dead-letter.js';
export { sdkPutRecords } from './sinks/kinesis-sdk.js';
