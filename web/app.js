// The scoring page: log in, then route between the worklist, one exam, a patient's
// timeline, the comparison of two exams and the cohort dashboard (#/... addresses).
import { api, session, setUnauthorizedHandler } from "./api.js";
import { h, $, show, status } from "./dom.js";
import { resolveScheme } from "./scoring.js";
import { ExamView } from "./exam.js";
import { renderWorklist } from "./worklist.js";
import { renderDashboard } from "./dashboard.js";
import { renderPatient, renderCompare } from "./patient.js";
import { shortcutList } from "./shortcuts.js";
import { CalibrationView, renderCalibrationList } from "./calibration.js";
import { renderAgreement } from "./agreement.js";
import { renderPacs, pacsConfigured } from "./pacs.js";
import { ReadingView } from "./reading.js";
import { renderConsensus } from "./consensus.js";

const ctx = { atlas: null, scheme: null, role: null, name: null, conflict: showConflict };
let current = null; // the view taking keys (the exam view)

async function loadContext() {
  const atlas = await api.atlas();
  ctx.atlas = new Map((atlas.units || []).map((u) => [u.id, u]));
  const cache = new Map();
  const fetchScheme = async (name) => {
    if (!cache.has(name)) cache.set(name, await api.scheme(name));
    return cache.get(name);
  };
  // The server's default scheme (the exam total) and the chain it is based on; the
  // server sends it resolved, resolveScheme() only fills what a base would.
  const list = await api.schemes();
  const name = (list && list.default) || "rai-cromris";
  let s = await fetchScheme(name);
  while (s.based_on && !cache.has(s.based_on)) s = await fetchScheme(s.based_on);
  ctx.scheme = resolveScheme(cache.get(name), (n) => cache.get(n));
}

function showLogin(message) {
  current = null;
  $("#view").replaceChildren(); // nothing of the last session stays on the page
  ctx.scheme = null;
  show($("#app"), false);
  show($("#login"), true);
  status($("#login-status"), message || "", message ? "error" : "");
  $("#login-name").focus();
}

async function startApp() {
  const me = session.get();
  // Blinded mode is the server's (GET /api/me says); it changes what the page offers.
  try { Object.assign(me, await api.me()); session.set(me); } catch (err) { if (err.status === 401) return; }
  ctx.blinded = !!me.blinded;
  ctx.role = me.role;
  ctx.name = me.name;
  $("#who").textContent = `${me.name} (${me.role})`;
  document.body.dataset.role = me.role;
  show($("#login"), false);
  show($("#app"), true);
  if (!ctx.scheme) await loadContext();
  ctx.pacs = ctx.role !== "researcher" && (await pacsConfigured()); // PACS rows carry identifiers
  await route();
}

function showConflict(text, reload) {
  const box = $("#conflict");
  $("#conflict-text").textContent = text;
  $("#conflict-reload").onclick = async () => { show(box, false); await reload(); };
  show(box, true);
}

async function route() {
  show($("#conflict"), false);
  const main = $("#view");
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  current = null;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("here", a.getAttribute("href") === "#/" + parts[0]);
  const calib = document.querySelector('nav a[href="#/calibrate"]');
  if (calib) calib.hidden = ctx.role === "researcher" || ctx.blinded;
  // Blinded readers: nothing of other readings or of the cohort.
  for (const a of document.querySelectorAll('nav a[href="#/cohort"], nav a[href="#/agreement"]')) a.hidden = ctx.blinded;
  const pacs = document.querySelector('nav a[href="#/pacs"]');
  if (pacs) pacs.hidden = !ctx.pacs;
  try {
    if ((parts[0] === "exam" || parts[0] === "reading") && parts[1]) {
      // Readers grade their own reading; an admin the exam's main one, or any reading by #/reading/ID/READER.
      const view = parts[0] === "reading" ? new ReadingView(main, ctx, parts[2]) :
        ctx.role === "reader" ? new ReadingView(main, ctx) : new ExamView(main, ctx);
      current = view;
      await view.open(parts[1]);
      main.appendChild(shortcutList());
    } else if (parts[0] === "calibrate" && parts[1]) {
      const view = new CalibrationView(main, ctx);
      current = view;
      await view.open(parts[1]);
      main.appendChild(shortcutList());
    } else if (parts[0] === "consensus" && parts[1]) {
      await renderConsensus(main, ctx, parts[1]);
    } else if (parts[0] === "calibrate") {
      await renderCalibrationList(main);
    } else if (parts[0] === "pacs") {
      await renderPacs(main, ctx);
    } else if (parts[0] === "agreement") {
      await renderAgreement(main);
    } else if (parts[0] === "cohort") {
      await renderDashboard(main);
    } else if (parts[0] === "patient" && parts[1]) {
      await renderPatient(main, ctx, parts[1]);
    } else if (parts[0] === "compare" && parts[1] && parts[2]) {
      await renderCompare(main, ctx, parts[1], parts[2]);
    } else {
      await renderWorklist(main, ctx);
    }
  } catch (err) {
    current = null; // a view that failed to open takes no keys
    if (err.status === 401) return;
    main.replaceChildren(h("h1", {}, "Cannot show this page"), h("p", { class: "status error", id: "view-error", text: err.message }),
      h("p", {}, h("a", { href: "#/exams", text: "Back to the worklist" })));
  }
}

function init() {
  setUnauthorizedHandler(() => { session.clear(); showLogin("Your session has ended: log in again."); });
  $("#login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const name = $("#login-name").value.trim(), password = $("#login-password").value;
    status($("#login-status"), "Logging in…", "info");
    try {
      const r = await api.login(name, password);
      session.set({ token: r.token, role: r.role, name, expires_at: r.expires_at });
      $("#login-password").value = "";
      await startApp();
    } catch (err) {
      status($("#login-status"), err.status === 401 ? "Wrong name or password." : err.message, "error");
    }
  });
  $("#logout").addEventListener("click", async () => {
    try { await api.logout(); } catch { /* the session ends here either way */ }
    session.clear();
    location.hash = "#/exams";
    showLogin("");
  });
  // Leaving an exam saves its open site and clinical form first; if a save fails the
  // page stays (and so does its address), showing why.
  window.addEventListener("hashchange", async (ev) => {
    if (current && !current.readOnly) {
      let ok = true;
      if (current.panel && current.panel.dirty) ok = await current.save();
      if (ok && current.clinical && current.clinical.dirty) ok = await current.clinical.save();
      if (!ok) { history.replaceState(null, "", ev.oldURL); return; }
    }
    if (session.get()) route();
  });
  window.addEventListener("keydown", (ev) => { if (current && current.onKey) current.onKey(ev); });
  window.addEventListener("beforeunload", (ev) => {
    if (current && !current.readOnly && ((current.panel && current.panel.dirty) || (current.clinical && current.clinical.dirty))) {
      ev.preventDefault();
      ev.returnValue = "";
    }
  });
  if (session.get()) {
    api.me().then((me) => { session.set(Object.assign(session.get(), me)); return startApp(); })
      .catch((err) => { if (err.status !== 401) showLogin(err.message); });
  } else showLogin("");
}

init();
