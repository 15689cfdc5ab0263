#!/bin/bash
# DCMTK is loaded only by the commands that need it (src/exchange/dcmtk_plugin.hpp): the
# dynamic loader's own log (LD_DEBUG=files) must show no DCMTK library and no dcmtk plugin
# for `crmo --version`, `crmo score` or `crmo phantom`, and the plugin (with DCMTK) for
# `crmo deid dicom` and `crmo sr`. Errors raised inside the plugin reach the command as
# before: bad input (an SR source series that is not there) exits 2 naming the option, a
# refused file (burned-in annotation) exits 1 with its reason, and nothing is written.
# Without the plugin (its folder hidden in a private mount namespace) those commands exit 1
# with the loader's message while `crmo score` still works.
# Usage: dcmtk_plugin.sh CRMO SOURCE_DIR PLUGIN_DIR
set -uo pipefail
crmo=$1 src=$2 plugin_dir=$3
py=/usr/bin/python3  # Debian's, with python3-pydicom
. "$src/tests/lib/checks.sh"

# traced NAME -- command...: runs it with the loader's log of every object it opens in
# $TMP/NAME.log (the command's own output in $TMP/NAME.out); its exit status is returned.
traced() {
  local name=$1; shift 2
  LD_DEBUG=files LD_DEBUG_OUTPUT="$TMP/$name.ld" "$@" >"$TMP/$name.out" 2>&1; local rc=$?
  cat "$TMP/$name".ld.* > "$TMP/$name.log" 2>/dev/null; rm -f "$TMP/$name".ld.*
  return $rc
}
opens() {     # opens NAME PATTERN DESCRIPTION
  if grep -qE "file=[^ ]*$2" "$TMP/$1.log"; then pass; else fail "$3: no '$2' in the loader's log"; head -5 "$TMP/$1.log"; fi
}
opens_not() { # opens_not NAME PATTERN DESCRIPTION
  if grep -qE "file=[^ ]*$2" "$TMP/$1.log"; then fail "$3: the loader opened $(grep -oE "file=[^ ]*$2[^ ]*" "$TMP/$1.log" | head -3 | tr '\n' ' ')"; else pass; fi
}
status() {    # status GOT WANT DESCRIPTION OUTFILE
  if [ "$1" = "$2" ]; then pass; else fail "$3: exit $1, expected $2"; cat "$4"; fi
}

# Commands that do not use DICOM through DCMTK.
traced version -- "$crmo" --version; status $? 0 "crmo --version" "$TMP/version.out"
if [ -s "$TMP/version.log" ]; then pass; else fail "LD_DEBUG=files wrote no log: the checks below would pass blindly"; fi
opens version "libfmt" "the log names the libraries crmo needs"  # the log is read right
for lib in libdcm libcmr libofstd liboflog libcrmo_dcmtk libxml2 libicu; do
  opens_not version "$lib" "crmo --version"
done
traced score -- "$crmo" score "$src/examples/exams/P017-1.json" --json; status $? 0 "crmo score" "$TMP/score.out"
opens_not score "libdcm" "crmo score"
opens_not score "libcrmo_dcmtk" "crmo score"
traced phantom -- "$crmo" phantom "$TMP/ph" --stations 1 --lesions 1 --seed 5 --matrix 32 --pixel 8 --slices 4 --slice-mm 8
status $? 0 "crmo phantom" "$TMP/phantom.out"
opens_not phantom "libdcm" "crmo phantom (crmo's own DICOM writer)"
opens_not phantom "libcrmo_dcmtk" "crmo phantom"

# Commands that do.
"$crmo" deid keygen "$TMP/key" >/dev/null || fail "deid keygen"
traced deid -- "$crmo" deid dicom "$TMP/ph/dicom" "$TMP/deid" --key "$TMP/key"; status $? 0 "crmo deid dicom" "$TMP/deid.out"
opens deid "libcrmo_dcmtk.so" "crmo deid dicom loads the plugin"
opens deid "libdcmdata" "crmo deid dicom loads DCMTK"
n_in=$(find "$TMP/ph/dicom" -type f | wc -l) n_out=$(find "$TMP/deid" -name '*.dcm' | wc -l)
if [ "$n_in" -gt 0 ] && [ "$n_in" = "$n_out" ]; then pass; else fail "deid wrote $n_out of $n_in files"; fi

series=$("$py" -c "import pydicom,sys,pathlib; print(pydicom.dcmread(sorted(pathlib.Path(sys.argv[1]).rglob('*.dcm'))[0], stop_before_pixels=True).SeriesInstanceUID)" "$TMP/ph/dicom")
traced sr -- "$crmo" sr "$src/examples/exams/P017-1.json" --dicom "$TMP/ph/dicom" --series-uid "$series" --out "$TMP/sr.dcm"
status $? 0 "crmo sr" "$TMP/sr.out"
opens sr "libcrmo_dcmtk.so" "crmo sr loads the plugin"
opens sr "libdcmsr" "crmo sr loads DCMTK's SR library"
"$py" -c "import pydicom,sys; ds=pydicom.dcmread(sys.argv[1]); sys.exit(0 if ds.Modality=='SR' and ds.ContentSequence else 1)" "$TMP/sr.dcm" \
  && pass || fail "the SR written through the plugin is not an SR with content"

# Errors raised inside the plugin, caught by the command as before.
expect 2 "sr of a series that is not there (InputError from the plugin)" -- \
  "$crmo" sr "$src/examples/exams/P017-1.json" --dicom "$TMP/ph/dicom" --series-uid 1.2.3.4 --out "$TMP/none.dcm"
contains "$TMP/err" "--series-uid 1.2.3.4" "the bad option is named"
contains "$TMP/err" "no image of this series under $TMP/ph/dicom" "what is wrong with it"
[ ! -e "$TMP/none.dcm" ] && [ ! -e "$TMP/none.dcm.partial" ] && pass || fail "a report was written for a bad series"
mkdir -p "$TMP/burned"
"$py" -c "import pydicom,sys,pathlib; f=sorted(pathlib.Path(sys.argv[1]).rglob('*.dcm'))[0]; ds=pydicom.dcmread(f); ds.BurnedInAnnotation='YES'; ds.save_as(sys.argv[2])" \
  "$TMP/ph/dicom" "$TMP/burned/b.dcm"
expect 1 "deid of a file with burned-in annotation (std::runtime_error from the plugin)" -- \
  "$crmo" deid dicom "$TMP/burned" "$TMP/burned-out" --key "$TMP/key"
contains "$TMP/err" "crmo: error: $TMP/burned/b.dcm: Burned In Annotation is YES: pixel data may show identity; not exported" \
  "the file and the reason"
[ ! -e "$TMP/burned-out" ] && pass || fail "deid left an output folder after refusing a file"

# Without the plugin: hide its folder in a private mount namespace (root only; the build
# tree's folder is always searched, so it cannot be hidden otherwise).
if unshare -m true 2>/dev/null; then
  mkdir -p "$TMP/empty"
  hidden() { unshare -m sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh "$TMP/empty" "$plugin_dir" "$@"; }
  expect 1 "crmo sr without the plugin" -- hidden "$crmo" sr "$src/examples/exams/P017-1.json" --dicom "$TMP/ph/dicom" \
    --series-uid "$series" --out "$TMP/sr2.dcm"
  contains "$TMP/err" "the crmo plugin 'dcmtk'" "the loader's message names the plugin"
  contains "$TMP/err" "$plugin_dir/libcrmo_dcmtk.so: not there" "and every place it looked"
  expect 1 "crmo deid dicom without the plugin" -- hidden "$crmo" deid dicom "$TMP/ph/dicom" "$TMP/deid2" --key "$TMP/key"
  contains "$TMP/err" "could not be loaded" "deid says why"
  [ ! -e "$TMP/deid2" ] && [ ! -e "$TMP/sr2.dcm" ] && pass || fail "output written without the plugin"
  expect 0 "crmo score without the plugin" -- hidden "$crmo" score "$src/examples/exams/P017-1.json"
else
  echo "note: unshare -m is not permitted here; the missing-plugin checks were not run"
fi

summary dcmtk_plugin
