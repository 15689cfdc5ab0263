// The REST/JSON API of `crmo serve` (notes/api-contract.md), with the session token.
// Every failure becomes an ApiError carrying the server's message and its per-field
// problems, so the page can show them next to the field they concern.

const TOKEN_KEY = "crmo.session";

export class ApiError extends Error {
  constructor(status, message, problems, body) {
    super(message);
    this.status = status;
    this.problems = Array.isArray(problems) ? problems : [];
    this.body = body;
  }
}

// The session survives a page reload (sessionStorage), not a closed tab.
export const session = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(TOKEN_KEY)); } catch { return null; }
  },
  set(s) { sessionStorage.setItem(TOKEN_KEY, JSON.stringify(s)); },
  clear() { sessionStorage.removeItem(TOKEN_KEY); },
};

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

async function request(method, path, body, accept = "json") {
  const headers = {};
  const s = session.get();
  if (s && s.token) headers["Authorization"] = "Bearer " + s.token;
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, "The crmo server cannot be reached (" + e.message + ").", []);
  }
  const text = await res.text();
  if (!res.ok) {
    let parsed = null;
    try { parsed = JSON.parse(text); } catch { /* not JSON: use the text */ }
    const message = (parsed && parsed.error) || text.trim() || res.statusText || "HTTP " + res.status;
    const err = new ApiError(res.status, message, parsed && parsed.problems, parsed);
    // Only the session this request was sent with can have ended: a late reply to a request
    // of a session already closed (logout, another login) must not interrupt the login form.
    const now = session.get();
    if (res.status === 401 && path !== "/api/login" && s && now && now.token === s.token) onUnauthorized(err);
    throw err;
  }
  if (accept === "text") return text;
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(res.status, "The server sent a reply that is not JSON for " + path, []);
  }
}

const enc = encodeURIComponent;
// A site "unit:side" goes into the path as is: ':' and '.' are allowed in a path segment.
const sitePath = (site) => site.split(":").map(enc).join(":");

export const api = {
  login: (name, password) => request("POST", "/api/login", { name, password }),
  logout: () => request("POST", "/api/logout", {}),
  me: () => request("GET", "/api/me"),
  atlas: () => request("GET", "/api/atlas"),
  schemes: () => request("GET", "/api/schemes"),
  scheme: (name) => request("GET", "/api/schemes/" + enc(name)),
  skeletonSvg: () => request("GET", "/api/drawing/skeleton.svg", undefined, "text"),
  exams: () => request("GET", "/api/exams"),
  exam: (id) => request("GET", "/api/exams/" + enc(id)),
  createExam: (doc) => request("POST", "/api/exams", doc),
  putSite: (id, site, revision, record) =>
    request("PUT", "/api/exams/" + enc(id) + "/sites/" + sitePath(site), Object.assign({ revision }, record)),
  deleteSite: (id, site, revision) =>
    request("DELETE", "/api/exams/" + enc(id) + "/sites/" + sitePath(site) + "?revision=" + revision),
  putClinical: (id, revision, clinical) =>
    request("PUT", "/api/exams/" + enc(id) + "/clinical", Object.assign({ revision }, clinical)),
  score: (id) => request("GET", "/api/exams/" + enc(id) + "/score"),
  instruments: (id) => request("GET", "/api/exams/" + enc(id) + "/clinical-instruments"),
  patients: () => request("GET", "/api/patients"),
  patient: (id) => request("GET", "/api/patients/" + enc(id)),
  cohort: () => request("GET", "/api/cohort"),
  cohortReport: () => request("GET", "/api/cohort/report", undefined, "text"),
  // Readings (several readers per exam): each reader's own, consensus, calibration.
  readings: (id) => request("GET", "/api/exams/" + enc(id) + "/readings"),
  reading: (id, reader) => request("GET", "/api/exams/" + enc(id) + "/readings/" + enc(reader)),
  putReadingSite: (id, reader, site, revision, record) =>
    request("PUT", "/api/exams/" + enc(id) + "/readings/" + enc(reader) + "/sites/" + sitePath(site), Object.assign({ revision }, record)),
  deleteReadingSite: (id, reader, site, revision) =>
    request("DELETE", "/api/exams/" + enc(id) + "/readings/" + enc(reader) + "/sites/" + sitePath(site) + "?revision=" + revision),
  consensus: (id, body) => request("POST", "/api/exams/" + enc(id) + "/consensus", body),
  calibration: (id) => request("GET", "/api/calibration/" + enc(id)),
  finishCalibration: (id, revision) => request("POST", "/api/calibration/" + enc(id) + "/finish", { revision }),
  get: (path) => request("GET", path),
  post: (path, body) => request("POST", path, body),
};
