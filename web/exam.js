// One exam: the clickable skeleton, the grading panel, the live totals, the clinical
// form, and the keyboard shortcuts (listed on the page by shortcuts.js).
import { api } from "./api.js";
import { h, $, status, fmtNumber } from "./dom.js";
import { Skeleton } from "./skeleton.js";
import { GradingPanel } from "./grading.js";
import { ClinicalForm } from "./clinical.js";
import { examScore, maxUnitScore, heatColour } from "./scoring.js";
import { handleExamKey } from "./shortcuts.js";

export class ExamView {
  // ctx: {scheme, atlas: Map(unit id -> unit), role, conflict(text, reload)}
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.readOnly = ctx.role === "researcher";
    this.id = null;
  }

  unitOf(site) { return this.ctx.atlas.get(site.slice(0, site.lastIndexOf(":"))); }
  kindOf(site) { const u = this.unitOf(site); return u && u.kind; }

  // What a view of one reading overrides (reading.js): where the exam comes from and
  // where a site's grading goes.
  load(id) { return api.exam(id); }
  writeSite(site, rec) { return api.putSite(this.id, site, this.revision, rec); }
  removeSite(site) { return api.deleteSite(this.id, site, this.revision); }
  clinicalRevision() { return this.revision; }
  afterClinical(reply) { this.afterWrite(reply); }

  async open(id) {
    this.id = id;
    const data = await this.load(id);
    this.accept(data.exam, data.revision, data.score);
    this.updated = data.updated_by ? `last changed by ${data.updated_by}${data.updated_at ? " at " + data.updated_at : ""}` : "";
    this.build();
    await this.skeleton.draw();
    this.order = this.siteOrder();
    this.fillSiteList();
    this.clinical.render();
    this.updateTotals();
    const first = this.lesions.keys().next();
    this.pick(first.done ? this.order[0] : first.value, { save: false });
  }

  accept(doc, revision, score) {
    this.doc = doc;
    this.revision = revision;
    this.serverScore = score || null;
    this.lesions = new Map((doc.lesions || []).map((r) => [r.site, r]));
  }

  // Units in atlas order, the viewer's left (patient's right) first, as drawn.
  siteOrder() {
    const out = [];
    for (const u of this.ctx.atlas.values())
      for (const side of u.sides === "LR" ? ["R", "L"] : ["M"]) {
        const s = u.id + ":" + side;
        if (this.skeleton.has(s)) out.push(s);
      }
    return out;
  }

  build() {
    const e = this.doc.exam || {}, p = this.doc.patient || {};
    this.root.replaceChildren(
      h("header", { class: "exam-head" },
        h("h1", {}, "Exam ", h("span", { id: "exam-id", text: e.id })),
        h("div", { class: "exam-meta" },
          h("a", { href: "#/patient/" + encodeURIComponent(p.id), text: "patient " + p.id }),
          ` · ${e.date || ""} · ${e.timepoint || "no timepoint"} · reader ${e.reader || "–"}`,
          h("span", { class: "revision" }, " · revision ", h("span", { id: "exam-revision", text: String(this.revision) })),
          this.updated ? h("span", { class: "updated", text: " · " + this.updated }) : null),
        this.readOnly ? h("p", { class: "readonly-note", id: "readonly-banner", text: "Read only (researcher): gradings and clinical values cannot be changed." }) : null),
      h("div", { class: "exam-grid" },
        h("section", { class: "drawing-col" },
          h("div", { class: "totals" },
            h("div", {}, "RAI-CROMRIS ", h("output", { id: "total", class: "big" })),
            h("div", { class: "server-check", id: "server-total" }),
            h("div", {}, "Involved sites ", h("output", { id: "involved" }))),
          h("label", { class: "finder" }, "Go to site ", h("kbd", {}, "g"), " ",
            h("input", { id: "site-finder", list: "site-list", placeholder: "e.g. femur.distal_metaphysis:L", autocomplete: "off",
                         onkeydown: (ev) => this.finderKey(ev) }),
            h("datalist", { id: "site-list" })),
          h("div", { id: "skeleton", class: "skeleton-box" }),
          h("p", { class: "muted caption", text: "Front view: the patient's right is on your left." }),
          h("div", { class: "legend", id: "score-legend" })),
        h("section", { class: "panel-col" },
          h("div", { id: "grading-panel", class: "panel" }),
          h("section", { class: "graded" }, h("h3", {}, "Graded sites"), h("table", { class: "data", id: "graded-table" }))),
        h("section", { id: "clinical", class: "clinical-col" })));

    this.skeleton = new Skeleton($("#skeleton", this.root), { onPick: (s) => this.pick(s), label: "Skeleton of exam " + e.id + ": click a unit to grade it" });
    this.panel = new GradingPanel($("#grading-panel", this.root), {
      scheme: this.ctx.scheme, unitOf: (s) => this.unitOf(s), readOnly: this.readOnly,
      onChange: () => this.updateTotals(), onSave: () => this.save(), onClear: () => this.clearSite(),
    });
    this.clinical = new ClinicalForm($("#clinical", this.root), {
      readOnly: this.readOnly,
      getExam: () => ({ id: this.id, revision: this.clinicalRevision(), clinical: this.doc.clinical }),
      onSaved: (reply, clinical) => { this.doc.clinical = clinical; this.afterClinical(reply); },
      onError: (err) => this.writeFailed(err),
    });
    const legend = $("#score-legend", this.root);
    const max = 7;
    legend.replaceChildren(h("span", {}, "Unit score "), ...Array.from({ length: max + 1 }, (_, s) =>
      h("span", { class: "swatch", style: `background:${s ? heatColour(s / max) : "#f2f2f2"}`, text: String(s) })));
  }

  fillSiteList() {
    $("#site-list", this.root).replaceChildren(...this.order.map((s) => h("option", { value: s })));
  }

  // Lesions with the open draft in place of its saved record.
  currentLesions() {
    const list = [];
    for (const [site, r] of this.lesions) if (site !== this.panel.site) list.push(r);
    if (this.panel.site) { const r = this.panel.record(); if (r) list.push(r); }
    return list;
  }

  shadeAll() {
    const scheme = this.ctx.scheme;
    const sc = examScore(scheme, this.currentLesions(), (s) => this.kindOf(s));
    for (const site of this.skeleton.sites()) {
      if (sc.sites.has(site)) {
        const v = sc.sites.get(site);
        const max = maxUnitScore(scheme, this.kindOf(site)) || 7;
        this.skeleton.shade(site, v > 0 ? heatColour(v / max) : "#e8f1fb", `${site}: unit score ${v}`);
      } else this.skeleton.shade(site, null, site);
    }
    if (this.panel.site) this.skeleton.select(this.panel.site);
    return sc;
  }

  updateTotals() {
    const sc = this.shadeAll();
    $("#total", this.root).textContent = String(sc.total);
    $("#involved", this.root).textContent = String([...sc.sites.values()].filter((v) => v > 0).length);
    const st = $("#server-total", this.root);
    const server = this.serverScore && this.serverScore.rai_total;
    if (server === undefined || server === null) status(st, "", "");
    else if (this.panel.dirty) status(st, `unsaved; server has ${server}`, "info");
    else if (server === sc.total) status(st, `server agrees: ${server}`, "ok");
    else status(st, `server total ${server} differs from the page's ${sc.total}: the server's is stored`, "error");
    const rows = [...sc.sites.entries()].sort((a, b) => this.order.indexOf(a[0]) - this.order.indexOf(b[0]));
    const serverSites = new Map(((this.serverScore && this.serverScore.sites) || []).map((s) => [s.site, s.score]));
    $("#graded-table", this.root).replaceChildren(
      h("thead", {}, h("tr", {}, h("th", {}, "Site"), h("th", {}, "Unit score"), h("th", {}, "Server"))),
      h("tbody", {}, rows.map(([site, v]) => h("tr", { "data-site": site, class: site === this.panel.site ? "current" : "", onclick: () => this.pick(site) },
        h("td", { text: site }), h("td", { class: "num", text: String(v) }), h("td", { class: "num", text: fmtNumber(serverSites.get(site)) })))),
      h("tfoot", {}, h("tr", {}, h("th", {}, "RAI-CROMRIS"), h("th", { class: "num", text: String(sc.total) }), h("th", { class: "num", text: fmtNumber(server) }))));
    $("#exam-revision", this.root).textContent = String(this.revision);
  }

  // Opens a site; unsaved changes on the open one are saved first (stays on failure).
  async pick(site, { save = true } = {}) {
    if (!site || !this.skeleton.has(site)) return false;
    if (save && !this.readOnly && this.panel.site && this.panel.site !== site && this.panel.dirty) {
      if (!(await this.save())) return false;
    }
    this.panel.open(site, this.lesions.get(site) || null);
    this.skeleton.select(site);
    this.updateTotals();
    return true;
  }

  move(delta) {
    const i = this.order.indexOf(this.panel.site);
    return this.pick(this.order[(i + delta + this.order.length) % this.order.length]);
  }

  otherSide() {
    const s = this.panel.site;
    if (!s) return;
    const side = s.slice(-1);
    if (side === "M") return;
    return this.pick(s.slice(0, -1) + (side === "L" ? "R" : "L"));
  }

  finderKey(ev) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      const v = ev.target.value.trim();
      const site = this.order.find((s) => s === v) || this.order.find((s) => s.startsWith(v));
      if (site) { ev.target.value = ""; ev.target.blur(); this.pick(site); }
      else this.panel.setStatus(`No site "${v}" in the atlas (write unit:side, e.g. tibia.diaphysis:L)`, "error");
    } else if (ev.key === "Escape") { ev.target.blur(); }
  }

  async save() {
    if (this.readOnly || !this.panel.site) return false;
    const site = this.panel.site;
    const rec = this.panel.record();
    this.panel.setStatus("Saving…", "info");
    try {
      let reply;
      if (rec) reply = await this.writeSite(site, rec);
      else if (this.lesions.has(site)) reply = await this.removeSite(site);
      else { this.panel.setStatus("Nothing to save: the site is not graded.", "info"); return true; }
      if (rec) this.lesions.set(site, rec); else this.lesions.delete(site);
      this.doc.lesions = [...this.lesions.values()];
      this.afterWrite(reply);
      this.panel.open(site, rec);
      const serverUnit = ((reply.score && reply.score.sites) || []).find((s) => s.site === site);
      this.panel.setStatus(rec ? `Saved ${site}: unit score ${serverUnit ? serverUnit.score : 0} (server), total ${reply.score ? reply.score.rai_total : "?"}.`
                                : `Cleared ${site}.`, "ok");
      this.updateTotals();
      return true;
    } catch (err) {
      this.panel.setServerProblems(err.problems.length ? err.problems : err.status === 400 ? [{ field: "", message: err.message }] : []);
      this.panel.setStatus(err.message, "error");
      this.writeFailed(err);
      return false;
    }
  }

  clearSite() {
    if (this.readOnly || !this.panel.site) return;
    this.panel.draft = { site: this.panel.site };
    this.panel.refresh();
    return this.save();
  }

  afterWrite(reply) {
    if (reply && reply.revision !== undefined) this.revision = reply.revision;
    if (reply && reply.score) this.serverScore = reply.score;
    this.updateTotals();
  }

  writeFailed(err) {
    if (err.status === 409)
      this.ctx.conflict(`Someone else changed exam ${this.id} since you opened it (you had revision ${this.revision}` +
                        (err.body && err.body.revision !== undefined ? `, it is now at ${err.body.revision}). ` : "). ") +
                        "Your last change was not saved. Reload the exam to see theirs, then grade again.", () => this.reload());
  }

  async reload() {
    const site = this.panel.site;
    const data = await this.load(this.id);
    this.accept(data.exam, data.revision, data.score);
    this.clinical.render();
    this.panel.open(site, this.lesions.get(site) || null);
    this.updateTotals();
  }

  onKey(ev) { return handleExamKey(this, ev); }
}
