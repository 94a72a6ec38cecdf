// The app's probe command, typed as one line: split into words as a shell would quote
// them, and what only a shell would do refused with a sentence.

import { describe, expect, it } from 'vitest';
import { commandWords } from './command-line';

describe('a command typed as one line', () => {
  it('is split into words, quotes and escapes read as a shell reads them', () => {
    expect(commandWords('curl -sS -o /dev/null {url}')).toEqual(['curl', '-sS', '-o', '/dev/null', '{url}']);
    expect(commandWords(`python3 "my reader.py" --name 'a b' x\\ y {url}`)).toEqual(['python3', 'my reader.py', '--name', 'a b', 'x y', '{url}']);
    // Inside single quotes nothing is special: a script for sh -c, with its own pipe and $0.
    expect(commandWords(`sh -c 'curl -s "$0" | head -c 10' {url}`)).toEqual(['sh', '-c', 'curl -s "$0" | head -c 10', '{url}']);
  });

  it('refuses what needs a shell: pipes, redirections, globs, variables, comments', () => {
    expect(commandWords('curl {url} | head')).toEqual({ problem: `"|" needs a shell, and the command is run without one: wrap it in sh -c '…', as in sh -c 'curl -sS {url} | head -c 100'` });
    expect(commandWords('curl {url} > out.txt')).toMatchObject({ problem: expect.stringMatching(/^">" needs a shell/) });
    expect(commandWords('cat *.txt {url}')).toMatchObject({ problem: expect.stringMatching(/^\*\.txt is a pattern a shell would expand/) });
    expect(commandWords('curl --cacert $HOME/ca.pem {url}')).toEqual({ problem: "$HOME needs a shell, and the command is run without one: write its value, or wrap the command in sh -c '…'" });
    expect(commandWords('curl {url} # fetch')).toMatchObject({ problem: expect.stringMatching(/^the command has a comment/) });
  });
});
