import type { JudgeConnection, UpdateJudgeConnectionBody } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { activityKeys, judgeKeys } from '../../../lib/query-keys';

export const updateJudgeConnection = (body: UpdateJudgeConnectionBody) => api.call('updateJudgeConnection', { body });

export function useUpdateJudgeConnection() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateJudgeConnection,
    onSuccess: (connection: JudgeConnection) => {
      queryClient.setQueryData(judgeKeys.all, connection);
      void queryClient.invalidateQueries({ queryKey: activityKeys.all });
    },
    meta: { errorTitle: 'The judge endpoint could not be saved' },
  });
}
