import { describe, expect, it } from 'vitest';
import { MAX_RECENT, RECENT_KEY, clearRecent, markGone, readRecent, rememberUpload } from './recent';

function memory(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe("a browser's recent files", () => {
  it('keeps the last 10 opened, newest first, once by name', () => {
    const storage = memory();
    for (let i = 0; i < 12; i++) rememberUpload(storage, `f${i}.cscap`, `upload-${i}`, new Date(Date.UTC(2024, 0, 1, 0, i)));
    rememberUpload(storage, 'f5.cscap', 'upload-again');
    const list = readRecent(storage);
    expect(list).toHaveLength(MAX_RECENT);
    expect(list.map((r) => r.name)).toEqual(['f5.cscap', 'f11.cscap', 'f10.cscap', 'f9.cscap', 'f8.cscap', 'f7.cscap', 'f6.cscap', 'f4.cscap', 'f3.cscap', 'f2.cscap']);
    expect(list[0]).toMatchObject({ where: 'upload-again', how: 'opened' });
  });

  it('marks one gone, clears, and reads what is not its own as nothing', () => {
    const storage = memory();
    rememberUpload(storage, 'a.har', 'upload-a');
    expect(markGone(storage, 'upload-a')).toEqual([expect.objectContaining({ name: 'a.har', gone: true })]);
    clearRecent(storage);
    expect(readRecent(storage)).toEqual([]);
    for (const text of ['{', 'null', '{"a":1}', '[{"name":1}]', '[{"name":"x","where":"y","how":"lost","at":"t"}]']) expect(readRecent(memory({ [RECENT_KEY]: text }))).toEqual([]);
    expect(readRecent(undefined)).toEqual([]);
  });
});
