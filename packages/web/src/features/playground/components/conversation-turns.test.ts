import { describe, expect, it } from 'vitest';
import { nextTurnRole } from './conversation-turns';

describe('nextTurnRole', () => {
  it('starts with the user and alternates after the last turn', () => {
    expect(nextTurnRole([])).toBe('user');
    expect(nextTurnRole([{ role: 'user', content: 'Q' }])).toBe('assistant');
    expect(
      nextTurnRole([
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: 'A' },
      ]),
    ).toBe('user');
  });
});
