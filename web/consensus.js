// Consensus and adjudication (issue 7, docs/readers.md): pick two readings of an exam,
// see where they disagree site by site (the fields that differ, both unit scores), choose
// reading A's grading, B's, or normal for each, and save the consensus reading. The
// server builds the consensus (POST /api/exams/{id}/consensus), so what is shown is what
// `crmo consensus` would write; nothing is saved while a disagreement is undecided.
import { api } from "./api.js";
import { h, status, fmtNumber } from "./dom.js";

const show = (v) => (v === null || v === undefined ? "–" : String(v));

export async function renderConsensus(root, ctx, id) {
  const readings = await api.readings(id);
  const own = readings.filter((r) => r.kind !== "consensus");
  const existing = readings.find((r) => r.kind === "consensus");
  root.replaceChildren(h("h1", {}, "Consensus of exam ", h("span", { id: "consensus-exam", text: id })),
    h("p", {}, h("a", { href: "#/exam/" + encodeURIComponent(id), text: "Back to the exam" })));
  if (own.length < 2) {
    root.appendChild(h("p", { class: "muted", id: "consensus-status", text: "A consensus needs two readings of this exam; it has " + own.length + "." }));
    return;
  }
  const pick = (name, at) => h("select", { id: name }, own.map((r, i) => h("option", { value: r.reader, selected: i === at ? "" : null, text: `${r.reader} (RAI-CROMRIS ${r.rai_cromris})` })));
  const selA = pick("reading-a", 0), selB = pick("reading-b", 1);
  const state = { decisions: new Map(), result: null };
  const out = h("div", { id: "consensus-result" });
  const st = h("p", { class: "status", id: "consensus-status" });
  root.append(...[
    existing ? h("p", { class: "muted", id: "consensus-existing", text: `Stored consensus: reader ${existing.reader}, of ${(existing.sources || []).join(" and ")}, RAI-CROMRIS ${existing.rai_cromris} (revision ${existing.revision}).` }) : null,
    h("div", { class: "toolbar" }, h("label", {}, "Reading A ", selA), h("label", {}, "Reading B ", selB),
      h("button", { type: "button", id: "compare-readings", onclick: () => { state.decisions.clear(); refresh(); } }, "Compare")),
    st, out].filter(Boolean));

  async function refresh(save = false) {
    const a = selA.value, b = selB.value;
    if (a === b) { status(st, "Pick two different readings.", "error"); return; }
    const body = { readers: [a, b] };
    const decisions = [...state.decisions.entries()].map(([site, choice]) => ({ site, choice }));
    if (decisions.length) body.decisions = decisions;
    if (save) Object.assign(body, { save: true, revision: state.result ? state.result.consensus_revision : 0 });
    status(st, save ? "Saving…" : "Comparing…", "info");
    try {
      state.result = await api.consensus(id, body);
    } catch (err) {
      status(st, err.message + (err.problems.length ? ": " + err.problems.map((p) => p.message).join("; ") : ""), "error");
      return;
    }
    draw(a, b);
    const r = state.result;
    if (r.saved) status(st, `Saved the consensus reading (${r.consensus_reader}, revision ${r.consensus_revision}): RAI-CROMRIS ${r.score.rai_total}.`, "ok");
    else status(st, `${r.sites_agreed} sites agree, ${r.disagreements.length} disagree; ${r.sites_pending} still to decide.` +
      ` Consensus so far: RAI-CROMRIS ${r.score.rai_total}.`, r.sites_pending ? "info" : "ok");
  }

  function choose(site, choice) {
    state.decisions.set(site, choice);
    refresh();
  }

  function draw(a, b) {
    const r = state.result;
    const rows = r.disagreements.map((d) => {
      const chosen = state.decisions.get(d.site) || (d.resolution && d.resolution !== "pending" ? d.resolution : null);
      const fields = (d.fields || []).map((f) => `${f.field}: ${show(f.a)} / ${show(f.b)}`).join("; ");
      const btn = (choice, label) => h("button", { type: "button", class: "choice" + (chosen === choice ? " chosen" : ""), "data-choice": choice,
        "aria-pressed": String(chosen === choice), onclick: () => choose(d.site, choice) }, label);
      return h("tr", { "data-site": d.site, "data-resolution": d.resolution || "pending" },
        h("td", { text: d.site }), h("td", { text: fields || (d.a ? "only in A" : "only in B") }),
        h("td", { class: "num a-score", text: fmtNumber(d.a_score) }), h("td", { class: "num b-score", text: fmtNumber(d.b_score) }),
        h("td", {}, d.site === "clinical" ? [btn("a", "A"), btn("b", "B")] : [btn("a", "A"), btn("b", "B"), btn("normal", "Normal")]));
    });
    out.replaceChildren(
      h("table", { class: "data", id: "disagreements" },
        h("thead", {}, h("tr", {}, ["Site", "Differs (A / B)", `${a}`, `${b}`, "Consensus"].map((t) => h("th", { text: t })))),
        h("tbody", {}, rows.length ? rows : [h("tr", {}, h("td", { colspan: 5, class: "muted", text: "The two readings agree on every site." }))])),
      h("p", {}, "Consensus RAI-CROMRIS ", h("output", { id: "consensus-total", text: String(r.score.rai_total) }),
        ` (${a}: ${fmtNumber((own.find((x) => x.reader === a) || {}).rai_cromris)}, ${b}: ${fmtNumber((own.find((x) => x.reader === b) || {}).rai_cromris)})`),
      ctx.role === "researcher" ? null :
        h("button", { type: "button", class: "primary", id: "save-consensus", disabled: r.sites_pending ? "" : null, onclick: () => refresh(true) },
          "Save the consensus reading"));
  }
  await refresh();
}
