/**
 * Styles of the report pages, every rule under `.report` (the site-wide stylesheet belongs to
 * the overview). Everything wraps or scrolls inside its card so a 390 px phone never scrolls
 * sideways.
 */
export const REPORT_CSS = `
.report { display: grid; gap: 0.75rem; min-width: 0; }
.report h2 { margin: 0; }
.report .picker-form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; }
.report .picker-form label { min-width: 0; flex: 1 1 10rem; }
.report .picker-form input, .report .picker-form select { width: 100%; }
.report .choices { display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; margin: 0; padding: 0; }
.report .choices a { padding: 0.3rem 0.6rem; border-radius: 6px; text-decoration: none; border: 1px solid var(--border); color: var(--text); overflow-wrap: anywhere; }
.report .choices a[aria-current='true'] { background: var(--accent-soft); font-weight: 600; }
.report .steps { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.25rem; }
.report .step-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.25rem 1rem; overflow-wrap: anywhere; }
.report .step-track { height: 1.6rem; background: var(--bg); border-radius: 4px; overflow: hidden; }
.report .step-bar { height: 100%; background: var(--accent); border-radius: 4px; min-width: 2px; }
.report .drop { font-size: 0.85rem; color: var(--muted); padding: 0.15rem 0 0.35rem 1rem; border-left: 2px dashed var(--border); margin-left: 0.5rem; }
.report .num { font-variant-numeric: tabular-nums; font-weight: 600; }
.report .scroll { overflow-x: auto; max-width: 100%; }
.report .triangle { width: auto; min-width: 100%; font-size: 0.85rem; }
.report .triangle th, .report .triangle td { padding: 0.3rem 0.4rem; white-space: nowrap; }
.report .triangle td.cell { text-align: center; font-variant-numeric: tabular-nums; }
.report .triangle td.cell small { display: block; opacity: 0.8; }
.report .paths { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.35rem; }
.report .path { position: relative; display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.25rem 1rem; padding: 0.35rem 0.5rem; }
.report .path .bar { position: absolute; inset: 0 auto 0 0; background: var(--bar); border-radius: 4px; z-index: 0; }
.report .path > :not(.bar) { position: relative; z-index: 1; }
.report .pages { display: flex; flex-wrap: wrap; gap: 0.2rem; align-items: center; min-width: 0; overflow-wrap: anywhere; }
.report .pages .arrow { color: var(--muted); }
.report .columns { display: flex; gap: 0.75rem; overflow-x: auto; max-width: 100%; }
.report .column { flex: 0 0 14rem; display: grid; gap: 0.2rem; align-content: start; font-size: 0.85rem; }
.report .column h3 { margin: 0; font-size: 0.85rem; color: var(--muted); }
.report .column li { display: flex; justify-content: space-between; gap: 0.5rem; overflow-wrap: anywhere; }
.report .column ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.2rem; }
`;
