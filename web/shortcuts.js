// Keyboard shortcuts of the exam view: a reader grades a whole skeleton without the
// mouse. SHORTCUTS is what the page lists; handleExamKey does it.
import { h, $ } from "./dom.js";

export const SHORTCUTS = [
  ["j  or  ↓", "next unit (atlas order: head, trunk, spine, pelvis, arms, legs)"],
  ["k  or  ↑", "previous unit"],
  ["s", "same unit, other side (L ↔ R)"],
  ["g  or  /", "go to a site by name (type unit:side, Enter)"],
  ["←  →", "previous / next item of the grading panel"],
  ["0 … 9", "set the highlighted item to that grade and move to the next item"],
  ["-", "unset the highlighted item (physis, symptomatic: unknown)"],
  ["Enter", "save the site"],
  ["Esc", "revert unsaved changes of the site"],
  ["Delete", "clear the site (remove its grading)"],
  ["c", "go to the clinical form"],
  ["?", "show or hide this list"],
];
// Moving to another unit saves the open one first; the page stays on it if saving fails.

export function shortcutList() {
  return h("section", { id: "shortcuts", class: "shortcuts" },
    h("h3", {}, "Keyboard"),
    h("dl", {}, SHORTCUTS.flatMap(([k, what]) => [h("dt", {}, h("kbd", { text: k })), h("dd", { text: what })])),
    h("p", { class: "muted", text: "Moving to another unit saves the open one first." }));
}

function typing(el) {
  return el && (el.tagName === "INPUT" || el.tagName === "SELECT" || el.tagName === "TEXTAREA" || el.isContentEditable);
}

export function handleExamKey(view, ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return false;
  const t = ev.target;
  if (typing(t)) {
    if (ev.key === "Escape") { t.blur(); ev.preventDefault(); return true; }
    return false;
  }
  const panel = view.panel;
  const act = (fn) => { ev.preventDefault(); fn(); return true; };
  switch (ev.key) {
    case "j": case "ArrowDown": return act(() => view.move(1));
    case "k": case "ArrowUp": return act(() => view.move(-1));
    case "s": return act(() => view.otherSide());
    case "g": case "/": return act(() => $("#site-finder", view.root).focus());
    case "ArrowRight": return act(() => panel.moveItem(1));
    case "ArrowLeft": return act(() => panel.moveItem(-1));
    case "-": return act(() => panel.unsetActive());
    case "Enter": return act(() => view.save());
    case "Escape": return act(() => { panel.reset(); view.updateTotals(); });
    case "Delete": case "Backspace": return act(() => view.clearSite());
    case "c": return act(() => { const f = $("#clinical-form input, #clinical-form select", view.root); if (f) f.focus(); });
    case "?": return act(() => { const s = document.getElementById("shortcuts"); if (s) s.hidden = !s.hidden; });
    default:
      if (/^[0-9]$/.test(ev.key)) return act(() => { if (!view.readOnly) panel.digit(Number(ev.key)); });
      return false;
  }
}
