/** What a Kinesis event record says about where it came from. */
import type { KinesisStreamRecord } from 'aws-lambda';

/** The record's shard: the part of its `eventID` before the colon (`shardId-000000000000:4954…`). */
export function shardIdOf(record: KinesisStreamRecord): string {
  const colon = record.eventID.indexOf(':');
  return colon > 0 ? record.eventID.slice(0, colon) : record.eventID;
}
