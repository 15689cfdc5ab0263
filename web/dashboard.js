// The cohort dashboard: the stored cohort's analysis report, as the server renders it
// (GET /api/cohort/report), shown in a frame that runs no scripts.
import { api } from "./api.js";
import { h, $ } from "./dom.js";

export async function renderDashboard(root) {
  root.replaceChildren(h("h1", {}, "Cohort"), h("p", { class: "muted", id: "cohort-status", text: "Computing the cohort report…" }));
  let html;
  try {
    html = await api.cohortReport();
  } catch (err) {
    $("#cohort-status", root).textContent = err.message;
    $("#cohort-status", root).className = "status error";
    return;
  }
  const frame = h("iframe", { id: "cohort-report", title: "Cohort analysis report", sandbox: "allow-same-origin" });
  frame.srcdoc = html;
  frame.addEventListener("load", () => {
    try { frame.style.height = frame.contentDocument.documentElement.scrollHeight + 40 + "px"; } catch { /* keeps its CSS height */ }
  });
  const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
  root.replaceChildren(h("h1", {}, "Cohort"),
    h("div", { class: "toolbar" }, h("a", { href: url, download: "crmo-cohort-report.html", text: "Download the report" }),
      h("span", { class: "muted", text: " The report of the stored cohort, as `crmo cohort` would write it." })),
    frame);
}
