// `chunkscope env`: the client variables as lines for a shell, and `env --off` to undo them.
// The values a variable had before are kept in one variable (CHUNKSCOPE_ENV_SAVED), so
// that `--off` puts back exactly what was there, set or not, whatever the shell. The
// work is done here, in TypeScript; the shell only sets and unsets, which every shell
// can do without conditions or escapes beyond its own quoting.

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell', 'cmd'] as const;
export type Shell = (typeof SHELLS)[number];

export const SAVED = 'CHUNKSCOPE_ENV_SAVED';

/** What a shell is told: variables to set (in order) and to remove. */
export interface EnvChanges {
  set: [string, string][];
  unset: string[];
}

type Saved = Record<string, string | null>;

/** Turn the client variables on, keeping what was there before (once: a second `env` keeps the first's saved values). */
export function turnOn(variables: { name: string; value: string }[], current: NodeJS.ProcessEnv): EnvChanges {
  const already = readSaved(current);
  const saved: Saved = already ?? Object.fromEntries(variables.map((v) => [v.name, current[v.name] ?? null]));
  for (const v of variables) if (!(v.name in saved)) saved[v.name] = current[v.name] ?? null;
  return { set: [...variables.map((v): [string, string] => [v.name, v.value]), [SAVED, encodeSaved(saved)]], unset: [] };
}

/** Put back what `turnOn` saved; without saved values, remove the variables it sets. */
export function turnOff(names: string[], current: NodeJS.ProcessEnv): EnvChanges {
  const saved = readSaved(current) ?? Object.fromEntries(names.map((name) => [name, null]));
  const changes: EnvChanges = { set: [], unset: [] };
  for (const [name, value] of Object.entries(saved)) {
    if (value === null) changes.unset.push(name);
    else changes.set.push([name, value]);
  }
  changes.unset.push(SAVED);
  return changes;
}

function encodeSaved(saved: Saved): string {
  return Buffer.from(JSON.stringify(saved), 'utf8').toString('base64url');
}

function readSaved(current: NodeJS.ProcessEnv): Saved | null {
  const text = current[SAVED];
  if (!text) return null;
  try {
    const saved = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return null;
    const entries = Object.entries(saved).filter(([name, value]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && (value === null || typeof value === 'string'));
    return Object.fromEntries(entries) as Saved;
  } catch {
    return null;
  }
}

/** The lines for one shell. */
export function script(shell: Shell, changes: EnvChanges): string {
  const lines = [...changes.unset.map((name) => unsetLine(shell, name)), ...changes.set.map(([name, value]) => setLine(shell, name, value))];
  return `${lines.join('\n')}\n`;
}

function setLine(shell: Shell, name: string, value: string): string {
  switch (shell) {
    case 'bash':
    case 'zsh':
      return `export ${name}=${posixQuote(value)}`;
    case 'fish':
      return `set -gx ${name} ${fishQuote(value)}`;
    case 'powershell':
      return `$env:${name} = ${powershellQuote(value)}`;
    case 'cmd':
      // set "NAME=" removes a variable in cmd; an empty value cannot be set, so empty means unset there.
      return `set "${name}=${cmdValue(value)}"`;
  }
}

function unsetLine(shell: Shell, name: string): string {
  switch (shell) {
    case 'bash':
    case 'zsh':
      return `unset ${name}`;
    case 'fish':
      return `set -e ${name}`;
    case 'powershell':
      return `Remove-Item Env:${name} -ErrorAction SilentlyContinue`;
    case 'cmd':
      return `set "${name}="`;
  }
}

/** 'it'\''s' */
export function posixQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** fish: inside single quotes only \\ and \' are escapes. */
function fishQuote(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** PowerShell: inside single quotes, a quote is doubled (and so are its typographic quotes). */
function powershellQuote(value: string): string {
  return `'${value.replace(/['‘’‚‛]/g, (c) => `${c}${c}`)}'`;
}

/**
 * cmd: `set "NAME=value"` takes everything up to the line's last quote, so quotes inside
 * are kept; but between two inner quotes cmd's own characters (& | < > ^) would act.
 */
function cmdValue(value: string): string {
  if (/[\r\n]/.test(value) || (value.includes('"') && /[&|<>^]/.test(value))) throw new Error(`cmd cannot carry this value as it is: ${value}`);
  return value;
}

/** The shell to write for when none is asked: the one this process runs under, else bash (PowerShell on Windows). */
export function defaultShell(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Shell {
  const name = (env.SHELL ?? '').split(/[\\/]/).pop() ?? '';
  if ((SHELLS as readonly string[]).includes(name)) return name as Shell;
  if (platform === 'win32') return env.PROMPT !== undefined && env.PSModulePath === undefined ? 'cmd' : 'powershell';
  return 'bash';
}

/** How to apply the lines in that shell, for the help text and the panel. */
export function howToApply(shell: Shell, off = false): string {
  const args = `env --shell ${shell}${off ? ' --off' : ''}`;
  switch (shell) {
    case 'bash':
    case 'zsh':
      return `eval "$(chunkscope ${args})"`;
    case 'fish':
      return `chunkscope ${args} | source`;
    case 'powershell':
      return `chunkscope ${args} | Out-String | Invoke-Expression`;
    case 'cmd':
      return `for /f "delims=" %i in ('chunkscope ${args}') do @%i`;
  }
}
