import type { Settings, SettingsPatch } from '@qlora-studio/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { activityKeys, settingsKeys } from '../../../lib/query-keys';

export const updateSettings = (body: SettingsPatch) => api.call('updateSettings', { body });

export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateSettings,
    onSuccess: (settings: Settings) => {
      queryClient.setQueryData(settingsKeys.all, settings);
      void queryClient.invalidateQueries({ queryKey: activityKeys.all });
    },
    meta: { errorTitle: 'The settings could not be saved' },
  });
}
