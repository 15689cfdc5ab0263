# Sourced by the command-line test scripts: a scratch folder removed on exit, and checks
# that count passes and failures (print with `summary NAME`, whose status is the result).
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
fails=0; passes=0
pass() { passes=$((passes+1)); }
fail() { fails=$((fails+1)); echo "FAIL: $*"; }
expect() {  # expect STATUS DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" >"$TMP/out" 2>"$TMP/err"; local got=$?
  if [ "$got" = "$want" ]; then pass; else fail "$what: exit $got, expected $want"; cat "$TMP/err"; fi
}
contains() {  # contains FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then pass; else fail "$3: '$2' not in $1"; head -40 "$1"; fi
}
json_is() {  # json_is FILE PYTHON-EXPRESSION-ON-d DESCRIPTION
  if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; then
    pass; else fail "$3: $2"; head -c 3000 "$1"; echo; fi
}
summary() {  # summary NAME
  echo "$1: $passes passed, $fails failed"
  [ "$fails" = 0 ]
}
