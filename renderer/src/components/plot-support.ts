// What the canvas plots share: sizing a canvas for the screen's pixel ratio, the theme's
// colours, measuring label text in the font the labels are drawn in, and the element size.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../context';
import { palette } from '../theme';

/** The labels' font (plots.css sets the same on the DOM labels). */
export const LABEL_FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';

let measurer: CanvasRenderingContext2D | null = null;
const widths = new Map<string, number>();

/** The width of `text` in the labels' font, in CSS pixels (cached: the same labels come back every frame). */
export function measureText(text: string): number {
  let w = widths.get(text);
  if (w === undefined) {
    measurer ??= document.createElement('canvas').getContext('2d');
    if (measurer) measurer.font = LABEL_FONT;
    w = Math.ceil(measurer ? measurer.measureText(text).width : text.length * 6.5);
    if (widths.size > 5000) widths.clear();
    widths.set(text, w);
  }
  return w;
}

/** The colours of the theme in effect, read again when it changes. */
export function usePalette(): Record<string, string> {
  const theme = useApp((s) => s.resolvedTheme);
  return useMemo(() => palette(), [theme]);
}

/** A 2D context for a canvas of `width` × `height` CSS pixels, sharp on high-density screens; cleared. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return context;
}

/** An element's size, kept up to date as it resizes. */
export function useSize<T extends HTMLElement>(fallback: { width: number; height: number }): [React.RefObject<T | null>, { width: number; height: number }] {
  const ref = useRef<T>(null);
  const [size, setSize] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const read = () => setSize((s) => (s.width === element.clientWidth && s.height === element.clientHeight ? s : { width: element.clientWidth || fallback.width, height: element.clientHeight || fallback.height }));
    read();
    const observer = new ResizeObserver(read);
    observer.observe(element);
    return () => observer.disconnect();
  }, [fallback.width, fallback.height]);
  return [ref, size];
}

/**
 * A wheel listener that may keep the page from scrolling or zooming (React's own are
 * passive): the default is prevented unless the handler returns false.
 */
export function useWheel<T extends HTMLElement>(ref: React.RefObject<T | null>, onWheel: (event: WheelEvent) => boolean | void): void {
  const latest = useRef(onWheel);
  latest.current = onWheel;
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const listener = (event: WheelEvent) => {
      if (latest.current(event) !== false) event.preventDefault();
    };
    element.addEventListener('wheel', listener, { passive: false });
    return () => element.removeEventListener('wheel', listener);
  }, [ref]);
}

