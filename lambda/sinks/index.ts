export type { DeadLetter, DeadLetterKind, DeadLetterSink, OutputFailure, OutputRecord, OutputSink, WriteOptions } from './types.js';
export { OutputBatch } from './output-batch.js';
export { MemoryDeadLetterSink, MemoryOutputSink } from './memory.js';
export { LogDeadLetterSink } from './log.js';
export {
  S3DeadLetterSink,
  deadLetterKey,
  deadLettersToJsonLines,
  DEAD_LETTER_CONTENT_TYPE,
  type PutObjectOptions,
  type S3DeadLetterSinkOptions,
  type S3ObjectWriter,
} from './dead-letter.js';
export { sdkS3ObjectWriter } from './dead-letter-sdk.js';
export {
  KinesisOutputSink,
  putRecordsReliably,
  chunkRecords,
  DEFAULT_RETRY_POLICY,
  PUT_RECORDS_MAX_BYTES,
  PUT_RECORDS_MAX_ENTRIES,
  RETRYABLE_ENTRY_ERRORS,
  type KinesisOutputSinkOptions,
  type PutRecordsClient,
  type PutRecordsInput,
  type PutRecordsOutput,
  type PutRecordsOptions,
  type PutRecordsReport,
  type RetryPolicy,
} from './kinesis.js';
export { sdkPutRecords } from './kinesis-sdk.js';
