// Zooming and panning a time axis: pure functions of the shown domain and the whole one,
// shared by the Timeline (one exchange) and the Connections view (the session).

/** [from, to] in seconds. */
export type Domain = readonly [number, number];

/** The narrowest view: a microsecond, or a millionth of the whole, whichever is wider. */
export function minSpan(full: Domain): number {
  return Math.max(1e-6, (full[1] - full[0]) / 1e6);
}

/** `d` kept inside `full` and at least minSpan wide; the whole when it would be wider. */
export function clampDomain(d: Domain, full: Domain): Domain {
  const span = Math.max(minSpan(full), d[1] - d[0]);
  if (span >= full[1] - full[0]) return full;
  let from = d[0];
  if (from < full[0]) from = full[0];
  if (from + span > full[1]) from = full[1] - span;
  return [from, from + span];
}

/** Zoom by `factor` (below 1: in) keeping the time `at` where it is on screen. */
export function zoomAt(d: Domain, full: Domain, factor: number, at: number): Domain {
  const span = Math.max(minSpan(full), (d[1] - d[0]) * factor);
  const share = d[1] > d[0] ? (at - d[0]) / (d[1] - d[0]) : 0.5;
  const from = at - share * span;
  return clampDomain([from, from + span], full);
}

/** Move the view by `seconds` (positive: later). */
export function panBy(d: Domain, full: Domain, seconds: number): Domain {
  return clampDomain([d[0] + seconds, d[1] + seconds], full);
}

/** The time at pixel `x` of a plot `left`..`left + width` showing `d`. */
export function timeAt(d: Domain, left: number, width: number, x: number): number {
  return d[0] + ((x - left) / Math.max(1, width)) * (d[1] - d[0]);
}

/** The view a drag from pixel x0 to x1 selects. */
export function domainBetween(d: Domain, full: Domain, left: number, width: number, x0: number, x1: number): Domain {
  const a = timeAt(d, left, width, Math.min(x0, x1));
  const b = timeAt(d, left, width, Math.max(x0, x1));
  return clampDomain([a, b], full);
}

/** The factor a wheel turn zooms by: smooth for trackpads, a notch of a mouse wheel is about 15 %. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(Math.max(-3, Math.min(3, pixels * 0.0015)));
}
