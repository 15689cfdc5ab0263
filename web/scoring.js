// Scoring in the page, from the scheme data the server sends (spec/scoring.md), so the
// unit score and the exam total change as the reader grades; the server's score after
// each save confirms it. No I/O here.

// A scheme with its based_on chain resolved: sections left empty come from the base.
export function resolveScheme(scheme, byName) {
  const seen = new Set();
  let out = Object.assign({}, scheme);
  const complete = (s) => Array.isArray(s.items) && s.items.length && Array.isArray(s.unit_score) && s.unit_score.length;
  let base = scheme.based_on;
  while (base && !complete(out)) {
    if (seen.has(base)) throw new Error("scheme " + scheme.name + ": based_on cycle at " + base);
    seen.add(base);
    const b = byName(base);
    if (!b) throw new Error("scheme " + scheme.name + " is based on unknown scheme " + base);
    for (const key of ["involvement_item", "items", "unit_score"]) {
      if (out[key] === undefined || (Array.isArray(out[key]) && out[key].length === 0)) out[key] = b[key];
    }
    if (out.exam_total === undefined) out.exam_total = b.exam_total;
    base = b.based_on;
  }
  if (!out.involvement_item) out.involvement_item = "signal";
  if (!Array.isArray(out.items) || !Array.isArray(out.unit_score))
    throw new Error("scheme " + scheme.name + " has no items or unit_score");
  return out;
}

export function itemsFor(scheme, kind) {
  return scheme.items.filter((it) => (it.applies_to || []).includes(kind));
}

export function itemApplies(scheme, name, kind) {
  const it = scheme.items.find((i) => i.name === name);
  return !!it && (it.applies_to || []).includes(kind);
}

// Grades read from a site record: absent means 0; an item that does not apply to the
// kind adds nothing (validation reports it as an error instead).
function grade(scheme, record, name, kind) {
  if (!itemApplies(scheme, name, kind)) return 0;
  const v = record[name];
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

export function isInvolved(scheme, record) {
  const v = record[scheme.involvement_item];
  return typeof v === "number" && v >= 1;
}

// CROMRIS-style unit score: the sum of the terms; a term is an item or {"max": [...]}.
export function unitScore(scheme, kind, record) {
  if (!record || !isInvolved(scheme, record)) return 0;
  let total = 0;
  for (const term of scheme.unit_score) {
    if (typeof term === "string") total += grade(scheme, record, term, kind);
    else if (term && Array.isArray(term.max)) total += Math.max(0, ...term.max.map((n) => grade(scheme, record, n, kind)));
    else throw new Error("scheme " + scheme.name + ": unknown unit_score term " + JSON.stringify(term));
  }
  return total;
}

// The highest unit score the scheme allows on a unit kind (for the colour scale).
export function maxUnitScore(scheme, kind) {
  const full = {};
  for (const it of scheme.items) full[it.name] = it.max;
  return unitScore(scheme, kind, full);
}

// kindOf(site) -> unit kind or undefined. Returns {total, sites: Map(site -> score)}.
export function examScore(scheme, lesions, kindOf) {
  const sites = new Map();
  let total = 0;
  for (const rec of lesions || []) {
    const kind = kindOf(rec.site);
    if (!kind) continue;
    const s = unitScore(scheme, kind, rec);
    sites.set(rec.site, s);
    total += s;
  }
  return { total, sites };
}

// The checks the page can make before asking the server (the server's are the word
// that counts): ranges, items on the wrong unit kind, grades on an uninvolved site.
export function checkRecord(scheme, kind, record) {
  const problems = [];
  for (const it of scheme.items) {
    const v = record[it.name];
    if (v === undefined || v === null) continue;
    if (!(it.applies_to || []).includes(kind)) {
      if (v !== 0) problems.push({ field: it.name, message: it.name + " does not apply to a " + kind + " unit" });
      continue;
    }
    if (!Number.isInteger(v) || v < it.min || v > it.max)
      problems.push({ field: it.name, message: it.name + " must be a whole number from " + it.min + " to " + it.max });
  }
  if (!isInvolved(scheme, record)) {
    for (const it of scheme.items) {
      if (it.name !== scheme.involvement_item && record[it.name])
        problems.push({ field: it.name, message: it.name + " is graded on a site with " + scheme.involvement_item + " 0 (no lesion)" });
    }
  }
  if (record.physis !== undefined && record.physis !== null && kind !== "long")
    problems.push({ field: "physis", message: "physis applies to long units only" });
  return problems;
}

// Colour for a unit score, the YlOrRd scale of the reports' heat maps (report/canvas.cpp).
const STOPS = [[255, 255, 204], [254, 217, 118], [253, 141, 60], [227, 26, 28], [128, 0, 38]];
export function heatColour(t) {
  t = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const pos = t * 4;
  const i = Math.min(3, Math.floor(pos));
  const f = pos - i;
  const mix = (a, b) => Math.round(a + (b - a) * f);
  const hex = (n) => n.toString(16).padStart(2, "0");
  return "#" + [0, 1, 2].map((k) => hex(mix(STOPS[i][k], STOPS[i + 1][k]))).join("");
}
