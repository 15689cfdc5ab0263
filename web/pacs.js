// The PACS panel (#/pacs, docs/web.md): search the PACS the server is configured with
// (crmo serve --pacs URL) by patient id and study date range, list a study's series, and
// pull a study into the server's image folder, where it is ingested as `crmo pull` does.
// Hidden when the server has no PACS, and from researchers (PACS rows carry identifiers).
import { api } from "./api.js";
import { h, status } from "./dom.js";

const enc = encodeURIComponent;

// Whether the server has a PACS (GET /api/pacs); an older server without the route: no.
export async function pacsConfigured() {
  try {
    const r = await api.get("/api/pacs");
    return !!(r && r.configured);
  } catch {
    return false;
  }
}

// "2021-03-04" or "20210304" -> "20210304"; "" -> ""; anything else -> null.
export function dicomDate(text) {
  const t = String(text || "").trim();
  if (!t) return "";
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(t);
  return m ? m[1] + m[2] + m[3] : null;
}

const showDate = (d) => (/^\d{8}$/.test(d || "") ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : d || "");
const count = (v) => (v === null || v === undefined ? "?" : String(v));

function pullMessage(r) {
  const groups = (r.station_groups || []).map((g) => `${g.description || g.id}: ${g.stations} station${g.stations === 1 ? "" : "s"}${g.stir ? " (STIR)" : ""}`);
  return (r.already_pulled ? "Already pulled before: " : "Pulled: ") +
    `${r.instances} images, ${r.series} series, ${(r.station_groups || []).length} whole-body sequence${(r.station_groups || []).length === 1 ? "" : "s"}` +
    (groups.length ? ` (${groups.join("; ")})` : "") + `, ${r.volumes_written} volumes in ${r.folder}` +
    (r.problems ? `; ${r.problems} problem${r.problems === 1 ? "" : "s"} listed in its manifest` : "") + ".";
}

async function toggleSeries(tr, study) {
  const next = tr.nextElementSibling;
  if (next && next.classList.contains("pacs-series")) { next.remove(); return; }
  const cell = h("td", { colspan: 8 }, h("span", { class: "muted", text: "Loading the series…" }));
  tr.after(h("tr", { class: "pacs-series", dataset: { seriesOf: study.study_uid } }, cell));
  try {
    const rows = await api.get(`/api/pacs/studies/${enc(study.study_uid)}/series`);
    cell.replaceChildren(h("table", { class: "data pacs-series-table" },
      h("thead", {}, h("tr", {}, ["#", "Modality", "Series", "Images"].map((t) => h("th", { text: t })))),
      h("tbody", {}, rows.map((s) => h("tr", { dataset: { series: s.series_uid } },
        h("td", { class: "num", text: count(s.number) }), h("td", { text: s.modality || "" }),
        h("td", { text: s.description || "(no description)" }), h("td", { class: "num", text: count(s.instances) }))))));
  } catch (err) {
    cell.replaceChildren(h("span", { class: "status error", text: err.message }));
  }
}

// How far a pull has got, from GET .../pull while the POST runs.
function progressText(p) {
  if (!p || !p.pulling) return "retrieving and ingesting…";
  if (p.total > 0) return `${p.phase} ${p.done}/${p.total}${p.phase === "retrieving" ? " images" : ""}`;
  return `${p.phase}…`;
}

async function pull(button, line, study) {
  button.disabled = true;
  const started = Date.now();
  let progress = null;
  const tick = () => status(line, `Pulling ${study.study_uid}: ${progressText(progress)} ${Math.round((Date.now() - started) / 1000)} s`, "info");
  tick();
  let running = true;
  const timer = setInterval(async () => {
    try {
      const p = await api.get(`/api/pacs/studies/${enc(study.study_uid)}/pull`);
      if (running) progress = p;
    } catch (err) {
      // Progress is a courtesy: the pull's own answer says how it ended.
    }
    if (running) tick();
  }, 1000);
  try {
    const r = await api.post(`/api/pacs/studies/${enc(study.study_uid)}/pull`, {});
    status(line, pullMessage(r), "ok");
    button.textContent = "Pulled";
  } catch (err) {
    status(line, err.message, "error");
    button.disabled = false;
  } finally {
    running = false;
    clearInterval(timer);
  }
}

function resultsTable(studies, line) {
  const head = ["Date", "Patient ID", "Name", "Description", "Modalities", "Series", "Images", ""];
  return h("table", { class: "data", id: "pacs-results" },
    h("thead", {}, h("tr", {}, head.map((t) => h("th", { text: t })))),
    h("tbody", {}, studies.map((s) => {
      const tr = h("tr", { dataset: { study: s.study_uid } });
      const pullButton = h("button", { type: "button", class: "pacs-pull", text: s.pulled ? "Pulled" : "Pull" });
      pullButton.addEventListener("click", () => pull(pullButton, line, s));
      const seriesButton = h("button", { type: "button", class: "pacs-series-toggle", text: "Series" });
      seriesButton.addEventListener("click", () => toggleSeries(tr, s));
      tr.append(h("td", { text: showDate(s.study_date) }), h("td", { class: "pacs-patient", text: s.patient_id }),
        h("td", { text: s.patient_name || "" }), h("td", { text: s.description || "" }),
        h("td", { text: (s.modalities || "").replace(/\\/g, ", ") }), h("td", { class: "num", text: count(s.series) }),
        h("td", { class: "num", text: count(s.instances) }), h("td", { class: "pacs-actions" }, seriesButton, " ", pullButton));
      return tr;
    })));
}

export async function renderPacs(root, ctx) {
  const title = h("h1", {}, "PACS");
  if (ctx.role === "researcher") {
    root.replaceChildren(title, h("p", { class: "status error", id: "pacs-status", text: "PACS searches show patient identifiers: researchers cannot use them." }));
    return;
  }
  const info = await api.get("/api/pacs");
  if (!info || !info.configured) {
    root.replaceChildren(title, h("p", { class: "status info", id: "pacs-status", text: "This server has no PACS configured (crmo serve --pacs URL)." }));
    return;
  }
  const field = (label, name, placeholder) => h("label", { class: "text-field" }, h("span", { text: label }),
    h("input", { id: "pacs-" + name, name, placeholder, autocomplete: "off" }), h("span", { class: "field-error", dataset: { errorFor: name } }));
  const form = h("form", { id: "pacs-search", class: "pacs-form" },
    field("Patient ID (* and ? wildcards)", "patient", "P017"),
    field("Study date from", "from", "YYYY-MM-DD"),
    field("to", "to", "YYYY-MM-DD"),
    h("button", { type: "submit", class: "primary", id: "pacs-submit", text: "Search" }));
  const line = h("p", { class: "status", id: "pacs-status" });
  const results = h("div", { id: "pacs-results-box" });
  root.replaceChildren(title, h("p", { class: "muted", text: `DICOMweb: ${info.url}` }), form, line, results);

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    for (const e of form.querySelectorAll(".field-error")) e.textContent = "";
    const value = (n) => form.elements[n].value.trim();
    const from = dicomDate(value("from")), to = dicomDate(value("to"));
    let bad = false;
    for (const [n, v] of [["from", from], ["to", to]])
      if (v === null) { form.querySelector(`[data-error-for="${n}"]`).textContent = "expected a date YYYY-MM-DD"; bad = true; }
    if (bad) return;
    const q = new URLSearchParams();
    if (value("patient")) q.set("patient", value("patient"));
    if (from || to) q.set("date", from === to ? from : `${from}-${to}`);
    status(line, "Searching…", "info");
    results.replaceChildren();
    try {
      const studies = await api.get("/api/pacs/studies" + (q.toString() ? "?" + q : ""));
      status(line, studies.length ? `${studies.length} stud${studies.length === 1 ? "y" : "ies"} found.` : "No study matches.", studies.length ? "ok" : "info");
      if (studies.length) results.replaceChildren(resultsTable(studies, line));
    } catch (err) {
      for (const p of err.problems) {
        const at = form.querySelector(`[data-error-for="${p.field === "date" ? "from" : p.field}"]`);
        if (at) at.textContent = p.message;
      }
      status(line, err.message, "error");
    }
  });
}
