// Agreement between readers (issue 7 item 5): the `crmo agreement --json` of the stored
// readings (GET /api/agreement), as tables and a Bland-Altman plot drawn here.
import { api } from "./api.js";
import { h, fmtNumber } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";
const s = (tag, attrs, text) => {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
};

function kappaText(k) {
  if (!k) return "–";
  if (k.kappa === null || k.kappa === undefined) return k.note || "undefined";
  const ci = Array.isArray(k.conf_int) && k.conf_int[0] !== null ? ` (${fmtNumber(k.conf_int[0])} to ${fmtNumber(k.conf_int[1])})` : "";
  return fmtNumber(k.kappa) + ci;
}

// Bland-Altman: difference (b - a) against the mean of the two totals, bias and limits.
export function blandAltman(ba, width = 460, height = 280) {
  const m = { l: 44, r: 96, t: 24, b: 36 };
  const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", class: "bland-altman",
                         "aria-label": `Bland-Altman plot, ${ba.reader_a} and ${ba.reader_b}` });
  svg.appendChild(s("text", { x: width / 2, y: 14, "text-anchor": "middle", "font-weight": "bold" }, `Bland-Altman: ${ba.reader_b} − ${ba.reader_a} (RAI-CROMRIS)`));
  const xs = ba.means || [], ys = ba.differences || [];
  if (!xs.length) { svg.appendChild(s("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "no exams")); return svg; }
  const lines = [ba.bias, ba.lower, ba.upper].filter((v) => typeof v === "number");
  let y0 = Math.min(0, ...ys, ...lines), y1 = Math.max(0, ...ys, ...lines);
  if (y0 === y1) { y0 -= 1; y1 += 1; }
  let x0 = Math.min(...xs), x1 = Math.max(...xs);
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  const pad = (x1 - x0) * 0.05;
  x0 -= pad; x1 += pad;
  const X = (v) => m.l + ((v - x0) / (x1 - x0)) * (width - m.l - m.r);
  const Y = (v) => height - m.b - ((v - y0) / (y1 - y0)) * (height - m.t - m.b);
  svg.appendChild(s("line", { x1: m.l, y1: height - m.b, x2: width - m.r, y2: height - m.b, stroke: "#888" }));
  svg.appendChild(s("line", { x1: m.l, y1: m.t, x2: m.l, y2: height - m.b, stroke: "#888" }));
  for (const v of [y0, 0, y1]) svg.appendChild(s("text", { x: m.l - 4, y: Y(v) + 3, "text-anchor": "end" }, String(Math.round(v * 10) / 10)));
  for (const v of [Math.min(...xs), Math.max(...xs)]) svg.appendChild(s("text", { x: X(v), y: height - m.b + 14, "text-anchor": "middle" }, String(Math.round(v * 10) / 10)));
  svg.appendChild(s("text", { x: (m.l + width - m.r) / 2, y: height - 6, "text-anchor": "middle" }, "mean of the two totals"));
  const hline = (v, label, dash) => {
    if (typeof v !== "number") return;
    svg.appendChild(s("line", { x1: m.l, y1: Y(v), x2: width - m.r, y2: Y(v), stroke: dash ? "#b3261e" : "#1f5fa8", "stroke-dasharray": dash ? "4 3" : "none" }));
    svg.appendChild(s("text", { x: width - m.r + 4, y: Y(v) + 3 }, `${label} ${fmtNumber(v)}`));
  };
  hline(ba.bias, "bias", false);
  hline(ba.upper, "+1.96 sd", true);
  hline(ba.lower, "−1.96 sd", true);
  xs.forEach((x, i) => svg.appendChild(s("circle", { cx: X(x), cy: Y(ys[i]), r: 3.5, fill: "#1d2430", "fill-opacity": 0.7 })));
  return svg;
}

export async function renderAgreement(root) {
  root.replaceChildren(h("h1", {}, "Agreement between readers"), h("p", { class: "muted", id: "agreement-status", text: "Computing…" }));
  let r;
  try {
    r = await api.get("/api/agreement");
  } catch (err) {
    const msg = err.status === 404 || err.status === 405
      ? "This server does not offer the agreement analysis (GET /api/agreement). The cohort report shows it when the stored exams have two readers."
      : err.message;
    root.replaceChildren(h("h1", {}, "Agreement between readers"), h("p", { class: "status error", id: "agreement-status", text: msg }));
    return;
  }
  const table = (id, head, rows) => h("table", { class: "data", id }, h("thead", {}, h("tr", {}, head.map((t) => h("th", { text: t })))), h("tbody", {}, rows));
  root.replaceChildren(
    h("h1", {}, "Agreement between readers"),
    h("p", { id: "agreement-status" }, `Readers ${r.readers.join(", ")}; ${r.exams} exams read by all of them` +
      (r.exams_left_out && r.exams_left_out.length ? ` (${r.exams_left_out.length} left out: not read by all)` : "") +
      `; grade item ${r.grade_item} (${r.grade_categories} categories).`),
    h("h2", {}, "Per bone category: free-marginal multirater kappa"),
    table("agreement-categories", ["Category", "Site ratings", "Abnormal by some", "Abnormal signal", "Grade"],
      (r.categories || []).map((c) => h("tr", {}, h("td", { text: c.category }), h("td", { class: "num", text: String(c.items) }),
        h("td", { class: "num", text: String(c.abnormal_items) }), h("td", { text: kappaText(c.free_marginal_abnormal) }), h("td", { text: kappaText(c.free_marginal_grade) })))),
    h("h2", {}, "Fleiss' kappa (all sites)"),
    h("p", {}, `abnormal signal ${kappaText(r.fleiss && r.fleiss.abnormal)}; grade ${kappaText(r.fleiss && r.fleiss.grade)}`),
    h("h2", {}, "Cohen's kappa per pair of readers"),
    table("agreement-cohen", ["Readers", "Abnormal", "Grade", "Linear weights", "Quadratic weights"],
      (r.cohen || []).map((p) => h("tr", {}, h("td", { text: `${p.reader_a} – ${p.reader_b}` }), h("td", { text: kappaText(p.cohen_abnormal) }),
        h("td", { text: kappaText(p.cohen_grade_unweighted) }), h("td", { text: kappaText(p.cohen_grade_linear) }), h("td", { text: kappaText(p.cohen_grade_quadratic) })))),
    h("h2", {}, "ICC of RAI-CROMRIS totals"),
    r.icc && Array.isArray(r.icc.forms) ?
      table("agreement-icc", ["Form", "ICC", "95 % CI", "F", "p"], r.icc.forms.map((f) => h("tr", {}, h("td", { text: f.type }),
        h("td", { class: "num", text: fmtNumber(f.icc) }), h("td", { text: Array.isArray(f.conf_int) ? `${fmtNumber(f.conf_int[0])} to ${fmtNumber(f.conf_int[1])}` : "–" }),
        h("td", { class: "num", text: fmtNumber(f.f) }), h("td", { class: "num", text: fmtNumber(f.p_value, 4) })))) :
      h("p", { class: "muted", text: (r.icc && r.icc.note) || "not computed" }),
    h("div", { class: "charts", id: "bland-altman" }, (r.bland_altman || []).map((b) => h("div", { class: "chart" }, blandAltman(b)))),
    (r.notes || []).length ? h("ul", { class: "muted" }, r.notes.map((n) => h("li", { text: n }))) : null);
}
