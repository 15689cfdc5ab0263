// The worklist: every stored exam, filterable; a reader or admin may add an empty exam.
import { api } from "./api.js";
import { h, $, status, fmtNumber } from "./dom.js";

export async function renderWorklist(root, { role, blinded }) {
  const exams = await api.exams();
  const filter = h("input", { id: "worklist-filter", type: "search", placeholder: "filter: patient, exam, reader, timepoint…", autocomplete: "off" });
  const body = h("tbody");
  const fill = () => {
    const q = filter.value.trim().toLowerCase();
    const rows = exams.filter((e) => !q || [e.id, e.patient_id, e.date, e.timepoint, e.reader].some((v) => String(v ?? "").toLowerCase().includes(q)));
    body.replaceChildren(...rows.map((e) => h("tr", { "data-exam": e.id, class: "link", onclick: () => { location.hash = "#/exam/" + encodeURIComponent(e.id); } },
      h("td", {}, h("a", { href: "#/exam/" + encodeURIComponent(e.id), text: e.id })),
      // Blinded readers get no way to the patient's other exams.
      h("td", {}, blinded ? e.patient_id : h("a", { href: "#/patient/" + encodeURIComponent(e.patient_id), text: e.patient_id, onclick: (ev) => ev.stopPropagation() })),
      h("td", { text: e.date || "" }), h("td", { text: e.timepoint || "" }), h("td", { text: e.reader || "" }),
      h("td", { class: "num", text: fmtNumber(e.graded_sites) }), h("td", { class: "num", text: fmtNumber(e.rai_cromris) }))));
    $("#worklist-count", root).textContent = `${rows.length} of ${exams.length} exams`;
  };
  filter.addEventListener("input", fill);
  root.replaceChildren(
    h("h1", {}, "Worklist"),
    h("div", { class: "toolbar" }, filter, h("span", { id: "worklist-count", class: "muted" })),
    h("table", { class: "data worklist", id: "worklist" },
      h("thead", {}, h("tr", {}, ["Exam", "Patient", "Date", "Timepoint", "Reader", "Graded sites", "RAI-CROMRIS"].map((t) => h("th", { text: t })))),
      body),
    role === "researcher" ? null : newExamForm());
  fill();
  if (!exams.length) body.replaceChildren(h("tr", {}, h("td", { colspan: 7, class: "muted", text: "No exams yet: import some with `crmo import`, or add one below." })));
}

function newExamForm() {
  const field = (name, label, attrs = {}) => h("label", { class: "clin-field" }, h("span", { class: "clin-label", text: label }),
    h("input", Object.assign({ type: "text", name, autocomplete: "off" }, attrs)), h("span", { class: "field-error", "data-error-for": name }));
  const form = h("form", { id: "new-exam", class: "new-exam" },
    h("h2", {}, "New exam"),
    h("div", { class: "row" },
      field("patient_id", "Patient id"), field("exam_id", "Exam id"), field("date", "Date", { placeholder: "YYYY-MM-DD" }),
      field("timepoint", "Timepoint", { placeholder: "baseline" }), field("reader", "Reader")),
    h("div", { class: "field-error general", "data-error-for": "" }),
    h("button", { type: "submit", class: "primary" }, "Create and grade"),
    h("p", { class: "status", id: "new-exam-status" }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (n) => form.elements[n].value.trim();
    const exam = { id: v("exam_id"), date: v("date") };
    if (v("timepoint")) exam.timepoint = v("timepoint");
    if (v("reader")) exam.reader = v("reader");
    const doc = { format: "crmo.exam/1", patient: { id: v("patient_id") }, exam, lesions: [] };
    for (const el of form.querySelectorAll(".field-error")) el.textContent = "";
    try {
      const r = await api.createExam(doc);
      location.hash = "#/exam/" + encodeURIComponent(r.id || exam.id);
    } catch (err) {
      for (const p of err.problems) {
        const f = String(p.field || "");
        const name = /patient/.test(f) ? "patient_id" : /date/.test(f) ? "date" : /timepoint/.test(f) ? "timepoint" : /reader/.test(f) ? "reader" : /exam/.test(f) ? "exam_id" : "";
        const el = form.querySelector(`.field-error[data-error-for="${name}"]`);
        el.textContent = el.textContent ? el.textContent + "; " + p.message : p.message;
      }
      status(form.querySelector("#new-exam-status"), err.message, "error");
    }
  });
  return form;
}
