import { describe, expect, it } from 'vitest';
import { chooseByClick } from './choosing';

const shown = ['a', 'b', 'c', 'd', 'e'];
const plain = { toggle: false, range: false };

describe('choosing exchanges by clicking', () => {
  it('a click chooses one; Ctrl+click adds and takes away', () => {
    let choice = chooseByClick(shown, { chosen: [], anchor: null }, 'b', plain);
    expect(choice).toEqual({ chosen: ['b'], anchor: 'b' });
    choice = chooseByClick(shown, choice, 'd', { toggle: true, range: false });
    expect(choice.chosen).toEqual(['b', 'd']);
    choice = chooseByClick(shown, choice, 'b', { toggle: true, range: false });
    expect(choice).toEqual({ chosen: ['d'], anchor: 'b' });
  });

  it('Shift+click chooses the run from the last click, either way, in the order shown', () => {
    let choice = chooseByClick(shown, { chosen: [], anchor: null }, 'd', plain);
    choice = chooseByClick(shown, choice, 'b', { toggle: false, range: true });
    expect(choice).toEqual({ chosen: ['b', 'c', 'd'], anchor: 'd' });
    choice = chooseByClick(shown, choice, 'e', { toggle: false, range: true });
    expect(choice.chosen).toEqual(['d', 'e']);
    // Ctrl+Shift adds the run to what was chosen.
    choice = chooseByClick(shown, { chosen: ['a'], anchor: 'c' }, 'e', { toggle: true, range: true });
    expect(choice.chosen).toEqual(['a', 'c', 'd', 'e']);
    // An anchor filtered out of view: Shift+click chooses the one clicked.
    expect(chooseByClick(shown, { chosen: ['z'], anchor: 'z' }, 'c', { toggle: false, range: true })).toEqual({ chosen: ['c'], anchor: 'c' });
  });
});
