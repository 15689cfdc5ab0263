// Calibration: a reader grades a reference exam whose consensus reading is known and
// sees, site by site as they save, whether they agree with it. On a reference exam (one
// with a consensus reading, GET /api/calibration) the grades are the reader's own reading
// of it, saved on the server, and the server reveals the consensus of a site only once the
// reader has saved their grading of it (GET /api/calibration/{id}); a site left normal is
// saved as signal 0, and "Finish" saves every remaining site as normal. On any other exam
// the stored main reading is the reference and the grades stay in this browser tab
// (sessionStorage), never sent.
import { api } from "./api.js";
import { h, $, status, fmtNumber } from "./dom.js";
import { Skeleton } from "./skeleton.js";
import { GradingPanel } from "./grading.js";
import { ExamView } from "./exam.js";
import { examScore, unitScore, isInvolved, heatColour, maxUnitScore } from "./scoring.js";

const KEY = (id) => "crmo.calibration." + id;

// Cohen's kappa of two raters over the same items (arrays of category values).
export function cohenKappa(a, b) {
  const n = a.length;
  if (!n) return null;
  const cats = [...new Set([...a, ...b])];
  let agree = 0;
  for (let i = 0; i < n; ++i) if (a[i] === b[i]) ++agree;
  const po = agree / n;
  let pe = 0;
  for (const c of cats) pe += (a.filter((x) => x === c).length / n) * (b.filter((x) => x === c).length / n);
  return { po, pe, kappa: pe === 1 ? null : (po - pe) / (1 - pe), n };
}

// The server's calibration of a reference exam, or null when the exam is not one.
async function serverCalibration(id) {
  try {
    return await api.calibration(id);
  } catch (err) {
    if (err.status !== 404 && err.status !== 405) throw err;
    return null;
  }
}

// The exams to calibrate on: those with a consensus reading when the server says
// (GET /api/calibration), else every graded exam.
export async function renderCalibrationList(root) {
  let rows, note;
  try {
    rows = await api.get("/api/calibration");
    note = "Reference exams: each has a consensus reading.";
  } catch (err) {
    if (err.status !== 404 && err.status !== 405) throw err;
    rows = (await api.exams()).filter((e) => e.graded_sites > 0);
    note = "This server marks no reference exams yet: any graded exam can serve, its stored reading is the reference.";
  }
  root.replaceChildren(h("h1", {}, "Calibration"), h("p", { class: "muted", text: note }),
    h("table", { class: "data", id: "calibration-list" },
      h("thead", {}, h("tr", {}, ["Exam", "Date", "Timepoint", "Graded sites"].map((t) => h("th", { text: t })))),
      h("tbody", {}, rows.map((e) => h("tr", { class: "link", "data-exam": e.id, onclick: () => { location.hash = "#/calibrate/" + encodeURIComponent(e.id); } },
        h("td", {}, h("a", { href: "#/calibrate/" + encodeURIComponent(e.id), text: e.id })), h("td", { text: e.date || "" }),
        h("td", { text: e.timepoint || "" }), h("td", { class: "num", text: fmtNumber(e.graded_sites) }))))));
}

export class CalibrationView extends ExamView {
  async open(id) {
    this.id = id;
    const data = await api.exam(id);
    this.doc = { exam: data.exam.exam, patient: data.exam.patient, lesions: [] };
    this.revision = 0;
    this.serverScore = null;
    const cal = await serverCalibration(id);
    this.server = !!cal;
    if (cal) {
      this.acceptCalibration(cal);
      this.referenceName = `the consensus reading (${cal.reference}); your grades are saved as your reading`;
    } else {
      const lesions = data.exam.lesions || [];
      this.reference = new Map(lesions.map((r) => [r.site, r]));
      this.referenceName = `the stored reading (reader ${(data.exam.exam || {}).reader || "unnamed"})`;
      let saved = [];
      try { saved = JSON.parse(sessionStorage.getItem(KEY(id))) || []; } catch { saved = []; }
      this.lesions = new Map(saved.map((r) => [r.site, r]));
      this.graded = new Set(JSON.parse(sessionStorage.getItem(KEY(id) + ".sites") || "[]"));
      this.finished = sessionStorage.getItem(KEY(id) + ".done") === "1";
    }
    this.build();
    await this.skeleton.draw();
    this.order = this.siteOrder();
    this.fillSiteList();
    this.pick(this.order[0], { save: false });
  }

  build() {
    const e = this.doc.exam || {};
    this.root.replaceChildren(
      h("header", { class: "exam-head" },
        h("h1", {}, "Calibration on ", h("span", { id: "exam-id", text: e.id })),
        h("p", { id: "reference-name", text: "Reference: " + this.referenceName }),
        h("p", { class: "muted", text: "Grade the exam as you would; after each saved site you see the reference reading of that site. " +
          "Your grades stay in this browser tab and are not stored. Sites you do not grade count as normal." })),
      h("div", { class: "exam-grid calibration" },
        h("section", { class: "drawing-col" },
          h("div", { class: "totals" },
            h("div", {}, "Yours ", h("output", { id: "total", class: "big" })),
            h("div", {}, "Reference ", h("output", { id: "ref-total", class: "big", text: this.finished ? "" : "?" }))),
          h("label", { class: "finder" }, "Go to site ", h("kbd", {}, "g"), " ",
            h("input", { id: "site-finder", list: "site-list", autocomplete: "off", onkeydown: (ev) => this.finderKey(ev) }),
            h("datalist", { id: "site-list" })),
          h("div", { id: "skeleton", class: "skeleton-box" })),
        h("section", { class: "panel-col" }, h("div", { id: "grading-panel", class: "panel" }),
          h("div", { class: "actions" },
            h("button", { type: "button", id: "finish", class: "primary", onclick: () => this.finish() }, "Finish: compare every site"),
            this.server ? null : h("button", { type: "button", id: "restart", onclick: () => this.restart() }, "Start again"))),
        h("section", { class: "clinical-col", id: "agreement" })));
    this.skeleton = new Skeleton($("#skeleton", this.root), { onPick: (s) => this.pick(s), label: "Calibration skeleton" });
    this.panel = new GradingPanel($("#grading-panel", this.root), {
      scheme: this.ctx.scheme, unitOf: (s) => this.unitOf(s), readOnly: this.readOnly,
      onChange: () => this.updateTotals(), onSave: () => this.save(), onClear: () => this.clearSite(),
    });
    this.clinical = null;
  }

  // The server's answer: your saved sites, the consensus of exactly those, finished or not.
  acceptCalibration(cal) {
    this.revision = cal.revision;
    this.lesions = new Map();
    this.reference = new Map();
    this.graded = new Set();
    for (const s of cal.sites) {
      this.graded.add(s.site);
      const normal = !s.yours || Object.keys(s.yours).every((k) => k === "site" || s.yours[k] === 0);
      if (!normal) this.lesions.set(s.site, s.yours);
      if (s.reference) this.reference.set(s.site, s.reference);
    }
    this.finished = cal.finished;
    this.serverTotal = cal.reference_total;
  }

  async reload() { await this.open(this.id); }

  persist() {
    if (this.server) return;
    sessionStorage.setItem(KEY(this.id), JSON.stringify([...this.lesions.values()]));
    sessionStorage.setItem(KEY(this.id) + ".sites", JSON.stringify([...this.graded]));
    sessionStorage.setItem(KEY(this.id) + ".done", this.finished ? "1" : "0");
  }

  async save() {
    const site = this.panel.site;
    if (!site) return false;
    const rec = this.panel.record();
    if (this.server) {
      // Normal is saved too (signal 0): saving is what reveals the reference of the site.
      this.panel.setStatus("Saving…", "info");
      try {
        const reply = await api.putReadingSite(this.id, this.ctx.name, site, this.revision, rec || { site, signal: 0 });
        this.revision = reply.revision;
        this.acceptCalibration(await api.calibration(this.id));
      } catch (err) {
        this.panel.setStatus(err.message, "error");
        this.writeFailed(err);
        return false;
      }
    } else {
      if (rec) this.lesions.set(site, rec); else this.lesions.delete(site);
      this.graded.add(site);
      this.persist();
    }
    this.panel.open(site, rec);
    const ref = this.reference.get(site);
    const kind = this.kindOf(site);
    const mine = unitScore(this.ctx.scheme, kind, rec || {}), theirs = unitScore(this.ctx.scheme, kind, ref || {});
    this.panel.setStatus(mine === theirs ? `Agrees with the reference (unit score ${theirs}).` :
      `Reference unit score ${theirs}, yours ${mine}.`, mine === theirs ? "ok" : "error");
    this.updateTotals();
    return true;
  }

  clearSite() {
    this.panel.draft = { site: this.panel.site };
    this.panel.refresh();
    return this.save();
  }

  async finish() {
    if (this.server) {
      try {
        this.acceptCalibration(await api.finishCalibration(this.id, this.revision));
      } catch (err) {
        $("#agreement", this.root).prepend(h("p", { class: "status error", text: err.message }));
        this.writeFailed(err);
        return;
      }
      this.updateTotals();
      return;
    }
    this.finished = true;
    for (const s of this.order) this.graded.add(s);
    this.persist();
    this.updateTotals();
  }

  restart() {
    this.lesions.clear();
    this.graded.clear();
    this.finished = false;
    this.persist();
    this.panel.open(this.panel.site, null);
    this.updateTotals();
  }

  updateTotals() {
    const sc = this.shadeAll();
    $("#total", this.root).textContent = String(sc.total);
    const scheme = this.ctx.scheme;
    const rows = [];
    let agreeScore = 0, agreeInvolved = 0;
    for (const site of this.order) {
      if (!this.graded.has(site)) continue;
      const kind = this.kindOf(site);
      const mine = this.lesions.get(site) || {}, ref = this.reference.get(site) || {};
      const a = unitScore(scheme, kind, mine), b = unitScore(scheme, kind, ref);
      const inv = isInvolved(scheme, mine) === isInvolved(scheme, ref);
      if (a === b) ++agreeScore;
      if (inv) ++agreeInvolved;
      this.skeleton.mark(site, a === b ? "change-improved" : "change-new");
      if (this.lesions.has(site) || this.reference.has(site) || a !== b)
        rows.push(h("tr", { "data-site": site, "data-agree": String(a === b), onclick: () => this.pick(site) },
          h("td", { text: site }), h("td", { class: "num", text: String(a) }), h("td", { class: "num", text: String(b) }),
          h("td", { text: a === b ? "agree" : "differ" })));
    }
    const n = this.graded.size;
    const refTotal = this.server && this.serverTotal !== undefined ? this.serverTotal :
      examScore(scheme, [...this.reference.values()], (s) => this.kindOf(s)).total;
    $("#ref-total", this.root).textContent = this.finished ? String(refTotal) : "?";
    // Signal grade over every site of the atlas (ungraded = 0), as the agreement report.
    const sig = (m) => this.order.map((s) => ((m.get(s) || {}).signal) || 0);
    const k = cohenKappa(sig(this.lesions), sig(this.reference));
    const box = $("#agreement", this.root);
    box.replaceChildren(
      h("h2", {}, "Agreement with the reference"),
      h("p", { id: "calibration-summary" },
        `${n} sites compared: unit score agrees on ${agreeScore} (${n ? Math.round((100 * agreeScore) / n) : 0} %), ` +
        `involvement on ${agreeInvolved} (${n ? Math.round((100 * agreeInvolved) / n) : 0} %).`),
      this.finished && k ? h("p", { id: "calibration-kappa" },
        `Signal grade over all ${k.n} sites: observed agreement ${fmtNumber(k.po)}, Cohen's kappa ${k.kappa === null ? "undefined (one grade only)" : fmtNumber(k.kappa)}.`) :
        h("p", { class: "muted", text: "Finish to see the kappa over every site and the reference total." }),
      h("table", { class: "data", id: "calibration-table" },
        h("thead", {}, h("tr", {}, ["Site", "Yours", "Reference", ""].map((t) => h("th", { text: t })))),
        h("tbody", {}, rows)));
  }

  shadeAll() {
    const scheme = this.ctx.scheme;
    const sc = examScore(scheme, this.currentLesions(), (s) => this.kindOf(s));
    for (const site of this.skeleton.sites()) {
      const v = sc.sites.get(site);
      this.skeleton.shade(site, v ? heatColour(v / (maxUnitScore(scheme, this.kindOf(site)) || 7)) : null, `${site}: your unit score ${v || 0}`);
      if (!this.graded.has(site)) this.skeleton.mark(site, null);
    }
    if (this.panel.site) this.skeleton.select(this.panel.site);
    return sc;
  }
}
