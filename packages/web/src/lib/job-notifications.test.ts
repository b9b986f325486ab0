import { describe, expect, it } from 'vitest';
import { decideJobEndNotification, jobEndNotice, notificationBlockedReason } from './job-notifications';

const base = {
  status: 'succeeded',
  previous: 'running',
  notifyJobs: true,
  browserNotifyJobs: true,
  access: 'granted',
  visibility: 'hidden',
} as const;

describe('decideJobEndNotification', () => {
  it('toasts and notifies when a job ends while the page is hidden', () => {
    expect(decideJobEndNotification(base)).toEqual({ toast: true, browser: true });
    for (const status of ['failed', 'canceled', 'interrupted'] as const) {
      expect(decideJobEndNotification({ ...base, status })).toEqual({ toast: true, browser: true });
    }
  });
  it('only toasts while the page is visible', () => {
    expect(decideJobEndNotification({ ...base, visibility: 'visible' })).toEqual({ toast: true, browser: false });
  });
  it('says nothing for a job that has not ended, or whose end was already known', () => {
    expect(decideJobEndNotification({ ...base, status: 'running', previous: 'queued' })).toEqual({ toast: false, browser: false });
    expect(decideJobEndNotification({ ...base, previous: 'succeeded' })).toEqual({ toast: false, browser: false });
  });
  it('announces a job the app had not seen before', () => {
    expect(decideJobEndNotification({ ...base, previous: undefined })).toEqual({ toast: true, browser: true });
  });
  it('follows each preference on its own', () => {
    expect(decideJobEndNotification({ ...base, notifyJobs: false })).toEqual({ toast: false, browser: true });
    expect(decideJobEndNotification({ ...base, browserNotifyJobs: false })).toEqual({ toast: true, browser: false });
  });
  it('never notifies without the browser’s permission', () => {
    for (const access of ['default', 'denied', 'unsupported'] as const) {
      expect(decideJobEndNotification({ ...base, access }).browser).toBe(false);
    }
  });
});

describe('jobEndNotice', () => {
  it('names the job and the outcome, tagged by the job id', () => {
    expect(jobEndNotice({ id: 'j1', title: 'Fine-tune tiny-llama' }, 'succeeded')).toEqual({
      title: 'Fine-tune tiny-llama succeeded',
      body: 'Finished without problems. Click to see the results.',
      tag: 'j1',
    });
    expect(jobEndNotice({ id: 'j2' }, 'canceled').title).toBe('A job was canceled');
  });
  it('gives the error and what to try when it failed', () => {
    const notice = jobEndNotice({ id: 'j3', title: 'System check' }, 'failed', { message: 'Out of memory.', hint: 'Lower the batch size.' });
    expect(notice).toMatchObject({ title: 'System check failed', body: 'Out of memory. Lower the batch size.' });
    expect(jobEndNotice({ id: 'j3' }, 'failed', { message: 'Boom.', hint: null }).body).toBe('Boom.');
  });
});

describe('notificationBlockedReason', () => {
  it('explains a browser that blocks or lacks notifications', () => {
    expect(notificationBlockedReason('denied')).toMatch(/blocks notifications/);
    expect(notificationBlockedReason('unsupported')).toMatch(/does not support/);
    expect(notificationBlockedReason('granted')).toBeNull();
    expect(notificationBlockedReason('default')).toBeNull();
  });
});
