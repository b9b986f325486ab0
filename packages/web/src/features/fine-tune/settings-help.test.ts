import { describe, expect, it } from 'vitest';
import { helpText, searchSettings, settingKeys, settingsHelp } from './settings-help';

describe('settings help', () => {
  it('says what each setting does and a typical value', () => {
    for (const key of settingKeys) {
      expect(settingsHelp[key].what.length, key).toBeGreaterThan(20);
      expect(helpText(key)).toContain('Typical: ');
    }
  });

  it('finds settings by name or description across tabs, name matches first', () => {
    expect(searchSettings('')).toEqual([]);
    expect(searchSettings('rank')[0]).toBe('loraR');
    const overfit = searchSettings('overfit');
    expect(overfit).toContain('epochs');
    expect(overfit).toContain('loraDropout');
    expect(searchSettings('warmup')[0]).toBe('warmupSteps');
    expect(searchSettings('seed')).toEqual(expect.arrayContaining(['seed', 'valSeed']));
    expect(searchSettings('LEARNING rate')[0]).toBe('learningRate');
    expect(searchSettings('zzz')).toEqual([]);
  });
});
