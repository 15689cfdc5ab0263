// A patient's timeline of exams with RAI-CROMRIS, lesion count and PGA over time, and
// the side-by-side of two exams with the change of every site marked (scoring.md).
import { api } from "./api.js";
import { h, $, fmtNumber } from "./dom.js";
import { Skeleton } from "./skeleton.js";
import { lineChart } from "./charts.js";
import { examScore, heatColour, maxUnitScore } from "./scoring.js";

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

// The change table of the server (`crmo compare --json`, spec/scoring.md's rules).
const compareOf = (from, to) => api.get(`/api/compare?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);

const CHANGE_COLOURS = [["new", "#b3261e"], ["worsened", "#e07000"], ["improved", "#1b7a3a"], ["resolved", "#1b7a3a"], ["stable", "#555"]];

function pedcnoText(p) {
  if (!p) return "–";
  const what = p.status === "met" ? `PedCNO${p.level} met` : p.status === "not_met" ? "not met" : "undetermined";
  return what + ((p.missing || []).length ? ` (missing ${p.missing.join(", ")})` : "");
}

export async function renderCompare(root, ctx, idA, idB) {
  // The server orders the two exams by date; the skeletons follow its order.
  const cmp = await compareOf(idA, idB);
  const k = kindOf(ctx);
  const draw = async (box, scoreOf, label) => {
    const sk = new Skeleton(box, { keepIds: false, label });
    await sk.draw();
    for (const s of cmp.sites) {
      const v = scoreOf(s);
      if (v !== null && v !== undefined && v > 0) sk.shade(s.site, heatColour(v / (maxUnitScore(ctx.scheme, k(s.site)) || 7)), `${s.site}: unit score ${v} (${s.change})`);
    }
    return sk;
  };
  const pid = cmp.patient_id;
  const vol = cmp.volume_change_ml === null || cmp.volume_change_ml === undefined ? "not measured on every involved site"
    : `${fmtNumber(cmp.volume_from_ml)} → ${fmtNumber(cmp.volume_to_ml)} mL (${signed(cmp.volume_change_ml)})`;
  const row = (label, value, id) => h("tr", {}, h("th", { text: label }), h("td", { id, text: value }));
  root.replaceChildren(
    h("h1", {}, "Change ", h("span", { id: "cmp-from-id", text: cmp.from }), " → ", h("span", { id: "cmp-to-id", text: cmp.to })),
    h("p", {}, h("a", { href: "#/patient/" + encodeURIComponent(pid), text: "patient " + pid }),
      ` · ${cmp.from_date} → ${cmp.to_date} (${cmp.days} days) · RAI-CROMRIS change ${signed(cmp.rai_change)} · lesion count change ${signed(cmp.lesion_count_change)}`,
      cmp.from !== idA ? h("span", { class: "muted", text: " · compared in date order" }) : null),
    h("table", { class: "data summary", id: "change-summary" }, h("tbody", {},
      row("RAI-CROMRIS", `${cmp.rai_from} → ${cmp.rai_to} (${signed(cmp.rai_change)})`, "cmp-rai"),
      row("Lesion count", `${cmp.lesion_count_from} → ${cmp.lesion_count_to} (${signed(cmp.lesion_count_change)})`, "cmp-lesions"),
      row("Sites", `${cmp.new_sites} new, ${cmp.resolved_sites} resolved, ${cmp.improved_sites} improved, ${cmp.worsened_sites} worsened, ${cmp.stable_sites} stable`, "cmp-sites"),
      row("Lesion volume", vol, "cmp-volume"),
      row("PedCNO response", pedcnoText(cmp.pedcno), "cmp-pedcno"))),
    h("p", { class: "change-legend" }, CHANGE_COLOURS.map(([c, col]) =>
      h("span", {}, h("span", { class: "k", style: `border-color:${col}${c === "resolved" ? ";border-style:dashed" : ""}` }), c))),
    h("div", { class: "compare-grid" },
      h("div", {}, h("h2", { text: `${cmp.from} (${cmp.from_date})` }), h("div", { class: "skeleton-box", id: "cmp-a" })),
      h("div", {}, h("h2", { text: `${cmp.to} (${cmp.to_date})` }), h("div", { class: "skeleton-box", id: "cmp-b" }))),
    h("table", { class: "data", id: "change-table" },
      h("thead", {}, h("tr", {}, ["Site", "Change", "Before", "After"].map((t) => h("th", { text: t })))),
      h("tbody", {}, cmp.sites.map((s) => h("tr", { "data-site": s.site, "data-change": s.change },
        h("td", { text: s.site }), h("td", { text: s.change }), h("td", { class: "num", text: fmtNumber(s.from_score) }), h("td", { class: "num", text: fmtNumber(s.to_score) }))))));
  const [ska, skb] = await Promise.all([draw($("#cmp-a", root), (s) => s.from_score, `${cmp.from} (${cmp.from_date})`),
                                        draw($("#cmp-b", root), (s) => s.to_score, `${cmp.to} (${cmp.to_date})`)]);
  for (const s of cmp.sites) { ska.mark(s.site, "change-" + s.change); skb.mark(s.site, "change-" + s.change); }
}

function signed(v) { return v === null || v === undefined ? "–" : v > 0 ? "+" + v : String(v); }
