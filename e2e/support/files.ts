import type { Page } from 'playwright-core';

/**
 * Drops a file on a dropzone the way a drag from the desktop does: dragenter, dragover and drop
 * events carrying a DataTransfer. `content` is text, or bytes (sent as base64 into the page).
 * It waits for the zone to take files unless `whenEnabled` is false (to test a refused drop).
 */
export async function dropFile(
  page: Page,
  zoneName: string,
  name: string,
  content: string | Uint8Array,
  { type = 'application/octet-stream', whenEnabled = true }: { type?: string; whenEnabled?: boolean } = {},
): Promise<void> {
  const payload = typeof content === 'string' ? { text: content } : { base64: Buffer.from(content).toString('base64') };
  const dataTransfer = await page.evaluateHandle(
    ([fileName, data, mime]) => {
      const bytes = 'base64' in data ? Uint8Array.from(atob(data.base64!), (c) => c.charCodeAt(0)) : data.text!;
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], fileName, { type: mime }));
      return dt;
    },
    [name, payload, type] as const,
  );
  const zone = page.getByRole('group', { name: zoneName });
  // The zone takes files only once the session's permissions are known; until then its button is aria-disabled.
  await zone.waitFor();
  if (whenEnabled) await zone.locator('[aria-disabled="true"]').first().waitFor({ state: 'detached', timeout: 30_000 });
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}
