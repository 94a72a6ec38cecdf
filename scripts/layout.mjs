// The README's layout section, made from main/parts.mjs: the numbered path of a byte
// through named folders, the folders beside it, and the arrows the lint enforces.
//   node scripts/layout.mjs           prints the section
//   node scripts/layout.mjs --write   puts it into README.md between its markers
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parts } from '../main/parts.mjs';

export const BEGIN = '<!-- layout: made by `node scripts/layout.mjs --write` from main/parts.mjs -->';
export const END = '<!-- layout: end -->';

export function layoutSection() {
  const lines = [BEGIN, '', 'The path of a byte, from the client\'s socket to the window:', ''];
  let step = 0;
  for (const part of parts) {
    for (const f of part.folders) if (f.path) lines.push(`${++step}. \`main/${f.name}/\` (${part.name}): ${f.holds}.`);
  }
  lines.push(`${step + 1}. \`renderer/\`: the window (React, zustand), which reads the engine through the API of \`shared/\` only.`);
  lines.push('', 'Beside the path:', '');
  for (const part of parts) {
    for (const f of part.folders) if (!f.path) lines.push(`- \`main/${f.name}/\` (${part.name}): ${f.holds}.`);
  }
  lines.push('', 'Each folder of `main/` belongs to a part; an import from one part to another must be one of these arrows (the lint says why any other is refused). Every part may import `shared/`.', '');
  lines.push('| part | says | folders | may import |', '|---|---|---|---|');
  for (const part of parts) {
    const folders = part.folders.map((f) => `\`${f.name}/\``).join(', ');
    lines.push(`| ${part.name} | ${part.says} | ${folders} | ${part.may.length ? part.may.join(', ') : '`shared/` only'} |`);
  }
  lines.push('', END);
  return lines.join('\n');
}

/** The README with its layout section replaced (the markers must be there). */
export function withLayout(readme) {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no layout section between "${BEGIN}" and "${END}"`);
  return readme.slice(0, begin) + layoutSection() + readme.slice(end + END.length);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readmePath = path.join(import.meta.dirname, '..', 'README.md');
  if (process.argv.includes('--write')) writeFileSync(readmePath, withLayout(readFileSync(readmePath, 'utf8')));
  else console.log(layoutSection());
}
