#!/bin/bash
# A real Orthanc with its DICOMweb plugin for the exchange tests (orthanc_dicomweb.sh,
# pacs_server_test.py). Installs orthanc and orthanc-dicomweb when missing (as root),
# writes its own configuration (loopback only, no DICOM port, storage in WORKDIR, basic
# authentication when USER and PASSWORD are given) and starts it on a free port.
#
#   orthanc.sh start WORKDIR [USER PASSWORD]  -> prints "PORT PID" once DICOMweb answers;
#                                               WORKDIR/orthanc.log is its log. The caller
#                                               stops it: kill PID.
#   orthanc.sh upload BASE DIR...             -> POSTs every *.dcm under the DIRs to
#                                               BASE/instances (Orthanc's REST API); the
#                                               credentials, if any, from ORTHANC_USER and
#                                               ORTHANC_PASSWORD.
set -euo pipefail
py=/usr/bin/python3
orthanc=/usr/sbin/Orthanc

find_plugin() {
  plugin=""
  for p in /usr/share/orthanc/plugins/libOrthancDicomWeb.so /usr/lib/orthanc/libOrthancDicomWeb.so*; do
    if [ -e "$p" ]; then plugin=$p; break; fi
  done
}

start() {
  local work=$1 user=${2:-} password=${3:-}
  find_plugin
  if { [ ! -x "$orthanc" ] || [ -z "$plugin" ]; } && [ "$(id -u)" = 0 ]; then
    # Issue 8 asks the test to install what is missing (CI installs the package lists first).
    DEBIAN_FRONTEND=noninteractive apt-get install -y orthanc orthanc-dicomweb >&2 || true
    find_plugin
  fi
  if [ ! -x "$orthanc" ] || [ -z "$plugin" ]; then
    echo "Orthanc or its DICOMweb plugin is missing: apt-get install -y orthanc orthanc-dicomweb" >&2
    exit 1
  fi
  mkdir -p "$work/storage"
  local port auth users
  port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  auth=false users="{}"
  if [ -n "$user" ]; then
    auth=true
    users=$("$py" -c 'import json, sys; print(json.dumps({sys.argv[1]: sys.argv[2]}))' "$user" "$password")
  fi
  cat > "$work/orthanc.json" <<JSON
{
  "Name": "crmo-test",
  "StorageDirectory": "$work/storage",
  "IndexDirectory": "$work/storage",
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": $auth,
  "RegisteredUsers": $users,
  "HttpPort": $port,
  "DicomServerEnabled": false,
  "DicomModalities": {},
  "OrthancPeers": {},
  "Plugins": ["$plugin"],
  "DicomWeb": {"Enable": true, "Root": "/dicom-web/", "EnableWado": false, "StudiesMetadata": "Full"}
}
JSON
  "$orthanc" "$work/orthanc.json" > "$work/orthanc.log" 2>&1 < /dev/null &
  local pid=$!
  for _ in $(seq 1 150); do
    # Any HTTP answer (401 included) means it listens; DICOMweb must be mounted (not 404).
    code=$("$py" - "http://127.0.0.1:$port/dicom-web/studies" <<'PY' || true
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=1).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print(0)
PY
)
    if [ "$code" = 200 ] || [ "$code" = 204 ] || [ "$code" = 401 ]; then
      echo "$port $pid"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$work/orthanc.log" >&2; echo "Orthanc did not start" >&2; exit 1; fi
    sleep 0.2
  done
  kill "$pid" 2>/dev/null || true
  echo "Orthanc did not answer within 30 s (see $work/orthanc.log)" >&2
  exit 1
}

upload() {
  "$py" - "$@" <<'PY'
import base64, os, pathlib, sys, urllib.request
base = sys.argv[1]
headers = {"Content-Type": "application/dicom"}
if os.environ.get("ORTHANC_USER"):
    token = f'{os.environ["ORTHANC_USER"]}:{os.environ.get("ORTHANC_PASSWORD", "")}'
    headers["Authorization"] = "Basic " + base64.b64encode(token.encode()).decode()
n = 0
for d in sys.argv[2:]:
    for f in sorted(pathlib.Path(d).rglob("*.dcm")):
        req = urllib.request.Request(base + "/instances", data=f.read_bytes(), method="POST", headers=headers)
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 200, (f, r.status)
        n += 1
print(f"uploaded {n} instances")
PY
}

case "${1:-}" in
  start) shift; start "$@" ;;
  upload) shift; upload "$@" ;;
  *) echo "usage: orthanc.sh start WORKDIR [USER PASSWORD] | upload BASE DIR..." >&2; exit 2 ;;
esac
