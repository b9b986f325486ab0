import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parseStored, readStoredText, recordOfValid, storedJson, writeStoredText } from './browser-storage';
import { memoryStorage } from './test-storage';

const point = z.object({ x: z.number(), y: z.number() });
const origin = () => ({ x: 0, y: 0 });

describe('parseStored', () => {
  it('reads JSON that fits the schema', () => {
    expect(parseStored('{"x":1,"y":2}', point, origin)).toEqual({ x: 1, y: 2 });
  });

  it('falls back when the value is absent, not JSON, or of another shape', () => {
    for (const raw of [null, '', '{nope', 'null', '[1,2]', '{"x":"1","y":2}']) expect(parseStored(raw, point, origin)).toEqual(origin());
  });
});

describe('recordOfValid', () => {
  it('keeps the entries that fit and leaves out the rest', () => {
    expect(recordOfValid(point).parse({ a: { x: 1, y: 2 }, b: { x: 'old' }, c: 3 })).toEqual({ a: { x: 1, y: 2 } });
  });

  it('is not a record when the value is not an object', () => {
    expect(recordOfValid(point).safeParse([{ x: 1, y: 2 }]).success).toBe(false);
  });
});

describe('storedJson', () => {
  beforeEach(() => {
    vi.stubGlobal('localStorage', memoryStorage());
    vi.stubGlobal('sessionStorage', memoryStorage());
  });
  afterEach(() => vi.unstubAllGlobals());

  it('writes JSON, reads it back through the schema, and null forgets it', () => {
    const stored = storedJson('local', 'test.point', point, () => null);
    expect(stored.read()).toBeNull();
    stored.write({ x: 1, y: 2 });
    expect(localStorage.getItem('test.point')).toBe('{"x":1,"y":2}');
    expect(stored.read()).toEqual({ x: 1, y: 2 });
    stored.write(null);
    expect(localStorage.getItem('test.point')).toBeNull();
  });

  it('keeps local and session values apart', () => {
    storedJson('session', 'test.point', point, () => null).write({ x: 3, y: 4 });
    expect(localStorage.getItem('test.point')).toBeNull();
    expect(sessionStorage.getItem('test.point')).toBe('{"x":3,"y":4}');
  });

  it('gives the fallback for what an older version wrote', () => {
    localStorage.setItem('test.point', '{"x":1}');
    expect(storedJson('local', 'test.point', point, origin).read()).toEqual(origin());
  });

  it('goes on when storage is blocked or full', () => {
    const refuse = () => {
      throw new Error('SecurityError');
    };
    const blocked = { getItem: refuse, setItem: refuse, removeItem: refuse };
    vi.stubGlobal('localStorage', blocked);
    expect(readStoredText('local', 'k')).toBeNull();
    expect(() => writeStoredText('local', 'k', 'v')).not.toThrow();
    expect(storedJson('local', 'test.point', point, origin).read()).toEqual(origin());
  });
});
