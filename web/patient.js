// A patient's timeline of exams with RAI-CROMRIS, lesion count and PGA over time, and
// the side-by-side of two exams with the change of every site marked (scoring.md).
import { api } from "./api.js";
import { h, $, fmtNumber } from "./dom.js";
import { Skeleton } from "./skeleton.js";
import { lineChart } from "./charts.js";
import { examScore, isInvolved, heatColour, maxUnitScore } from "./scoring.js";

const kindOf = (ctx) => (site) => { const u = ctx.atlas.get(site.slice(0, site.lastIndexOf(":"))); return u && u.kind; };

// The patient's exams, oldest first, each with its document and score.
async function patientExams(pid) {
  let ids;
  try {
    const p = await api.patient(pid);
    const list = Array.isArray(p) ? p : p.exams || p.timeline || [];
    ids = list.map((e) => (typeof e === "string" ? e : e.id || e.exam_id));
  } catch (err) {
    if (err.status !== 404) throw err;
    ids = (await api.exams()).filter((e) => e.patient_id === pid).map((e) => e.id);
  }
  const exams = await Promise.all(ids.map((id) => api.exam(id)));
  return exams.sort((a, b) => String(a.exam.exam.date).localeCompare(String(b.exam.exam.date)));
}

export async function renderPatient(root, ctx, pid) {
  const exams = await patientExams(pid);
  const pick = (name) => h("select", { id: name }, exams.map((e, i) => h("option", { value: e.exam.exam.id, selected: name === "cmp-from" ? i === exams.length - 2 || exams.length === 1 : i === exams.length - 1, text: `${e.exam.exam.id} (${e.exam.exam.date})` })));
  const pts = (f) => exams.map((e) => ({ x: e.exam.exam.date, label: e.exam.exam.timepoint || e.exam.exam.date, y: f(e) }));
  const local = (e) => examScore(ctx.scheme, e.exam.lesions, kindOf(ctx));
  const params = (e) => (e.score && e.score.parameters) || {};
  root.replaceChildren(
    h("h1", {}, "Patient ", h("span", { id: "patient-id", text: pid })),
    h("table", { class: "data", id: "timeline" },
      h("thead", {}, h("tr", {}, ["Exam", "Date", "Timepoint", "Reader", "RAI-CROMRIS", "Lesions", "PGA"].map((t) => h("th", { text: t })))),
      h("tbody", {}, exams.map((e) => h("tr", { class: "link", onclick: () => { location.hash = "#/exam/" + encodeURIComponent(e.exam.exam.id); } },
        h("td", {}, h("a", { href: "#/exam/" + encodeURIComponent(e.exam.exam.id), text: e.exam.exam.id })),
        h("td", { text: e.exam.exam.date }), h("td", { text: e.exam.exam.timepoint || "" }), h("td", { text: e.exam.exam.reader || "" }),
        h("td", { class: "num", text: fmtNumber(e.score ? e.score.rai_total : local(e).total) }),
        h("td", { class: "num", text: fmtNumber(params(e).lesion_count) }),
        h("td", { class: "num", text: fmtNumber((e.exam.clinical || {}).pga) }))))),
    h("div", { class: "charts", id: "charts" },
      h("div", { class: "chart" }, lineChart("RAI-CROMRIS", pts((e) => (e.score ? e.score.rai_total : local(e).total)))),
      h("div", { class: "chart" }, lineChart("Lesion count", pts((e) => params(e).lesion_count))),
      h("div", { class: "chart" }, lineChart("PGA", pts((e) => (e.exam.clinical || {}).pga)))),
    exams.length < 2 ? h("p", { class: "muted", text: "One exam only: nothing to compare yet." }) :
      h("form", { class: "toolbar", onsubmit: (ev) => { ev.preventDefault(); location.hash = `#/compare/${encodeURIComponent($("#cmp-from").value)}/${encodeURIComponent($("#cmp-to").value)}`; } },
        "Compare ", pick("cmp-from"), " with ", pick("cmp-to"), h("button", { type: "submit", class: "primary" }, "Side by side")));
}

// The change table: the server's (crmo compare) when it offers it, otherwise computed
// here by the rules of scoring.md from the two exams' unit scores.
async function changes(ctx, a, b) {
  try {
    return await api.get(`/api/compare?from=${encodeURIComponent(a.exam.exam.id)}&to=${encodeURIComponent(b.exam.exam.id)}`);
  } catch (err) {
    if (err.status !== 404 && err.status !== 405) throw err;
  }
  const k = kindOf(ctx);
  const sa = examScore(ctx.scheme, a.exam.lesions.filter((r) => isInvolved(ctx.scheme, r)), k).sites;
  const sb = examScore(ctx.scheme, b.exam.lesions.filter((r) => isInvolved(ctx.scheme, r)), k).sites;
  const sites = [];
  for (const site of new Set([...sa.keys(), ...sb.keys()])) {
    const f = sa.get(site), t = sb.get(site);
    const change = f === undefined ? "new" : t === undefined ? "resolved" : t < f ? "improved" : t > f ? "worsened" : "stable";
    sites.push({ site, change, from_score: f ?? null, to_score: t ?? null });
  }
  const total = (m) => [...m.values()].reduce((x, y) => x + y, 0);
  const lc = (e) => e.score && e.score.parameters ? e.score.parameters.lesion_count : undefined;
  return { from: a.exam.exam.id, to: b.exam.exam.id, rai_change: total(sb) - total(sa),
           lesion_count_change: lc(a) !== undefined && lc(b) !== undefined ? lc(b) - lc(a) : null, sites, computed_in_page: true };
}

export async function renderCompare(root, ctx, idA, idB) {
  const [a, b] = await Promise.all([api.exam(idA), api.exam(idB)]);
  const cmp = await changes(ctx, a, b);
  const k = kindOf(ctx);
  const draw = async (box, e, label) => {
    const sk = new Skeleton(box, { keepIds: false, label });
    await sk.draw();
    const sc = examScore(ctx.scheme, e.exam.lesions, k);
    for (const [site, v] of sc.sites) sk.shade(site, v > 0 ? heatColour(v / (maxUnitScore(ctx.scheme, k(site)) || 7)) : null, `${site}: unit score ${v}`);
    return sk;
  };
  const count = (c) => cmp.sites.filter((s) => s.change === c).length;
  const pid = a.exam.patient.id;
  root.replaceChildren(
    h("h1", {}, "Change ", h("span", { text: idA }), " → ", h("span", { text: idB })),
    h("p", {}, h("a", { href: "#/patient/" + encodeURIComponent(pid), text: "patient " + pid }),
      ` · RAI-CROMRIS change ${signed(cmp.rai_change)} · lesion count change ${signed(cmp.lesion_count_change)} · new sites ${count("new")} · resolved ${count("resolved")}`,
      cmp.pedcno ? ` · PedCNO: ${cmp.pedcno.status}${cmp.pedcno.level ? " " + cmp.pedcno.level : ""}${(cmp.pedcno.missing || []).length ? " (missing " + cmp.pedcno.missing.join(", ") + ")" : ""}` : "",
      cmp.computed_in_page ? h("span", { class: "muted", text: " (computed in the page)" }) : null),
    h("p", { class: "change-legend" }, [["new", "#b3261e"], ["worsened", "#e07000"], ["improved", "#1b7a3a"], ["resolved", "#1b7a3a"], ["stable", "#555"]].map(([c, col]) =>
      h("span", {}, h("span", { class: "k", style: `border-color:${col}${c === "resolved" ? ";border-style:dashed" : ""}` }), c))),
    h("div", { class: "compare-grid" },
      h("div", {}, h("h2", { text: `${idA} (${a.exam.exam.date})` }), h("div", { class: "skeleton-box", id: "cmp-a" })),
      h("div", {}, h("h2", { text: `${idB} (${b.exam.exam.date})` }), h("div", { class: "skeleton-box", id: "cmp-b" }))),
    h("table", { class: "data", id: "change-table" },
      h("thead", {}, h("tr", {}, ["Site", "Change", "Before", "After"].map((t) => h("th", { text: t })))),
      h("tbody", {}, cmp.sites.map((s) => h("tr", { "data-site": s.site, "data-change": s.change },
        h("td", { text: s.site }), h("td", { text: s.change }), h("td", { class: "num", text: fmtNumber(s.from_score) }), h("td", { class: "num", text: fmtNumber(s.to_score) }))))));
  const [ska, skb] = await Promise.all([draw($("#cmp-a", root), a, idA), draw($("#cmp-b", root), b, idB)]);
  for (const s of cmp.sites) { ska.mark(s.site, "change-" + s.change); skb.mark(s.site, "change-" + s.change); }
}

function signed(v) { return v === null || v === undefined ? "–" : v > 0 ? "+" + v : String(v); }
