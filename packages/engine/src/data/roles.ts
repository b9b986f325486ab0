/**
 * Role order of a chat. Errors are what cannot train as meant (no assistant turn; a tool result
 * answering no call); warnings are what most chat templates accept but is probably a mistake in
 * the data (two user turns in a row, a system turn in the middle, a last turn that trains nothing).
 */
import type { DatasetMessage } from '@qlora-studio/contracts';
import type { RecordProblems } from './problems.js';

/**
 * @param listField the source field of the turns (`messages`, `conversations`)
 * @param roleKey the turn's role field (`role`, `from`), to name `messages[2].role`
 */
export function checkRoleOrder(messages: readonly DatasetMessage[], listField: string, roleKey: string, problems: RecordProblems): void {
  if (!messages.some((m) => m.role === 'assistant')) {
    problems.add('role-order', 'the chat has no assistant message, so nothing in it would be trained.', { field: listField });
    return;
  }
  const at = (i: number): { field: string } => ({ field: `${listField}[${i}].${roleKey}` });
  const warn = (i: number, message: string): void => problems.add('role-order', message, { ...at(i), severity: 'warning' });
  messages.forEach((m, i) => {
    const previous = messages[i - 1]?.role;
    if (m.role === 'system') {
      if (i > 0) warn(i, 'a system message after the first turn; chat templates expect it first.');
    } else if (m.role === 'tool') {
      // A tool result answers the assistant's call just before it (or follows another result).
      if (previous !== 'assistant' && previous !== 'tool')
        problems.add('role-order', 'a tool message must follow the assistant message that called the tool.', at(i));
    } else if (previous === undefined || previous === 'system') {
      if (m.role !== 'user') warn(i, 'the conversation starts with an assistant turn, not a user turn.');
    } else if (previous === m.role) warn(i, `two ${m.role} messages in a row; user and assistant turns should alternate.`);
    else if (m.role === 'user' && previous === 'tool') warn(i, 'a user message right after a tool result; the assistant should answer the tool result first.');
  });
  const last = messages[messages.length - 1]!;
  if (last.role !== 'assistant')
    warn(messages.length - 1, `the chat ends with a ${last.role} message, which is not trained; end it with the assistant's reply.`);
}
