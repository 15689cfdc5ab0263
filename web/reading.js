// One reader's own reading of an exam (issue 7): the same skeleton, panel and keys as
// the exam view, but the gradings are the reader's own (GET/PUT/DELETE
// /api/exams/{id}/readings/{reader}/sites/...), with their own revision, apart from every
// other reader's. Readers always grade here; an admin opens any reading by #/reading/ID/R.
// Blinded mode (crmo serve --blinded) shows nothing of other readings, prior exams or
// clinical measures: the server does not send them, and the page offers no way to them.
import { api } from "./api.js";
import { h, $ } from "./dom.js";
import { ExamView } from "./exam.js";

export class ReadingView extends ExamView {
  constructor(root, ctx, reader) {
    super(root, ctx);
    this.reader = reader || ctx.name;
    this.blinded = !!ctx.blinded;
    this.readOnly = ctx.role === "researcher" || (ctx.role !== "admin" && this.reader !== ctx.name);
  }

  // The exam (clinical measures, identity) with this reader's gradings in place of the
  // main reading's; revision 0 until the reader saves a first site.
  async load(id) {
    const data = await api.exam(id);
    this.examRevision = data.revision;
    let reading = null;
    try {
      reading = await api.reading(id, this.reader);
    } catch (err) {
      if (err.status !== 404) throw err;
    }
    this.others = [];
    if (!this.blinded) {
      try {
        this.others = (await api.readings(id)).filter((r) => r.reader !== this.reader);
      } catch { this.others = []; }
    }
    const doc = Object.assign({}, data.exam, { lesions: reading ? reading.exam.lesions || [] : [] });
    doc.exam = Object.assign({}, data.exam.exam, { reader: this.reader });
    return { exam: doc, revision: reading ? reading.revision : 0, score: reading ? reading.score : null,
             updated_by: reading && reading.updated_by, updated_at: reading && reading.updated_at };
  }

  writeSite(site, rec) { return api.putReadingSite(this.id, this.reader, site, this.revision, rec); }
  removeSite(site) { return api.deleteReadingSite(this.id, this.reader, site, this.revision); }
  clinicalRevision() { return this.examRevision; }
  // Clinical measures belong to the exam: its revision moves, the reading's does not.
  afterClinical(reply) { if (reply && reply.revision !== undefined) this.examRevision = reply.revision; }

  build() {
    super.build();
    const mine = this.reader === this.ctx.name;
    const head = $(".exam-head", this.root);
    const line = h("p", { id: "reading-mode", class: "reading-mode" },
      mine ? `Your own reading (${this.reader})` : `The reading by ${this.reader}`,
      this.blinded ? " · blinded: other readings, prior exams and clinical measures are hidden" : "");
    head.appendChild(line);
    if (!this.blinded) {
      const others = this.others || [];
      head.appendChild(h("p", { id: "other-readings", class: "muted" },
        others.length ? "Other readings: " : "No other readings of this exam yet.",
        ...others.map((r, i) => h("span", { "data-reader": r.reader },
          i ? ", " : "", this.ctx.role === "admin" ? h("a", { href: `#/reading/${encodeURIComponent(this.id)}/${encodeURIComponent(r.reader)}`, text: r.reader }) : r.reader,
          ` (${r.kind === "consensus" ? "consensus, " : ""}${r.main ? "main, " : ""}RAI-CROMRIS ${r.rai_cromris})`)),
        others.length ? h("span", {}, " · ", h("a", { href: "#/consensus/" + encodeURIComponent(this.id), id: "adjudicate-link", text: "Consensus and adjudication" })) : null));
    }
    if (this.blinded) {
      // No way to the patient's other exams, and no clinical measures.
      const link = $(".exam-meta a", this.root);
      if (link) link.replaceWith(document.createTextNode("patient " + ((this.doc.patient || {}).id || "")));
      const col = $("#clinical", this.root);
      col.replaceChildren(h("p", { class: "muted", id: "blinded-note", text: "Blinded reading: you see your own grading only." }));
      this.clinical = { render() {}, dirty: false, save: async () => true };
    }
  }
}
