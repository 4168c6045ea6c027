/**
 * A batch's output records: each prediction event's UTF-8 JSON and its partition key, in the order
 * the batch produced them. Sinks refer to records by their index in the batch when they report
 * failures.
 */
import { Buffer } from 'node:buffer';
import type { OutputRecord } from './types.js';

export class OutputBatch {
  private readonly records: OutputRecord[] = [];

  /** Builds a batch from ready records (tests, other producers). */
  static of(records: readonly OutputRecord[]): OutputBatch {
    const batch = new OutputBatch();
    for (const record of records) batch.addBytes(record.data, record.partitionKey);
    return batch;
  }

  get length(): number {
    return this.records.length;
  }

  /** Appends one record: its JSON text (written as UTF-8) and partition key. */
  add(json: string, partitionKey: string): void {
    this.records.push({ data: Buffer.from(json, 'utf8'), partitionKey });
  }

  addBytes(data: Uint8Array, partitionKey: string): void {
    this.records.push({ data, partitionKey });
  }

  /** Record i's bytes. */
  data(index: number): Uint8Array {
    return this.record(index).data;
  }

  partitionKey(index: number): string {
    return this.record(index).partitionKey;
  }

  /** Record i's JSON text. */
  text(index: number): string {
    return Buffer.from(this.data(index)).toString('utf8');
  }

  /** The records as `PutRecords` entries. */
  toRecords(): OutputRecord[] {
    return [...this.records];
  }

  private record(index: number): OutputRecord {
    const record = this.records[index];
    if (record === undefined) throw new RangeError(`no output record ${index} in a batch of ${this.length}`);
    return record;
  }
}
