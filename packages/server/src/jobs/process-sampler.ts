/**
 * What a job's worker process uses while it runs: CPU (% of one core, from /proc/<pid>/stat's
 * user + system clock ticks between samples) and resident memory (/proc/<pid>/status VmRSS),
 * and the bytes the job's output folder takes. Linux only; elsewhere there are no samples.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every mainstream Linux build). */
const TICKS_PER_SECOND = 100;

export interface ProcessSample {
  cpuPercent: number;
  rssBytes: number;
}

function cpuTicks(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces): state is field 3; utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

function rssBytes(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** Samples one process: each `sample()` gives CPU use since the previous one. */
export class ProcessSampler {
  private last: { ticks: number; at: number } | null;

  constructor(private readonly pid: number) {
    const ticks = cpuTicks(pid);
    this.last = ticks === null ? null : { ticks, at: performance.now() };
  }

  sample(): ProcessSample | null {
    const ticks = cpuTicks(this.pid);
    const rss = rssBytes(this.pid);
    if (ticks === null || rss === null || this.last === null) return null;
    const now = performance.now();
    const seconds = (now - this.last.at) / 1000;
    const cpuPercent = seconds > 0 ? ((ticks - this.last.ticks) / TICKS_PER_SECOND / seconds) * 100 : 0;
    this.last = { ticks, at: now };
    return { cpuPercent: Math.max(0, cpuPercent), rssBytes: rss };
  }
}

/** Bytes of every file under `dir` (0 when it does not exist yet). */
export function folderBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) {
      try {
        total += fs.statSync(full).size;
      } catch {
        // removed meanwhile
      }
    }
  }
  return total;
}
