"""JSON requests to a test server, for the page tests and the PACS test (no selenium here)."""
import json
import urllib.error
import urllib.request


def api_call(base, method, path, body=None, token=None, timeout=30):
    """One JSON request -> (status, decoded body); errors come back as their status."""
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        data = e.read()
        try:
            return e.code, json.loads(data)
        except ValueError:
            return e.code, data.decode(errors="replace")
