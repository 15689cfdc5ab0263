#!/usr/bin/python3
"""Developing the page without rebuilding crmo: serves / and /web/* from the web/ folder
on disk and passes /api/* to a running `crmo serve`.

    crmo serve --db demo.db --port 8042 &
    python3 tests/web/dev_proxy.py --api http://127.0.0.1:8042 --port 8043
    # open http://127.0.0.1:8043/ ; edit web/*.js and reload

Loopback only; not part of the product (the server embeds web/ itself).
"""
import argparse
import http.server
import mimetypes
import pathlib
import urllib.error
import urllib.request

WEB = pathlib.Path(__file__).resolve().parents[2] / "web"


class Handler(http.server.BaseHTTPRequestHandler):
    api = ""

    def _proxy(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        req = urllib.request.Request(self.api + self.path, data=body, method=self.command)
        for k in ("Authorization", "Content-Type"):
            if self.headers.get(k):
                req.add_header(k, self.headers[k])
        try:
            with urllib.request.urlopen(req) as r:
                status, headers, data = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, data = e.code, e.headers, e.read()
        self.send_response(status)
        self.send_header("Content-Type", headers.get("Content-Type", "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _static(self):
        rel = "index.html" if self.path in ("/", "") else self.path.split("?")[0].removeprefix("/web/")
        f = (WEB / rel).resolve()
        if WEB not in f.parents or not f.is_file():
            self.send_error(404)
            return
        data = f.read_bytes()
        ctype = "text/javascript" if f.suffix == ".js" else (mimetypes.guess_type(f.name)[0] or "application/octet-stream")
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._proxy() if self.path.startswith("/api") else self._static()

    do_POST = do_PUT = do_DELETE = _proxy


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--api", required=True, help="base URL of crmo serve, e.g. http://127.0.0.1:8042")
    ap.add_argument("--port", type=int, default=8043)
    a = ap.parse_args()
    Handler.api = a.api.rstrip("/")
    http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
