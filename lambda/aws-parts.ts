/**
 * Everything of the function that needs the AWS SDK's clients, in one module that the handler
 * imports on demand: the bundler makes it a chunk of its own, compiled only when a batch writes to
 * Kinesis or S3, or when the model is read through the SDK (no credentials in the environment).
 */
export { createKinesisClient, createS3Client } from './aws-clients.js';
export { sdkS3Reader } from './sdk-s3-reader.js';
export { S3DeadLetterSink } from './sinks/dead-letter.js';
export { KinesisOutputSink } from './sinks/kinesis.js';
