#!/usr/bin/env bash
# An installed crmo (cmake --install: bin/crmo, lib/crmo/libcrmo_*.so) finds its plugins
# beside itself, loads none of them for a command that needs none, and the GDCM plugin
# (from the installed folder, not the build tree) for a compressed DICOM file.
#   bash installed_layout.sh BUILD_DIR
set -uo pipefail
build="$1"
source "$(dirname "$0")/../lib/checks.sh"
prefix="$TMP/prefix"
if cmake --install "$build" --prefix "$prefix" > "$TMP/install.log"; then pass; else fail "cmake --install failed"; fi
crmo="$prefix/bin/crmo"
expect 0 "installed crmo runs" -- "$crmo" --version
for p in gdcm dcmtk dicomweb postgresql server; do
  if [[ -f "$prefix/lib/crmo/libcrmo_$p.so" ]]; then pass; else fail "plugin $p not in $prefix/lib/crmo"; fi
done

LD_DEBUG=files "$crmo" --version > /dev/null 2> "$TMP/version.ld"
if grep -q "libcrmo_" "$TMP/version.ld"; then fail "crmo --version loaded a plugin"; else pass; fi

mkdir -p "$TMP/dicom"
cp /usr/lib/python3/dist-packages/pydicom/data/test_files/MR_small_jpeg_ls_lossless.dcm "$TMP/dicom/"
LD_DEBUG=files "$crmo" ingest "$TMP/dicom" --out "$TMP/ingested" > "$TMP/ingest.out" 2> "$TMP/ingest.ld"
contains "$TMP/ingest.ld" "file=$prefix/lib/crmo/libcrmo_gdcm.so" "a JPEG-LS file loads the installed GDCM plugin"
if grep -q "file=$build/lib/crmo/" "$TMP/ingest.ld"; then fail "the build tree's plugin was loaded"; else pass; fi
json_is "$TMP/ingested/manifest.json" "len(d['volumes']) == 1 and len(d['problems']) == 0" "the compressed file decoded"
# crmo plugins lists every plugin the build installs, each from the installed folder; one
# removed from there is found next in the build tree (the search order).
"$crmo" plugins --json > "$TMP/plugins.json"; status=$?
if [ "$status" = 0 ]; then pass; else fail "crmo plugins exited $status"; fi
installed=$(cd "$prefix/lib/crmo" && ls libcrmo_*.so | sed 's/^libcrmo_//; s/\.so$//' | sort | tr '\n' ' ')
json_is "$TMP/plugins.json" "sorted(p['name'] for p in d) == '$installed'.split()" "crmo plugins lists what is installed ($installed)"
json_is "$TMP/plugins.json" "all(p['path'].startswith('$prefix/lib/crmo/') for p in d)" "every plugin from the installed folder"
rm "$prefix/lib/crmo/libcrmo_dcmtk.so"
"$crmo" plugins --json > "$TMP/plugins2.json"
json_is "$TMP/plugins2.json" "[p['path'] for p in d if p['name'] == 'dcmtk'] == ['$build/lib/crmo/libcrmo_dcmtk.so']" \
  "a plugin missing from the installed folder comes from the build tree"
summary installed_layout
