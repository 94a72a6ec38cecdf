// The app's probe takes its command as one line, as a person types it in a terminal. It is
// run without a shell (as `chunkscope probe -- COMMAND` runs its words), so the line is
// split into words by shell-quote, and what only a shell would do (pipes, redirections,
// globs, $VARIABLES, comments) is refused with a sentence saying how to write it.

import { parse } from 'shell-quote';

/** The line's words, or what stops it from being run as written. */
export function commandWords(line: string): string[] | { problem: string } {
  const variables: string[] = [];
  // Single quotes keep a $ as it is; elsewhere shell-quote asks for the variable: noted, kept.
  const entries = parse(line, (name: string) => {
    variables.push(name);
    return `$${name}`;
  });
  const words: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      words.push(entry);
      continue;
    }
    if ('comment' in entry) return { problem: `the command has a comment (#${entry.comment}): take it out, or put the # in quotes` };
    if (entry.op === 'glob') return { problem: `${entry.pattern} is a pattern a shell would expand, and the command is run without one: write the file names, put it in quotes, or wrap the command in sh -c '…'` };
    return { problem: `"${entry.op}" needs a shell, and the command is run without one: wrap it in sh -c '…', as in sh -c 'curl -sS {url} | head -c 100'` };
  }
  if (variables.length > 0) return { problem: `$${variables[0]} needs a shell, and the command is run without one: write its value, or wrap the command in sh -c '…'` };
  return words;
}
