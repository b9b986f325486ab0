import { api } from '../../../lib/api-client';

/**
 * Sends the saved judge one short request. Called directly rather than as a mutation: a failure
 * is the answer the user asked for, shown next to the button, not an error toast.
 */
export const testJudgeConnection = () => api.call('testJudgeConnection', {});
