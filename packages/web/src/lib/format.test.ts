import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatRelativeTime, secondsBetween } from './format';

describe('formatRelativeTime', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  it('says "just now" inside 45 seconds', () => {
    expect(formatRelativeTime('2025-01-01T11:59:30Z', now)).toBe('just now');
  });
  it('counts minutes, hours and days in the past', () => {
    expect(formatRelativeTime('2025-01-01T11:55:00Z', now)).toMatch(/5 minutes ago/);
    expect(formatRelativeTime('2025-01-01T09:00:00Z', now)).toMatch(/3 hours ago/);
    expect(formatRelativeTime('2024-12-29T12:00:00Z', now)).toMatch(/3 days ago/);
  });
  it('handles unparseable input', () => {
    expect(formatRelativeTime('not a date', now)).toBe('unknown time');
  });
});

describe('formatBytes', () => {
  it('uses powers of 1024', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(16 * 1024 ** 3)).toBe('16.0 GiB');
  });
});

describe('formatDuration', () => {
  it('picks a unit a person reads at a glance', () => {
    expect(formatDuration(0.44)).toBe('0.4 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3725)).toBe('1 h 2 min');
  });
});

describe('secondsBetween', () => {
  it('measures to now when the end is missing', () => {
    expect(secondsBetween('2025-01-01T00:00:00Z', null, Date.parse('2025-01-01T00:01:00Z'))).toBe(60);
  });
});
