export type { DeadLetter, DeadLetterKind, DeadLetterSink, OutputFailure, OutputRecord, OutputSink, WriteOptions } from './types.js';
export { OutputBatch } from './output-batch.js';
export { MemoryDeadLetterSink, MemoryOutputSink } from './memory.js';
export { LogDeadLetterSink } from './log.js';
export {
  S3DeadLetterSink,
  deadLetterKey,
  spanKey,
  type RecordSpan,
  deadLettersToJsonLines,
  DEAD_LETTER_CONTENT_TYPE,
  type S3DeadLetterSinkOptions,
} from './dead-letter.js';
export {
  KinesisOutputSink,
  putRecordsReliably,
  chunkRecords,
  DEFAULT_RETRY_POLICY,
  PUT_RECORDS_MAX_BYTES,
  PUT_RECORDS_MAX_ENTRIES,
  RETRYABLE_ENTRY_ERRORS,
  type KinesisOutputSinkOptions,
  type PutRecordsOptions,
  type PutRecordsReport,
  type RetryPolicy,
} from './kinesis.js';
