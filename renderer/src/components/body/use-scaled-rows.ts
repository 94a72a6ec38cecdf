// A virtualised list of rows of one height that may be far too many for a browser's
// largest element (a 1 GiB body is 67 million hex rows; Chromium stops at about 33
// million pixels): past MAX_SCROLL_PX the scroll bar maps to rows by proportion, so its
// end is the last row and its middle the middle one. Under it, one pixel is one pixel.
import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';

/** The tallest scroll space made; beyond, the scroll bar is scaled. */
export const MAX_SCROLL_PX = 4_000_000;

export interface ScaledRows {
  /** Height of the scroll space. */
  height: number;
  /** First row shown, and the rows to render from it. */
  first: number;
  count: number;
  /** Where the block of rendered rows sits in the scroll space. */
  top: number;
  /** Scroll so that `row` is shown (in the middle when it was not). */
  scrollTo(row: number): void;
}

export function useScaledRows(total: number, rowHeight: number, scroller: RefObject<HTMLElement | null>): ScaledRows {
  const [view, setView] = useState({ top: 0, height: 400 });
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const read = () => setView({ top: element.scrollTop, height: element.clientHeight });
    read();
    element.addEventListener('scroll', read, { passive: true });
    const resize = new ResizeObserver(read);
    resize.observe(element);
    return () => {
      element.removeEventListener('scroll', read);
      resize.disconnect();
    };
  }, [scroller]);
  const full = total * rowHeight;
  const scaled = full > MAX_SCROLL_PX;
  const height = scaled ? MAX_SCROLL_PX : full;
  const shown = Math.ceil(view.height / rowHeight) + 1;
  const range = Math.max(0, height - view.height);
  const last = Math.max(0, total - shown + 1);
  const first = scaled ? Math.min(last, Math.round((Math.min(view.top, range) / Math.max(1, range)) * last)) : Math.max(0, Math.floor(view.top / rowHeight) - 2);
  const top = scaled ? Math.min(view.top, range) : first * rowHeight;
  // Never past the scroll space's end: the rows would make it longer, and the scroll bar with it.
  const count = Math.max(0, Math.min(total - first, shown + 4, Math.ceil((height - top) / rowHeight)));
  const scrollTo = useCallback(
    (row: number) => {
      const element = scroller.current;
      if (!element) return;
      const visibleRows = Math.max(1, Math.floor(element.clientHeight / rowHeight));
      const centred = Math.max(0, row - Math.floor(visibleRows / 2));
      const end = Math.max(0, total - Math.ceil(element.clientHeight / rowHeight) + 1);
      element.scrollTop = scaled ? (Math.min(centred, end) / Math.max(1, end)) * Math.max(0, MAX_SCROLL_PX - element.clientHeight) : centred * rowHeight;
    },
    [scroller, rowHeight, total, scaled],
  );
  return { height, first, count, top, scrollTo };
}
