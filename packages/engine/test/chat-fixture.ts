import type { TrainingRecord } from '../src/train/data.js';

/** A two-exchange chat with a system prompt: the masking tests' conversation. */
export const twoExchangeChat: Extract<TrainingRecord, { kind: 'chat' }> = {
  kind: 'chat',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi there' },
    { role: 'assistant', content: 'Hello friend!' },
    { role: 'user', content: 'Bye now' },
    { role: 'assistant', content: 'See you, take care.' },
  ],
};
