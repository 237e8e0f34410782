// uPlot (vendored as the org.webjars.npm:uplot webjar, pinned in pom.xml), loaded once on first use.
import { h } from './ui.js';

let loading = null;

export function loadUPlot() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      document.head.append(h('link', { rel: 'stylesheet', href: '/webjars/uplot/1.6.30/dist/uPlot.min.css' }));
      const s = h('script', { src: '/webjars/uplot/1.6.30/dist/uPlot.iife.min.js' });
      s.onload = () => resolve(window.uPlot);
      s.onerror = () => { loading = null; reject(new Error('could not load the chart library')); };
      document.head.append(s);
    });
  }
  return loading;
}

/** A CSS custom property's value (the palette follows the theme). */
export const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Colours for metric series, by position. */
export const SERIES_COLORS = ['#4c6ef5', '#e8590c', '#2f9e44', '#ae3ec9', '#1098ad', '#f08c00', '#c2255c', '#5c940d'];

/**
 * Series of [x, y] points (each its own steps) as uPlot's aligned data: the union of the steps, with
 * null where a series has no point (drawn across with spanGaps).
 */
export function aligned(seriesList) {
  const xs = [...new Set(seriesList.flatMap((pts) => pts.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  return [xs, ...seriesList.map((pts) => {
    const ys = new Array(xs.length).fill(null);
    for (const [x, y] of pts) ys[index.get(x)] = y;
    return ys;
  })];
}
