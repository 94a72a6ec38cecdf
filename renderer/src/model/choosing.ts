// Choosing exchanges in the list as in a file manager: a click chooses one, Ctrl (⌘) +click
// adds or takes away one, Shift+click chooses the run from the last one clicked, in the
// order shown (filtered and sorted). Pure, so tested alone.

export interface Click {
  /** Ctrl or ⌘ held. */
  toggle: boolean;
  /** Shift held. */
  range: boolean;
}

export interface Choice {
  chosen: string[];
  /** Where the next Shift+click's run starts. */
  anchor: string | null;
}

export function chooseByClick(visible: readonly string[], before: Choice, id: string, click: Click): Choice {
  if (click.range && before.anchor !== null) {
    const from = visible.indexOf(before.anchor);
    const to = visible.indexOf(id);
    if (from >= 0 && to >= 0) {
      const run = visible.slice(Math.min(from, to), Math.max(from, to) + 1);
      const chosen = click.toggle ? [...before.chosen.filter((c) => !run.includes(c)), ...run] : run;
      return { chosen, anchor: before.anchor };
    }
  }
  if (click.toggle) {
    const chosen = before.chosen.includes(id) ? before.chosen.filter((c) => c !== id) : [...before.chosen, id];
    return { chosen, anchor: id };
  }
  return { chosen: [id], anchor: id };
}
