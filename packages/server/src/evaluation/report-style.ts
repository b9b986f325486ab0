/**
 * The HTML report's stylesheet, inlined in the file: system fonts only (no font downloads),
 * light and dark colour schemes, and print styles so "Print → Save as PDF" gives a clean document.
 */
export const REPORT_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --line: #d0d7de; --base: #8c959f; --bar: #0969da; --good: #1a7f37; --bad: #cf222e; --head: #f6f8fa; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --line: #30363d; --base: #6e7681; --bar: #4493f8; --good: #3fb950; --bad: #f85149; --head: #161b22; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 16px 0 4px; }
.muted { color: var(--muted); }
.pre { white-space: pre-wrap; word-break: break-word; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--head); }
.examples td { max-width: 320px; }
.choices { margin: 4px 0 0; padding-left: 18px; color: var(--muted); font-size: 0.85rem; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 0.8rem; border: 1px solid var(--line); }
.badge.won, .badge.right { color: var(--good); border-color: var(--good); }
.badge.lost, .badge.wrong { color: var(--bad); border-color: var(--bad); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; max-width: 100%; }
figcaption { font-weight: 600; margin: 8px 0 4px; }
svg.chart { max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
svg .label, svg .value { fill: var(--fg); }
svg .bar-base { fill: var(--base); }
svg .bar { fill: var(--bar); }
svg .axis { stroke: var(--muted); stroke-dasharray: 3 3; }
svg .whisker { stroke: var(--fg); stroke-width: 2; }
svg .point { fill: var(--muted); }
svg .point-clear { fill: var(--good); }
@media print {
  :root { --fg: #000; --muted: #444; --bg: #fff; --line: #999; --head: #eee; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  thead { display: table-header-group; }
}
`.trim();
