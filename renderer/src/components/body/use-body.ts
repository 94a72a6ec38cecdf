// Reading a body through the API's `body`, which reads it from the capture on disk: its
// first bytes (what it is, its size, what was removed), the whole of it for the viewers
// that parse (only up to their limit), and pages of it as a viewer scrolls.
import { useEffect, useRef, useState } from 'react';
import type { Direction } from '../../../../shared/anomalies';
import type { BodySlice } from '../../../../shared/body';
import type { BodyForm } from '../../../../shared/search';
import { useApi } from '../../context';
import { decodeBase64 } from '../detail/ChunkBytes';

export interface BodyRef {
  id: string;
  direction: Direction;
  form: BodyForm;
}

/** Bytes read first: enough to tell the kind and charset, and to show a small body whole. */
export const HEAD_BYTES = 64 * 1024;
/** A slice of a whole read: a multiple of 3, so the slices' base64 join into the whole one's. */
const WHOLE_SLICE = 3 * 256 * 1024;
/** Page size of the paged viewers (hex, text). */
export const PAGE_BYTES = 256 * 1024;

export interface BodyHead {
  slice: BodySlice | null;
  bytes: Uint8Array;
  error: string | null;
}

/** The body's first bytes and facts; asked again when `version` changes (more of a live body arrived). */
export function useBodyHead(ref: BodyRef, version: string): BodyHead {
  const api = useApi();
  const [head, setHead] = useState<BodyHead & { key: string }>({ key: '', slice: null, bytes: new Uint8Array(0), error: null });
  const key = `${ref.id} ${ref.direction} ${ref.form}`;
  useEffect(() => {
    let cancelled = false;
    api.body({ ...ref, offset: 0, length: HEAD_BYTES }).then(
      (slice) => !cancelled && setHead({ key, slice, bytes: decodeBase64(slice.bytes), error: null }),
      (error: Error) => !cancelled && setHead({ key, slice: null, bytes: new Uint8Array(0), error: error.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, key, version]);
  return head.key === key ? head : { slice: null, bytes: new Uint8Array(0), error: null };
}

export interface WholeBody {
  /** The body's bytes as base64, once read to its end (or to `size`). */
  base64: string | null;
  read: number;
  error: string | null;
}

/** The whole body (it is `size` bytes, at most the caller's limit), read in slices one after another. */
export function useWholeBody(ref: BodyRef, size: number, enabled: boolean, version: string): WholeBody {
  const api = useApi();
  const [whole, setWhole] = useState<WholeBody & { key: string }>({ key: '', base64: null, read: 0, error: null });
  const key = `${ref.id} ${ref.direction} ${ref.form} ${size} ${version}`;
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const parts: string[] = [];
    const next = (offset: number) => {
      if (offset >= size) return setWhole({ key, base64: parts.join(''), read: offset, error: null });
      const length = Math.min(WHOLE_SLICE, size - offset);
      api.body({ ...ref, offset, length }).then(
        (slice) => {
          if (cancelled) return;
          const got = Math.floor((slice.bytes.length * 3) / 4) - (slice.bytes.endsWith('==') ? 2 : slice.bytes.endsWith('=') ? 1 : 0);
          parts.push(slice.bytes);
          // Shorter than asked: the body ends here (a later slice would not join).
          if (got < length) return setWhole({ key, base64: parts.join(''), read: offset + got, error: null });
          setWhole({ key, base64: null, read: offset + got, error: null });
          next(offset + got);
        },
        (error: Error) => !cancelled && setWhole({ key, base64: null, read: offset, error: error.message }),
      );
    };
    next(0);
    return () => {
      cancelled = true;
    };
  }, [api, key, enabled]);
  return whole.key === key ? whole : { base64: null, read: 0, error: null };
}

/** Pages of the body, asked for as rows come into view (each once). */
export function useBodyPages(ref: BodyRef, version: string): { pages: Map<number, Uint8Array>; need(page: number): void } {
  const api = useApi();
  const [pages, setPages] = useState(new Map<number, Uint8Array>());
  const asked = useRef(new Set<number>());
  const key = `${ref.id} ${ref.direction} ${ref.form} ${version}`;
  const current = useRef(key);
  useEffect(() => {
    current.current = key;
    asked.current = new Set();
    setPages(new Map());
  }, [key]);
  const need = (page: number) => {
    if (asked.current.has(page)) return;
    asked.current.add(page);
    const askedFor = key;
    void api.body({ ...ref, offset: page * PAGE_BYTES, length: PAGE_BYTES }).then(
      (slice) => current.current === askedFor && setPages((previous) => new Map(previous).set(page, decodeBase64(slice.bytes))),
      () => asked.current.delete(page),
    );
  };
  return { pages, need };
}

export function base64Bytes(base64: string): Uint8Array {
  return decodeBase64(base64);
}
