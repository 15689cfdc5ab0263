// The skeleton drawing of the reports (GET /api/drawing/skeleton.svg), made clickable:
// every unit-side is a shape with data-site="unit:side". This module only draws and
// reports clicks; what a click means is the caller's.
import { api } from "./api.js";

let svgText = null;

export async function loadSkeletonSvg() {
  if (svgText === null) svgText = await api.skeletonSvg();
  return svgText;
}

export class Skeleton {
  // container: element to draw in; onPick(site) on a click or Enter on a unit.
  // keepIds: false when a second copy is on the page (ids must stay unique).
  constructor(container, { onPick = null, keepIds = true, label = "" } = {}) {
    this.container = container;
    this.onPick = onPick;
    this.keepIds = keepIds;
    this.label = label;
    this.shapes = new Map();
  }

  async draw() {
    const text = await loadSkeletonSvg();
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const svg = doc.documentElement;
    if (svg.nodeName !== "svg") throw new Error("the skeleton drawing from the server is not SVG");
    this.container.replaceChildren(document.importNode(svg, true));
    const root = this.container.querySelector("svg");
    if (this.label) root.setAttribute("aria-label", this.label);
    this.shapes.clear();
    for (const el of root.querySelectorAll("[data-site]")) {
      if (!this.keepIds) el.removeAttribute("id");
      this.shapes.set(el.getAttribute("data-site"), el);
      el.classList.add("unit");
      if (this.onPick) {
        el.setAttribute("tabindex", "-1");
        el.addEventListener("click", () => this.onPick(el.getAttribute("data-site")));
      }
    }
    return this;
  }

  has(site) { return this.shapes.has(site); }
  sites() { return [...this.shapes.keys()]; }

  // fill: CSS colour or null for the drawing's own unshaded look; title: tooltip text.
  shade(site, fill, title) {
    const el = this.shapes.get(site);
    if (!el) return;
    el.style.fill = fill || "";
    el.classList.toggle("graded", !!fill);
    if (title !== undefined) {
      let t = el.querySelector("title");
      if (!t) {
        t = document.createElementNS("http://www.w3.org/2000/svg", "title");
        el.appendChild(t);
      }
      t.textContent = title;
    }
  }

  // Extra classes for change marks (compare view): e.g. "change-new".
  mark(site, cls) {
    const el = this.shapes.get(site);
    if (!el) return;
    for (const c of [...el.classList]) if (c.startsWith("change-")) el.classList.remove(c);
    if (cls) el.classList.add(cls);
  }

  clearShades() {
    for (const site of this.shapes.keys()) { this.shade(site, null, site); this.mark(site, null); }
  }

  select(site) {
    for (const el of this.shapes.values()) el.classList.remove("selected");
    const el = this.shapes.get(site);
    if (el) {
      el.classList.add("selected");
      // Drawn last so the outline is not hidden under its neighbours.
      el.parentNode.appendChild(el);
    }
  }
}
