// Agreement between readers (issue 7 item 5): the `crmo agreement --json` of the stored
// readings (GET /api/agreement) as tables, and per pair of readers the Bland-Altman plot
// the report draws (GET /api/agreement/bland-altman.svg).
import { api, session } from "./api.js";
import { h, fmtNumber } from "./dom.js";

// A table cell with a kappa; data-kappa holds the full value (or "null").
const kappaCell = (k) => h("td", { text: kappaText(k), "data-kappa": k && typeof k.kappa === "number" ? String(k.kappa) : "null" });

function kappaText(k) {
  if (!k) return "–";
  if (k.kappa === null || k.kappa === undefined) return k.note || "undefined";
  // An interval only where one was computed (free-marginal and Fleiss' kappas carry [0, 0]).
  const ci = Array.isArray(k.conf_int) && typeof k.conf_int[0] === "number" && k.conf_int[0] < k.conf_int[1]
    ? ` (95 % CI ${fmtNumber(k.conf_int[0])} to ${fmtNumber(k.conf_int[1])})` : "";
  return fmtNumber(k.kappa) + ci;
}

// The report's Bland-Altman plot of one pair, as an image (an <img> runs no scripts).
// The request needs the session's token, so it is fetched and shown from a blob.
async function blandAltmanImage(ba) {
  const q = `reader_a=${encodeURIComponent(ba.reader_a)}&reader_b=${encodeURIComponent(ba.reader_b)}`;
  const s = session.get();
  const res = await fetch("/api/agreement/bland-altman.svg?" + q, { headers: s && s.token ? { Authorization: "Bearer " + s.token } : {} });
  if (!res.ok) {
    let msg = res.statusText;
    try { msg = (await res.json()).error || msg; } catch { /* not JSON */ }
    return h("p", { class: "status error", text: `Bland-Altman ${ba.reader_a} – ${ba.reader_b}: ${msg}` });
  }
  const url = URL.createObjectURL(new Blob([await res.text()], { type: "image/svg+xml" }));
  const img = h("img", { class: "bland-altman", src: url, "data-reader-a": ba.reader_a, "data-reader-b": ba.reader_b,
                         alt: `Bland-Altman plot of RAI-CROMRIS totals, ${ba.reader_b} − ${ba.reader_a}` });
  img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
  const limits = typeof ba.bias === "number"
    ? `bias ${fmtNumber(ba.bias)}` + (typeof ba.lower === "number" ? `, limits of agreement ${fmtNumber(ba.lower)} to ${fmtNumber(ba.upper)}` : "") + ` (${ba.n} exams)`
    : "no exams";
  return h("figure", { class: "chart" }, img, h("figcaption", { class: "muted", text: `${ba.reader_a} – ${ba.reader_b}: ${limits}` }));
}

export async function renderAgreement(root) {
  root.replaceChildren(h("h1", {}, "Agreement between readers"), h("p", { class: "muted", id: "agreement-status", text: "Computing…" }));
  let r;
  try {
    r = await api.get("/api/agreement");
  } catch (err) {
    // 404: no exam has two readers' readings yet (the server says so).
    const msg = err.status === 405 ? "This server does not offer the agreement analysis (GET /api/agreement)." : err.message;
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
      (r.categories || []).map((c) => h("tr", { "data-category": c.category }, h("td", { text: c.category }), h("td", { class: "num", text: String(c.items) }),
        h("td", { class: "num", text: String(c.abnormal_items) }), kappaCell(c.free_marginal_abnormal), kappaCell(c.free_marginal_grade)))),
    h("h2", {}, "Fleiss' kappa (all sites)"),
    table("agreement-fleiss", ["", "Abnormal signal", "Grade"], [h("tr", {}, h("td", { text: "all sites" }),
      kappaCell(r.fleiss && r.fleiss.abnormal), kappaCell(r.fleiss && r.fleiss.grade))]),
    h("h2", {}, "Cohen's kappa per pair of readers"),
    table("agreement-cohen", ["Readers", "Abnormal", "Grade", "Linear weights", "Quadratic weights"],
      (r.cohen || []).map((p) => h("tr", { "data-pair": `${p.reader_a}/${p.reader_b}` }, h("td", { text: `${p.reader_a} – ${p.reader_b}` }), kappaCell(p.cohen_abnormal),
        kappaCell(p.cohen_grade_unweighted), kappaCell(p.cohen_grade_linear), kappaCell(p.cohen_grade_quadratic)))),
    h("h2", {}, "ICC of RAI-CROMRIS totals"),
    r.icc && Array.isArray(r.icc.forms) ?
      table("agreement-icc", ["Form", "ICC", "95 % CI", "F", "p"], r.icc.forms.map((f) => h("tr", { "data-form": f.type }, h("td", { text: f.type }),
        h("td", { class: "num", text: fmtNumber(f.icc) }), h("td", { text: Array.isArray(f.conf_int) ? `${fmtNumber(f.conf_int[0])} to ${fmtNumber(f.conf_int[1])}` : "–" }),
        h("td", { class: "num", text: fmtNumber(f.f) }), h("td", { class: "num", text: fmtNumber(f.p_value, 4) })))) :
      h("p", { class: "muted", text: (r.icc && r.icc.note) || "not computed" }),
    h("h2", {}, "Bland-Altman plots of RAI-CROMRIS totals"),
    h("div", { class: "charts", id: "bland-altman" }, await Promise.all((r.bland_altman || []).map(blandAltmanImage))),
    (r.notes || []).length ? h("ul", { class: "muted" }, r.notes.map((n) => h("li", { text: n }))) : null);
}
