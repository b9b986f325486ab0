import fs from 'node:fs';
import os from 'node:os';
import type { ResourceSample } from '@qlora-studio/contracts';

interface CpuTimes {
  idle: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

/** Memory in use the way `free` counts it: total minus what is available (cache counts as free). */
export function memoryUsedBytes(): number {
  try {
    const meminfo = fs.readFileSync('/proc/meminfo', 'utf8');
    const available = /MemAvailable:\s+(\d+) kB/.exec(meminfo);
    if (available?.[1]) return os.totalmem() - Number(available[1]) * 1024;
  } catch {
    // Not Linux: fall back to free memory.
  }
  return os.totalmem() - os.freemem();
}

export function diskSpace(folder: string): { freeBytes: number; totalBytes: number } {
  const stats = fs.statfsSync(folder);
  return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}

/** Samples CPU, memory and disk every interval and keeps the recent history for the health monitor. */
export class ResourceSampler {
  private readonly samples: ResourceSample[] = [];
  private previous = cpuTimes();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly folder: string,
    readonly intervalMs = 2000,
    private readonly keep = 150,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  history(): ResourceSample[] {
    return [...this.samples];
  }

  sample(): ResourceSample {
    const now = cpuTimes();
    const total = now.total - this.previous.total;
    const busy = total - (now.idle - this.previous.idle);
    this.previous = now;
    const disk = diskSpace(this.folder);
    const sample: ResourceSample = {
      at: new Date().toISOString(),
      cpuPercent: total > 0 ? Math.round((busy / total) * 1000) / 10 : 0,
      memoryUsedBytes: memoryUsedBytes(),
      memoryTotalBytes: os.totalmem(),
      diskFreeBytes: disk.freeBytes,
      diskTotalBytes: disk.totalBytes,
    };
    this.samples.push(sample);
    if (this.samples.length > this.keep) this.samples.shift();
    return sample;
  }
}
