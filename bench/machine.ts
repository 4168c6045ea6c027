/** The machine a figure was measured on. */
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly memoryGb: number;
  /** 1-minute load average when the bench started and ended: a busy machine slows wall-clock figures. */
  readonly loadAverage: { readonly start: number; readonly end?: number };
}

export function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    cpuModel: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    node: process.version,
    platform: `${process.platform} ${release()} ${process.arch}`,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: { start: Math.round(loadavg()[0]! * 100) / 100 },
  };
}

export function currentLoad(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}
