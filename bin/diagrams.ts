#!/usr/bin/env node
/**
 * npm run diagrams [-- --out cdk.out/diagrams] [--width 900] [--pages docs/phases]
 *
 * Renders every Mermaid diagram of docs/phases/*.md to SVG and PNG with
 * mermaid-cli 11 and the system's Chromium, so a person can look at them as
 * GitHub shows them (about 900 px wide), and measures each: rendered size,
 * the smallest label text at that width, lines drawn through a box that is
 * neither of their ends, and line crossings.
 *
 * Needs Chromium (Debian: `apt-get install chromium`; another path with
 * CHROMIUM_PATH) and the npm registry: mermaid-cli is fetched on demand by
 * `npx` with PUPPETEER_SKIP_DOWNLOAD=1, never installed as a dependency (its
 * browser download would break `npm ci`). Not part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const MERMAID_CLI = '@mermaid-js/mermaid-cli@11';
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'];

/**
 * Runs in the browser over every inlined SVG: sizes, label font sizes, edge
 * paths sampled every 2 px, node boxes; writes a JSON report into #out.
 */
const MEASURE = String.raw`
const report = [];
for (const holder of document.querySelectorAll('div[data-name]')) {
  const svg = holder.querySelector('svg');
  const vb = svg.viewBox.baseVal;
  svg.setAttribute('width', vb.width);
  svg.setAttribute('height', vb.height);
  svg.style.maxWidth = 'none';
  const nodes = new Map();
  for (const g of svg.querySelectorAll('g.node')) {
    const m = /flowchart-(.+)-\d+$/.exec(g.id);
    if (!m) continue;
    const shapes = [...g.querySelectorAll('path, rect, polygon, circle, ellipse')].filter((el) => !el.closest('.label'));
    nodes.set(m[1], { box: g.getBoundingClientRect(), shapes });
  }
  const fonts = [...svg.querySelectorAll('g.node .nodeLabel, g.node .nodeLabel *, g.edgeLabel .edgeLabel, g.edgeLabel .edgeLabel *, g.cluster-label .nodeLabel, g.node text, g.cluster-label text')]
    .map((el) => parseFloat(getComputedStyle(el).fontSize))
    .filter((n) => n > 0);
  const names = [...nodes.keys()].sort((a, b) => b.length - a.length);
  const edges = [];
  for (const path of svg.querySelectorAll('path.flowchart-link')) {
    if (path.classList.contains('edge-thickness-invisible') || getComputedStyle(path).strokeWidth === '0px') continue;
    const id = (path.getAttribute('data-id') || path.id.replace(/^.*?L_/, 'L_')).replace(/^L_/, '').replace(/_\d+$/, '');
    const from = names.find((n) => id.startsWith(n + '_'));
    const to = from && names.find((n) => id === from + '_' + n);
    const ctm = path.getScreenCTM();
    const len = path.getTotalLength();
    const pts = [];
    for (let d = 0; d <= len; d += 2) {
      const p = path.getPointAtLength(d);
      pts.push([p.x * ctm.a + p.y * ctm.c + ctm.e, p.x * ctm.b + p.y * ctm.d + ctm.f]);
    }
    edges.push({ from, to, pts });
  }
  const titles = new Map();
  for (const g of svg.querySelectorAll('g.cluster')) {
    const label = g.querySelector('.cluster-label');
    if (label) titles.set(g.id.slice(svg.id.length + 1), label.getBoundingClientRect());
  }
  const overTitles = [];
  for (const e of edges) {
    for (const [name, r] of titles) {
      if (e.pts.some(([x, y]) => x > r.left && x < r.right && y > r.top && y < r.bottom)) overTitles.push(e.from + '→' + e.to + ' over the title of ' + name);
    }
  }
  const through = [];
  // A point is inside a box when it is inside the painted shape, not merely its bounding rectangle (a cylinder's corners are empty).
  // A line that only grazes an outline (within 2 px) is not counted.
  const filled = (node, x, y) =>
    node.shapes.some((el) => el.isPointInFill(new DOMPoint(x, y).matrixTransform(el.getScreenCTM().inverse())));
  const inside = (node, x, y) =>
    x > node.box.left && x < node.box.right && y > node.box.top && y < node.box.bottom &&
    [[0, 0], [2, 0], [-2, 0], [0, 2], [0, -2]].every(([dx, dy]) => filled(node, x + dx, y + dy));
  for (const e of edges) {
    for (const [name, node] of nodes) {
      if (name === e.from || name === e.to) continue;
      if (e.pts.some(([x, y]) => inside(node, x, y))) through.push(e.from + '→' + e.to + ' through ' + name);
    }
  }
  const cross = (a, b, c, d) => {
    const den = (b[0] - a[0]) * (d[1] - c[1]) - (b[1] - a[1]) * (d[0] - c[0]);
    if (den === 0) return null;
    const t = ((c[0] - a[0]) * (d[1] - c[1]) - (c[1] - a[1]) * (d[0] - c[0])) / den;
    const u = ((c[0] - a[0]) * (b[1] - a[1]) - (c[1] - a[1]) * (b[0] - a[0])) / den;
    return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])] : null;
  };
  const near = (p, q, d) => Math.hypot(p[0] - q[0], p[1] - q[1]) < d;
  const crossings = [];
  for (let i = 0; i < edges.length; i++) {
    for (let j = i + 1; j < edges.length; j++) {
      const a = edges[i].pts, b = edges[j].pts;
      const ends = [a[0], a[a.length - 1], b[0], b[b.length - 1]];
      for (let k = 1; k < a.length; k++) {
        for (let l = 1; l < b.length; l++) {
          const p = cross(a[k - 1], a[k], b[l - 1], b[l]);
          if (!p || ends.some((q) => near(p, q, 5)) || crossings.some((q) => near(p, q, 6))) continue;
          crossings.push(p);
        }
      }
    }
  }
  const minFont = Math.min(...fonts);
  report.push({
    name: holder.dataset.name,
    width: Math.round(vb.width),
    height: Math.round(vb.height),
    boxes: nodes.size,
    lines: edges.length,
    labelPx: minFont,
    textPxAt: Math.round(minFont * Math.min(1, WIDTH / vb.width) * 10) / 10,
    through,
    overTitles,
    crossings: crossings.length,
  });
}
document.getElementById('out').textContent = JSON.stringify(report);
`;

function main(): number {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: 'cdk.out/diagrams' }, width: { type: 'string', default: '900' }, pages: { type: 'string', default: join(__dirname, '..', 'docs', 'phases') } },
  });
  const out = resolve(values.out!);
  const width = Number(values.width);
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.error(`Chromium not found at ${chromium}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.`);
    return 2;
  }
  mkdirSync(out, { recursive: true });
  const puppeteerConfig = join(out, 'puppeteer.json');
  writeFileSync(puppeteerConfig, JSON.stringify({ executablePath: chromium, args: CHROMIUM_ARGS }));
  const pagesDir = resolve(values.pages!);
  const pages = readdirSync(pagesDir).filter((f) => f.endsWith('.md') && readFileSync(join(pagesDir, f), 'utf8').includes('```mermaid'));
  const env = { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' };
  const mmdc = (args: string[]): void => {
    execFileSync('npx', ['-y', MERMAID_CLI, '-q', '-p', puppeteerConfig, ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  };
  const svgs: { name: string; svg: string }[] = [];
  pages.forEach((page, i) => {
    const name = page.replace(/\.md$/, '');
    console.log(`[${i + 1}/${pages.length}] rendering docs/phases/${page}`);
    // Markdown input: mermaid-cli writes <name>-<n>.svg / .png beside a copy of the page.
    mmdc(['-i', join(pagesDir, page), '-o', join(out, `${name}.md`), '-e', 'svg']);
    mmdc(['-i', join(pagesDir, page), '-o', join(out, `${name}.md`), '-e', 'png', '-w', String(width)]);
    for (const f of readdirSync(out).filter((x) => new RegExp(`^${name}-\\d+\\.svg$`).test(x)).sort((a, b) => parseInt(a.slice(name.length + 1)) - parseInt(b.slice(name.length + 1)))) {
      svgs.push({ name: f.replace(/\.svg$/, ''), svg: readFileSync(join(out, f), 'utf8') });
    }
  });
  const html = join(out, 'measure.html');
  writeFileSync(
    html,
    [
      '<!doctype html><html><body style="margin:0">',
      ...svgs.map((s) => `<div data-name="${s.name}">${s.svg.replace(/^<\?xml[^>]*>/, '')}</div>`),
      '<pre id="out"></pre>',
      `<script>const WIDTH = ${width};${MEASURE}</script></body></html>`,
    ].join('\n'),
  );
  const dom = execFileSync(chromium, [...CHROMIUM_ARGS, '--dump-dom', `file://${html}`], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const json = /<pre id="out">([\s\S]*?)<\/pre>/.exec(dom)?.[1];
  if (!json) {
    console.error('Chromium returned no measurements.');
    return 1;
  }
  const rows = JSON.parse(json.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')) as {
    name: string;
    width: number;
    height: number;
    boxes: number;
    lines: number;
    labelPx: number;
    textPxAt: number;
    through: string[];
    overTitles: string[];
    crossings: number;
  }[];
  console.log(`\nPNGs (as shown ${width} px wide) and SVGs in ${out}\n`);
  console.log(`| diagram | rendered size | boxes | lines | label text | text at ${width} px | lines through other boxes | line crossings | lines over a group title |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.width} × ${r.height} | ${r.boxes} | ${r.lines} | ${Math.round(r.labelPx * 10) / 10} px | ${r.textPxAt} px | ${r.through.length} | ${r.crossings} | ${r.overTitles.length} |`);
  }
  for (const r of rows) for (const t of [...r.through, ...r.overTitles]) console.log(`  ${r.name}: ${t}`);
  const small = rows.filter((r) => r.textPxAt < 12);
  if (small.length > 0) console.log(`\nText under 12 px at ${width} px: ${small.map((r) => r.name).join(', ')}`);
  return small.length > 0 || rows.some((r) => r.through.length > 0) ? 1 : 0;
}

process.exitCode = main();
