// A small line chart in SVG (values over time), drawn in the page.
const NS = "http://www.w3.org/2000/svg";

function el(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// points: [{x: Date or string label, y: number|null, label}]; missing y leaves a gap.
export function lineChart(title, points, { width = 320, height = 180, yMin = 0 } = {}) {
  const m = { l: 36, r: 10, t: 22, b: 34 };
  const svg = el("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "line-chart" });
  svg.appendChild(el("text", { x: width / 2, y: 14, "text-anchor": "middle", "font-weight": "bold" }, title));
  const ys = points.map((p) => p.y).filter((v) => typeof v === "number" && Number.isFinite(v));
  if (!points.length || !ys.length) {
    svg.appendChild(el("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "no values"));
    return svg;
  }
  const times = points.map((p) => Date.parse(p.x));
  const useTime = times.every(Number.isFinite) && new Set(times).size === times.length;
  const xs = useTime ? times : points.map((_, i) => i);
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  let lo = Math.min(yMin, ...ys), hi = Math.max(...ys);
  if (hi === lo) hi = lo + 1;
  const X = (v) => m.l + (x1 === x0 ? (width - m.l - m.r) / 2 : ((v - x0) / (x1 - x0)) * (width - m.l - m.r));
  const Y = (v) => height - m.b - ((v - lo) / (hi - lo)) * (height - m.t - m.b);
  svg.appendChild(el("line", { x1: m.l, y1: height - m.b, x2: width - m.r, y2: height - m.b, stroke: "#888" }));
  svg.appendChild(el("line", { x1: m.l, y1: m.t, x2: m.l, y2: height - m.b, stroke: "#888" }));
  for (const v of [lo, (lo + hi) / 2, hi]) {
    svg.appendChild(el("text", { x: m.l - 4, y: Y(v) + 3, "text-anchor": "end" }, String(Math.round(v * 10) / 10)));
    svg.appendChild(el("line", { x1: m.l, y1: Y(v), x2: width - m.r, y2: Y(v), stroke: "#eee" }));
  }
  let d = "";
  points.forEach((p, i) => {
    const ok = typeof p.y === "number" && Number.isFinite(p.y);
    if (ok) d += (d && points[i - 1] && Number.isFinite(points[i - 1].y) ? " L" : " M") + X(xs[i]).toFixed(1) + "," + Y(p.y).toFixed(1);
  });
  svg.appendChild(el("path", { d: d.trim(), fill: "none", stroke: "#1f5fa8", "stroke-width": 2 }));
  points.forEach((p, i) => {
    svg.appendChild(el("text", { x: X(xs[i]), y: height - m.b + 14, "text-anchor": "middle" }, p.label || String(p.x)));
    if (typeof p.y === "number" && Number.isFinite(p.y)) {
      const c = el("circle", { cx: X(xs[i]), cy: Y(p.y), r: 3.5, fill: "#1f5fa8", "data-value": p.y });
      c.appendChild(el("title", {}, `${p.label || p.x}: ${p.y}`));
      svg.appendChild(c);
    }
  });
  return svg;
}
