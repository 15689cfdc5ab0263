// The grading panel of one site: exactly the items the scheme applies to the unit's
// kind, then physis (long units), symptomatic, the lesion label and measurements.
// It keeps a draft of the site record; the exam view saves it.
import { h, $, $$, labelOf, status } from "./dom.js";
import { itemsFor, unitScore, maxUnitScore, checkRecord } from "./scoring.js";

const PHYSIS = ["none", "abutting", "transphyseal"];
const MEASURES = [
  ["max_diameter_mm", "Largest diameter (mm)"],
  ["volume_ml", "Volume (mL)"],
  ["si_ratio", "Signal ratio to muscle"],
];
export const RECORD_FIELDS = ["physis", "symptomatic", "lesion", ...MEASURES.map((m) => m[0])];

// A problem's field ("lesions[2].extent", "tibia.diaphysis:L extent", "clinical.pga")
// -> the last token that names a known field, or null.
export function fieldOfProblem(problem, known) {
  const tokens = String(problem.field || "").split(/[\s.\[\]\/:"']+/).filter(Boolean);
  for (let i = tokens.length - 1; i >= 0; --i) if (known.includes(tokens[i])) return tokens[i];
  return null;
}

export class GradingPanel {
  constructor(root, { scheme, unitOf, readOnly, onChange, onSave, onClear }) {
    this.root = root;
    this.scheme = scheme;
    this.unitOf = unitOf;
    this.readOnly = readOnly;
    this.onChange = onChange || (() => {});
    this.onSave = onSave || (() => {});
    this.onClear = onClear || (() => {});
    this.site = null;
    this.saved = null;
    this.draft = null;
    this.rows = [];
    this.active = 0;
  }

  get kind() { return this.site ? this.unitOf(this.site).kind : null; }

  // saved: the stored site record, or null for an ungraded site.
  open(site, saved) {
    this.site = site;
    this.saved = saved ? structuredClone(saved) : null;
    this.draft = saved ? structuredClone(saved) : { site };
    this.active = 0;
    this.serverProblems = [];
    this.render();
  }

  reset() { if (this.site) this.open(this.site, this.saved); }

  get dirty() {
    if (!this.site) return false;
    return JSON.stringify(normalise(this.draft)) !== JSON.stringify(normalise(this.saved || { site: this.site }));
  }

  // The record to store, or null when the site is to be ungraded (no grade, nothing else).
  record() {
    const r = {};
    for (const [k, v] of Object.entries(this.draft)) if (v !== null && v !== undefined && v !== "") r[k] = v;
    r.site = this.site;
    const meaningful = Object.keys(r).some((k) => k !== "site" && !(typeof r[k] === "number" && r[k] === 0));
    return meaningful ? r : null;
  }

  score() { return unitScore(this.scheme, this.kind, this.draft); }

  render() {
    const unit = this.unitOf(this.site);
    const kind = unit.kind;
    this.rows = [];
    const body = [];
    for (const it of itemsFor(this.scheme, kind)) {
      const values = [];
      for (let g = it.min; g <= it.max; ++g) values.push({ value: g, key: String(g), label: (it.labels || [])[g - it.min] || String(g) });
      this.rows.push({ name: it.name, label: labelOf(it.name), values, description: it.description, grade: true, min: it.min, max: it.max });
    }
    if (kind === "long")
      this.rows.push({ name: "physis", label: "Physis", values: PHYSIS.map((p, i) => ({ value: p, key: String(i), label: p })), optional: true,
                       description: "Relation to the growth plate (long units only; optional)" });
    this.rows.push({ name: "symptomatic", label: "Symptomatic", optional: true,
                     values: [{ value: false, key: "0", label: "no" }, { value: true, key: "1", label: "yes" }],
                     description: "Clinically symptomatic site (chart review); unknown when not set" });

    for (const [i, row] of this.rows.entries()) {
      const buttons = row.values.map((v) =>
        h("button", { type: "button", class: "grade", "data-item": row.name, "data-value": JSON.stringify(v.value),
                      title: v.label, disabled: this.readOnly, onclick: () => this.set(row.name, v.value, i) },
          h("span", { class: "key", text: v.key }), " ", h("span", { class: "glabel", text: v.label })));
      if (row.optional)
        buttons.push(h("button", { type: "button", class: "grade unset", "data-item": row.name, "data-value": "null",
                                   title: row.name === "symptomatic" ? "unknown" : "not recorded", disabled: this.readOnly,
                                   onclick: () => this.set(row.name, null, i) },
          h("span", { class: "key", text: "-" }), " ", h("span", { class: "glabel", text: row.name === "symptomatic" ? "unknown" : "not recorded" })));
      body.push(h("div", { class: "item-row", "data-item": row.name, "data-index": i, onclick: () => this.focusRow(i) },
        h("div", { class: "item-name", title: row.description || "" }, row.label),
        h("div", { class: "grades", role: "group", "aria-label": row.label }, buttons),
        h("div", { class: "field-error", "data-error-for": row.name })));
    }
    const text = (name, label) =>
      h("label", { class: "text-field" }, h("span", { text: label }),
        h("input", { type: "text", "data-field": name, value: this.draft[name] ?? "", disabled: this.readOnly,
                     inputmode: name === "lesion" ? "text" : "decimal",
                     oninput: (e) => this.setText(name, e.target.value) }),
        h("span", { class: "field-error", "data-error-for": name }));
    const extra = h("details", { class: "extra", open: MEASURES.some(([n]) => this.draft[n] !== undefined) || this.draft.lesion !== undefined },
      h("summary", {}, "Lesion label and measurements"),
      text("lesion", "Lesion label (sites sharing it are one lesion)"),
      MEASURES.map(([n, l]) => text(n, l)));

    const max = maxUnitScore(this.scheme, kind);
    this.root.replaceChildren(
      h("header", { class: "panel-head" },
        h("h2", { id: "panel-site", text: this.site }),
        h("div", { class: "unit-meta", text: `${kind} · ${unit.bone} · ${unit.region}` }),
        h("div", { class: "unit-score" }, "Unit score ", h("output", { id: "unit-score" }), ` / ${max}`)),
      h("div", { class: "rows" }, body),
      extra,
      h("div", { class: "field-error general", "data-error-for": "" }),
      this.readOnly ? h("p", { class: "readonly-note", text: "Read only: your role cannot change gradings." }) :
        h("div", { class: "actions" },
          h("button", { type: "button", id: "save-site", class: "primary", onclick: () => this.onSave() }, "Save ", h("kbd", {}, "Enter")),
          h("button", { type: "button", id: "revert-site", onclick: () => { this.reset(); this.onChange(); } }, "Revert ", h("kbd", {}, "Esc")),
          h("button", { type: "button", id: "clear-site", onclick: () => this.onClear() }, "Clear site ", h("kbd", {}, "Del"))),
      h("p", { id: "site-status", class: "status" }));
    this.refresh();
  }

  // Reflects the draft: pressed buttons, active row, unit score, local checks.
  refresh() {
    for (const row of this.rows) {
      const cur = row.grade ? (this.draft[row.name] ?? 0) : (this.draft[row.name] ?? null);
      for (const b of $$(`button.grade[data-item="${row.name}"]`, this.root))
        b.setAttribute("aria-pressed", String(JSON.stringify(cur) === b.dataset.value));
    }
    $$(".item-row", this.root).forEach((el, i) => el.classList.toggle("active", i === this.active));
    const out = $("#unit-score", this.root);
    if (out) out.textContent = String(this.score());
    this.root.classList.toggle("dirty", this.dirty);
    this.renderProblems();
  }

  set(name, value, rowIndex) {
    if (this.readOnly) return;
    this.dropServerProblems(name);
    if (value === null) delete this.draft[name];
    else this.draft[name] = value;
    if (rowIndex !== undefined) this.active = rowIndex;
    this.refresh();
    this.onChange();
  }

  dropServerProblems(name) {
    const known = [name];
    this.serverProblems = (this.serverProblems || []).filter((p) => fieldOfProblem(p, known) !== name);
  }

  setText(name, raw) {
    this.dropServerProblems(name);
    const t = raw.trim();
    if (t === "") delete this.draft[name];
    else if (name === "lesion") this.draft[name] = raw;
    else this.draft[name] = Number.isFinite(Number(t)) ? Number(t) : raw; // the server names bad numbers
    this.root.classList.toggle("dirty", this.dirty);
    this.renderProblems();
    this.onChange();
  }

  focusRow(i) {
    this.active = Math.max(0, Math.min(this.rows.length - 1, i));
    this.refresh();
  }

  moveItem(delta) { this.focusRow(this.active + delta); }

  // A digit key on the active row: sets that grade and moves on; false if out of range.
  digit(d) {
    const row = this.rows[this.active];
    if (!row) return false;
    const v = row.values.find((x) => x.key === String(d));
    if (!v) {
      this.setStatus(`${row.label}: ${d} is not a grade here (keys ${row.values.map((x) => x.key).join(", ")}${row.optional ? ", -" : ""})`, "error");
      return false;
    }
    this.set(row.name, v.value, this.active);
    if (this.active < this.rows.length - 1) this.focusRow(this.active + 1);
    return true;
  }

  unsetActive() {
    const row = this.rows[this.active];
    if (row) this.set(row.name, null, this.active);
  }

  setStatus(text, kind) { const el = $("#site-status", this.root); if (el) status(el, text, kind); }

  // Problems next to their field: the server's (from the last save, until that field
  // changes) and the page's own checks of the draft.
  setServerProblems(problems) {
    this.serverProblems = problems || [];
    this.refresh();
  }

  renderProblems() {
    for (const el of $$(".field-error", this.root)) el.textContent = "";
    const known = [...this.rows.map((r) => r.name), "lesion", ...MEASURES.map((m) => m[0]), ...this.scheme.items.map((i) => i.name)];
    const local = checkRecord(this.scheme, this.kind, this.draft);
    const seen = new Set();
    for (const p of [...(this.serverProblems || []), ...local]) {
      const f = fieldOfProblem(p, known);
      const key = (f || "") + "|" + p.message;
      if (seen.has(key)) continue;
      seen.add(key);
      const el = (f && $(`.field-error[data-error-for="${f}"]`, this.root)) || $('.field-error[data-error-for=""]', this.root);
      el.textContent = el.textContent ? el.textContent + "; " + p.message : p.message;
    }
  }
}

function normalise(r) {
  const out = {};
  for (const k of Object.keys(r).sort()) if (r[k] !== null && r[k] !== undefined && r[k] !== "" && r[k] !== 0) out[k] = r[k];
  return out;
}
