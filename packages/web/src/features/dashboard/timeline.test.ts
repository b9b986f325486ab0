import type { ActivityEvent } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { dayLabel, describeKind, eventLink, groupByDay, jobStatusOf, quotedName } from './timeline';

const at = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).toISOString();
const event = (id: number, when: string, kind: ActivityEvent['kind'] = 'job.succeeded', jobId: string | null = 'j1'): ActivityEvent => ({
  id,
  at: when,
  kind,
  message: `event ${id}`,
  jobId,
});
const now = new Date(2026, 10, 26, 15).getTime();

describe('dayLabel', () => {
  it('names today and yesterday, and dates otherwise (with the year only when it differs)', () => {
    expect(dayLabel(new Date(2026, 10, 26, 0, 1), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 25, 23, 59), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 20), now)).not.toMatch(/2026/);
    expect(dayLabel(new Date(2025, 0, 2), now)).toMatch(/2025/);
  });
  it('handles the first of the month (yesterday is in the month before)', () => {
    expect(dayLabel(new Date(2026, 10, 30), new Date(2026, 11, 1, 9).getTime())).toBe('Yesterday');
  });
});

describe('groupByDay', () => {
  it('groups newest-first events by local day, keeping their order', () => {
    const events = [event(4, at(2026, 11, 26, 14)), event(3, at(2026, 11, 26, 9)), event(2, at(2026, 11, 25)), event(1, at(2026, 11, 2))];
    const days = groupByDay(events, now);
    expect(days.map((d) => d.label.length > 0 && d.events.map((e) => e.id))).toEqual([[4, 3], [2], [1]]);
    expect(days.slice(0, 2).map((d) => d.label)).toEqual(['Today', 'Yesterday']);
  });
  it('returns nothing for no events, and survives a bad timestamp', () => {
    expect(groupByDay([], now)).toEqual([]);
    expect(groupByDay([event(1, 'not a date')], now)).toEqual([{ key: 'unknown', label: 'Unknown date', events: [event(1, 'not a date')] }]);
  });
});

describe('kinds', () => {
  it('maps job kinds to job statuses and others to none', () => {
    expect(jobStatusOf('job.started')).toBe('running');
    expect(jobStatusOf('job.failed')).toBe('failed');
    expect(jobStatusOf('job.deleted')).toBeNull();
    expect(jobStatusOf('dataset.created')).toBeNull();
  });
  it('says what an event is about and what happened', () => {
    expect(describeKind('dataset.versioned')).toEqual({ subject: 'dataset', subjectLabel: 'Dataset', action: 'versioned' });
    expect(describeKind('server.started').subjectLabel).toBe('Server');
  });
});

describe('quotedName', () => {
  it('finds the name in the server’s messages', () => {
    expect(quotedName('Dataset "chat v2" uploaded (3 records)')).toBe('chat v2');
    expect(quotedName('Demo model "tiny-llama" created')).toBe('tiny-llama');
    expect(quotedName('QLoRA Studio 0.1.0 started')).toBeNull();
  });
});

describe('eventLink', () => {
  const jobPath = (id: string) => `/activity/jobs/${id}`;
  it('links jobs to their page, unless deleted', () => {
    expect(eventLink(event(1, now.toString(), 'job.failed', 'abc'), jobPath)).toBe('/activity/jobs/abc');
    expect(eventLink(event(1, now.toString(), 'job.deleted', 'abc'), jobPath)).toBeNull();
  });
  it('links models and datasets to Fine-tune and settings to Settings', () => {
    expect(eventLink(event(1, '', 'dataset.created', null), jobPath)).toBe('/fine-tune');
    expect(eventLink(event(1, '', 'model.added', null), jobPath)).toBe('/fine-tune');
    expect(eventLink(event(1, '', 'model.deleted', null), jobPath)).toBeNull();
    expect(eventLink(event(1, '', 'settings.changed', null), jobPath)).toBe('/settings');
    expect(eventLink(event(1, '', 'server.started', null), jobPath)).toBeNull();
  });
});
