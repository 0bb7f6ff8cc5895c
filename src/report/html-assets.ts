/** The HTML report's style sheet, inlined: the page loads nothing. */
export const HTML_STYLE = `
:root { --error: #cf222e; --warning: #9a6700; --info: #0969da; --ok: #1a7f37; --muted: #59636e; --line: #d1d9e0;
  --band: #dafbe1; --band-line: #4ac26b; --bg: #f6f8fa; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: #1f2328; font-size: 14px; line-height: 1.45; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 18px 28px 14px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 10px; }
main { padding: 18px 28px 28px; display: grid; grid-template-columns: minmax(0, 1fr); gap: 18px; }
main > *, .columns > * { min-width: 0; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; }
.meta { color: var(--muted); }
.chips { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 10px; }
.chip { border-radius: 999px; padding: 2px 10px; font-weight: 600; border: 1px solid currentColor; background: #fff; }
.chip.error, .sev.error { color: var(--error); } .chip.warning, .sev.warning { color: var(--warning); }
.chip.info, .sev.info { color: var(--info); } .chip.ok { color: var(--ok); } .chip.muted { color: var(--muted); }
.alert { border: 1px solid var(--error); background: #ffebe9; border-radius: 8px; padding: 10px 14px; }
.columns { display: grid; grid-template-columns: 3fr 2fr; gap: 18px; }
@media (max-width: 1000px) { .columns { grid-template-columns: 1fr; } }
.legend { display: flex; gap: 16px; flex-wrap: wrap; color: var(--muted); margin-bottom: 10px; font-size: 12px; }
.legend i { display: inline-block; width: 18px; height: 10px; vertical-align: middle; margin-right: 4px; border-radius: 2px; }
.legend .now { background: var(--band); border: 1px solid var(--band-line); }
.legend .then { border: 1.5px dashed #8250df; }
.legend .dot-ok, .legend .dot-bad { width: 10px; border-radius: 50%; } .legend .dot-ok { background: var(--ok); } .legend .dot-bad { background: var(--error); }
.skew { display: grid; grid-template-columns: 300px 1fr; row-gap: 3px; }
.skew .axis { display: grid; font-size: 12px; color: var(--muted); text-align: center; }
.skew .axis span.target { color: #8250df; font-weight: 700; }
.skew .group { grid-column: 1 / -1; font-weight: 600; color: var(--muted); margin-top: 8px; border-bottom: 1px solid var(--line); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.skew .label { padding-right: 10px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.skew .label b { font-weight: 600; }
.track { position: relative; height: 24px; background-image: repeating-linear-gradient(to right, transparent 0, transparent calc(var(--col) - 1px), #eaeef2 calc(var(--col) - 1px), #eaeef2 var(--col)); }
.band { position: absolute; top: 3px; bottom: 3px; background: var(--band); border: 1px solid var(--band-line); border-radius: 4px; }
.band.then { background: transparent; border: 1.5px dashed #8250df; top: 1px; bottom: 1px; }
.band.none { background: #ffebe9; border-color: var(--error); }
.marker { position: absolute; top: 50%; transform: translate(-50%, -50%); display: flex; align-items: center; gap: 4px; white-space: nowrap; font-size: 12px; font-weight: 600; }
.marker::before { content: ""; width: 11px; height: 11px; border-radius: 50%; background: var(--ok); border: 2px solid #fff; box-shadow: 0 0 0 1px var(--ok); }
.marker.bad { color: var(--error); } .marker.bad::before { background: var(--error); box-shadow: 0 0 0 1px var(--error); }
.marker.unknown { color: var(--muted); } .marker.unknown::before { background: #afb8c1; box-shadow: 0 0 0 1px #afb8c1; }
.marker span { transform: translateX(2px); background: rgba(255,255,255,.85); padding: 0 2px; border-radius: 3px; }
.nodes { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px; align-items: start; }
.node { border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: 6px; padding: 8px 10px; }
.node.blocked { border-left-color: var(--error); } .node.attention { border-left-color: #d4a72c; }
.node h3 { font-size: 14px; margin: 0 0 2px; } .node .state { font-weight: 600; font-size: 12px; }
.node.blocked .state { color: var(--error); } .node.attention .state { color: var(--warning); } .node.ready .state { color: var(--ok); }
.node ul, .plain { margin: 6px 0 0; padding-left: 18px; font-size: 12px; }
.node li { overflow-wrap: anywhere; } .node li[title] { cursor: help; }
.tag { font-size: 11px; border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; color: var(--muted); margin-left: 4px; }
.filters { display: flex; gap: 14px; flex-wrap: wrap; align-items: center; margin-bottom: 10px; }
.filters input[type=search] { min-width: 260px; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; }
.filters select { padding: 4px; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); }
td.rule { white-space: nowrap; }
td.where { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; overflow-wrap: anywhere; width: 24%; }
td .fix { color: var(--muted); font-size: 12px; margin-top: 2px; white-space: pre-wrap; }
tr.suppressed td { opacity: .6; }
.timeline { display: flex; flex-wrap: wrap; gap: 18px 14px; padding: 6px 0 4px; }
.round { width: 270px; flex: 0 0 auto; padding-left: 8px; }
.round h3 { font-size: 13px; margin: 0 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.steps > li { font-size: 12.5px; }
.steps details { margin-top: 2px; } .steps summary { cursor: pointer; color: var(--muted); }
.steps { list-style: none; margin: 0; padding: 0; border-left: 3px solid var(--line); }
.steps > li { position: relative; margin: 0 0 10px 0; padding-left: 16px; }
.steps > li::before { content: ""; position: absolute; left: -8px; top: 4px; width: 13px; height: 13px; border-radius: 50%; background: #fff; border: 3px solid var(--info); }
.steps > li.blocked::before { border-color: var(--error); }
footer { color: var(--muted); padding: 0 28px 24px; font-size: 12px; }
`;

/**
 * The findings filters. The last statement marks the page as ready, and any
 * script error is written on the root element, so a headless browser can
 * tell from the DOM alone that the script ran cleanly.
 */
export const HTML_SCRIPT = `
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
  var text = document.getElementById('filter-text');
  var rule = document.getElementById('filter-rule');
  var suppressed = document.getElementById('filter-suppressed');
  var severities = Array.prototype.slice.call(document.querySelectorAll('input[name=severity]'));
  var shown = document.getElementById('shown');
  function apply() {
    var wanted = {};
    severities.forEach(function (box) { wanted[box.value] = box.checked; });
    var words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var haystack = row.textContent.toLowerCase();
      var visible = wanted[row.getAttribute('data-severity')] &&
        (rule.value === '' || row.getAttribute('data-rule') === rule.value) &&
        (suppressed.checked || row.getAttribute('data-suppressed') !== 'true') &&
        words.every(function (w) { return haystack.indexOf(w) !== -1; });
      row.hidden = !visible;
      if (visible) count += 1;
    });
    shown.textContent = count + ' of ' + rows.length;
  }
  [text, rule, suppressed].concat(severities).forEach(function (input) { input.addEventListener('input', apply); input.addEventListener('change', apply); });
  apply();
  document.documentElement.setAttribute('data-kcheck-ready', 'true');
})();
`;

/** Runs first: records script errors where a test (or a curious reader) can see them. */
export const HTML_ERROR_HOOK = `window.addEventListener('error', function (e) { document.documentElement.setAttribute('data-script-error', String(e.message)); });`;
