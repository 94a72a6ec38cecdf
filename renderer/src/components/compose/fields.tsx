// The composer's inputs: bytes shown as text with escapes (model/bytes-text.ts), a line
// ending chosen by name, a whole number. A field whose text does not read (an escape half
// typed) keeps what was typed, marked, and changes nothing until it reads.

import { useState, type InputHTMLAttributes } from 'react';
import { bytesToText, textToBytes } from '../../model/bytes-text';

type Native = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>;

export function BytesInput({ bytes, onBytes, ...rest }: Native & { bytes: string; onBytes: (bytes: string) => void }) {
  const [draft, setDraft] = useState<{ text: string; error: string } | null>(null);
  return (
    <input
      {...rest}
      spellCheck={false}
      value={draft?.text ?? bytesToText(bytes)}
      aria-invalid={draft !== null}
      title={draft?.error ?? rest.title}
      onChange={(event) => {
        const text = event.target.value;
        const read = textToBytes(text);
        if (read.error !== null) return setDraft({ text, error: `column ${read.column + 1}: ${read.error}` });
        setDraft(null);
        onBytes(read.bytes);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}

const ENDS: [string, string][] = [
  ['\r\n', 'CRLF'],
  ['\n', 'LF'],
  ['\r', 'CR'],
  ['', 'none'],
];

/** A line ending: CRLF, a bare LF, a CR, none; anything else a plan holds shows as itself. */
export function EndSelect({ value, onValue, label, testId }: { value: string; onValue: (end: string) => void; label: string; testId: string }) {
  const known = ENDS.some(([bytes]) => bytes === value);
  return (
    <select aria-label={label} title={label} data-testid={testId} value={value} onChange={(event) => onValue(event.target.value)}>
      {ENDS.map(([bytes, name]) => (
        <option key={name} value={bytes}>
          {name}
        </option>
      ))}
      {known ? null : <option value={value}>{`"${bytesToText(value)}"`}</option>}
    </select>
  );
}

export function NumberInput({ value, onValue, min = 0, max, ...rest }: Native & { value: number; onValue: (n: number) => void; min?: number; max?: number }) {
  return (
    <input
      {...rest}
      type="number"
      min={min}
      max={max}
      value={value}
      onChange={(event) => {
        const n = Math.round(Number(event.target.value));
        if (Number.isFinite(n)) onValue(Math.max(min, max === undefined ? n : Math.min(max, n)));
      }}
    />
  );
}
