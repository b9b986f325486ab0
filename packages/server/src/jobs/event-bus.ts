import type { JobEvent } from '@qlora-studio/contracts';

export type JobEventListener = (event: JobEvent) => void;

/** In-process fan-out of stored job events to live subscribers (SSE streams). */
export class JobEventBus {
  private readonly listeners = new Set<JobEventListener>();

  subscribe(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: JobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber must not stop the others; it removes itself on close.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
