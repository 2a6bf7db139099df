import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** uPlot's browser build and stylesheet from node_modules, for renderReportHtml. */
export async function loadUplotAssets(): Promise<{ js: string; css: string }> {
  const require = createRequire(import.meta.url);
  const [js, css] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  return { js, css };
}
