/** Facts about the machine the engine runs on. */
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The machine's facts, as the system check reports them (all sizes in bytes). */
export interface SystemInfo {
  node: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cpuCores: number;
  memoryTotalBytes: number;
  memoryFreeBytes: number;
  diskFreeBytes: number;
  diskTotalBytes: number;
}

/** Reads the machine's facts; disk figures are for the file system holding `workspace`. */
export async function readSystemInfo(workspace: string): Promise<SystemInfo> {
  const disk = await diskSpace(workspace);
  return {
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    // Containers sometimes hide /proc/cpuinfo, leaving os.cpus() empty.
    cpuModel: os.cpus()[0]?.model.trim() || 'unknown',
    cpuCores: os.availableParallelism(),
    memoryTotalBytes: os.totalmem(),
    memoryFreeBytes: os.freemem(),
    diskFreeBytes: disk.freeBytes,
    diskTotalBytes: disk.totalBytes,
  };
}

/**
 * Free and total bytes of the file system holding `folder`. A folder not created yet is
 * measured at its nearest existing parent, where it will live.
 */
export async function diskSpace(folder: string): Promise<{ freeBytes: number; totalBytes: number }> {
  let current = path.resolve(folder);
  for (;;) {
    try {
      const stats = await statfs(current);
      // bavail, not bfree: blocks reserved for root are not ours to use.
      return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
    } catch (error) {
      const parent = path.dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      current = parent;
    }
  }
}

/** A byte count in plain words, e.g. '15.6 GiB'. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
