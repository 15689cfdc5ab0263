// The clinical form of an exam (spec/clinical.md) beside the skeleton, and the clinical
// instruments evaluated for it. Values go to the server as typed; its messages appear
// next to the field they concern.
import { api } from "./api.js";
import { h, $, $$, status, fmtNumber } from "./dom.js";
import { fieldOfProblem } from "./grading.js";

export const CLINICAL_FIELDS = [
  { name: "pga", label: "PGA (0–10, steps of 0.5)", type: "number" },
  { name: "pain", label: "Pain (0–10)", type: "number" },
  { name: "patient_global", label: "Patient global (0–10)", type: "number" },
  { name: "chaq", label: "CHAQ (0–3)", type: "number" },
  { name: "esr", label: "ESR (mm/h)", type: "number" },
  { name: "crp", label: "CRP (mg/L)", type: "number" },
  { name: "fever", label: "Fever ≥ 38 °C", type: "bool" },
  { name: "normal_blood_count", label: "Normal blood count", type: "bool" },
  { name: "marginal_sclerosis", label: "Marginal sclerosis (radiographs)", type: "bool" },
  { name: "biopsy", label: "Biopsy", type: "choice", choices: ["not_done", "inflammatory_sterile", "other"] },
  { name: "symptomatic_sites", label: "Symptomatic sites (unit:side, comma separated)", type: "sites" },
  { name: "clinical_severity", label: "Clinical severity (center's total)", type: "number" },
];
const NAMES = CLINICAL_FIELDS.map((f) => f.name);
let liveEvaluation = true; // false once the server says it cannot evaluate unsaved values

export class ClinicalForm {
  // getExam() -> {id, revision, clinical}; onSaved(reply) after a successful save;
  // onError(err) for a failed one (the exam view handles conflicts).
  constructor(root, { readOnly, getExam, onSaved, onError }) {
    this.root = root;
    this.readOnly = readOnly;
    this.getExam = getExam;
    this.onSaved = onSaved;
    this.onError = onError;
    this.timer = null;
  }

  render() {
    const clinical = this.getExam().clinical || {};
    const rows = CLINICAL_FIELDS.map((f) => {
      const v = clinical[f.name];
      let input;
      if (f.type === "bool") {
        input = h("select", { name: f.name, disabled: this.readOnly },
          h("option", { value: "", text: "unknown" }),
          h("option", { value: "true", text: "yes", selected: v === true }),
          h("option", { value: "false", text: "no", selected: v === false }));
      } else if (f.type === "choice") {
        input = h("select", { name: f.name, disabled: this.readOnly }, h("option", { value: "", text: "unknown" }),
          f.choices.map((c) => h("option", { value: c, text: c.replace(/_/g, " "), selected: v === c })));
      } else {
        input = h("input", { type: "text", name: f.name, inputmode: f.type === "number" ? "decimal" : "text",
                             value: f.type === "sites" ? (v || []).join(", ") : (v ?? ""), disabled: this.readOnly });
      }
      input.addEventListener("input", () => this.changed(f.name));
      return h("label", { class: "clin-field" }, h("span", { class: "clin-label", text: f.label }), input,
        h("span", { class: "field-error", "data-error-for": f.name }));
    });
    this.root.replaceChildren(
      h("h2", {}, "Clinical"),
      h("form", { id: "clinical-form", onsubmit: (e) => { e.preventDefault(); this.save(); } },
        rows,
        h("div", { class: "field-error general", "data-error-for": "" }),
        this.readOnly ? null : h("button", { type: "submit", id: "save-clinical", class: "primary" }, "Save clinical"),
        h("p", { id: "clinical-status", class: "status" })),
      h("section", { id: "instruments", class: "instruments" }, h("h3", {}, "Clinical instruments"),
        h("div", { id: "instrument-table" })));
    this.loadInstruments();
  }

  // The clinical object as typed: unknown stored fields are kept (nothing silently dropped).
  value() {
    const out = Object.assign({}, this.getExam().clinical || {});
    for (const f of CLINICAL_FIELDS) {
      const el = $(`[name="${f.name}"]`, this.root);
      const raw = el.value.trim();
      delete out[f.name];
      if (raw === "") continue;
      if (f.type === "bool") out[f.name] = raw === "true";
      else if (f.type === "number") out[f.name] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
      else if (f.type === "sites") out[f.name] = raw.split(/[,;\s]+/).filter(Boolean);
      else out[f.name] = raw;
    }
    return out;
  }

  get dirty() {
    return JSON.stringify(sorted(this.value())) !== JSON.stringify(sorted(this.getExam().clinical || {}));
  }

  changed(name) {
    const el = $(`.field-error[data-error-for="${name}"]`, this.root);
    if (el) el.textContent = "";
    this.root.classList.toggle("dirty", this.dirty);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loadInstruments(true), 400);
  }

  showProblems(problems) {
    for (const el of $$(".field-error", this.root)) el.textContent = "";
    for (const p of problems || []) {
      const f = fieldOfProblem(p, NAMES);
      const el = (f && $(`.field-error[data-error-for="${f}"]`, this.root)) || $('.field-error[data-error-for=""]', this.root);
      el.textContent = el.textContent ? el.textContent + "; " + p.message : p.message;
    }
  }

  async save() {
    if (this.readOnly) return false;
    const st = $("#clinical-status", this.root);
    const exam = this.getExam();
    status(st, "Saving…", "info");
    try {
      const reply = await api.putClinical(exam.id, exam.revision, this.value());
      this.showProblems([]);
      status(st, "Clinical values saved (revision " + reply.revision + ").", "ok");
      await this.onSaved(reply, this.value());
      this.root.classList.remove("dirty");
      this.loadInstruments();
      return true;
    } catch (err) {
      this.showProblems(err.problems.length ? err.problems : err.status === 400 ? [{ field: "", message: err.message }] : []);
      status(st, err.message, "error");
      this.onError(err);
      return false;
    }
  }

  // Instruments for the stored exam; with live=true and unsaved values, for the values as
  // typed (POST .../clinical-instruments evaluates them; nothing is written). Replies
  // that arrive after a newer request was sent are dropped.
  async loadInstruments(live = false) {
    const box = $("#instrument-table", this.root);
    if (!box) return;
    const seq = (this.seq = (this.seq || 0) + 1);
    const exam = this.getExam();
    let result = null, note = "", basis = "saved", invalid = null;
    if (live && this.dirty && liveEvaluation) {
      try {
        result = await api.post("/api/exams/" + encodeURIComponent(exam.id) + "/clinical-instruments", { clinical: this.value() });
        note = "For the values as typed: not saved yet (Save clinical keeps them).";
        basis = "typed";
      } catch (err) {
        if (err.status === 405) liveEvaluation = false; // not offered: stop asking
        if (err.status === 400) invalid = err;
        result = null;
      }
      if (seq !== this.seq) return;
      if (invalid) this.showProblems(invalid.problems.length ? invalid.problems : [{ field: "", message: invalid.message }]);
      else this.showProblems([]);
    }
    if (!result) {
      try {
        result = await api.instruments(exam.id);
      } catch (err) {
        if (seq !== this.seq) return;
        box.replaceChildren(h("p", { class: "muted", text: err.message }));
        return;
      }
      if (seq !== this.seq) return;
      note = !this.dirty ? "For the saved values."
        : invalid ? "The values as typed are not valid (see the messages above); this is for the saved values."
        : "For the saved values; your changes are not saved yet.";
    }
    box.replaceChildren(instrumentTable(result),
      h("p", { class: "muted" + (this.dirty ? " unsaved" : ""), id: "instrument-note", "data-basis": basis, text: note }));
  }
}

// The value column: the number (with its range when it depends on missing inputs), or
// the outcome of a criteria instrument.
function valueText(i) {
  const parts = [];
  if (typeof i.value === "number") parts.push(fmtNumber(i.value));
  if (i.outcome) parts.push(String(i.outcome).replace(/_/g, " "));
  if (!parts.length && Array.isArray(i.bounds))
    parts.push(`between ${fmtNumber(i.bounds[0])} and ${i.bounds[1] === null ? "∞" : fmtNumber(i.bounds[1])}`);
  return parts.join(" · ") || "–";
}

export function instrumentTable(result) {
  const list = (result && result.instruments) || [];
  return h("table", { class: "data" },
    h("thead", {}, h("tr", {}, h("th", {}, "Instrument"), h("th", {}, "Status"), h("th", {}, "Value"), h("th", {}, "Missing inputs"))),
    h("tbody", {}, list.map((i) => h("tr", { "data-instrument": i.name, class: "st-" + i.status },
      h("td", { text: i.title || i.name }), h("td", { class: "status-cell", text: i.status.replace(/_/g, " ") }),
      h("td", { class: "value-cell", "data-value": typeof i.value === "number" ? String(i.value) : "", text: valueText(i) }),
      h("td", { class: "missing-cell", text: (i.missing || []).join(", ") || "none" })))));
}

function sorted(o) {
  const out = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
