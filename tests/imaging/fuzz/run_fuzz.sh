#!/usr/bin/env bash
# Builds crmo's DICOM fuzz target with clang (libFuzzer + AddressSanitizer + UBSan) and
# runs it for a bounded time. Needs Debian's clang, libclang-rt-14-dev, libgdcm-dev.
#   bash tests/imaging/fuzz/run_fuzz.sh [SECONDS]        (default 60)
# A crash leaves crash-* in the work folder and fails the script; copy it into
# tests/imaging/fuzz/regressions/ so test_imaging replays it forever after.
set -euo pipefail
seconds="${1:-60}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="${CRMO_FUZZ_DIR:-${TMPDIR:-/tmp}/crmo-fuzz}"
cxx="${CRMO_FUZZ_CXX:-$(command -v clang++ || command -v clang++-14 || true)}"
if [[ -z "$cxx" ]]; then
  echo "run_fuzz.sh: clang++ not found; install Debian's clang and libclang-rt-14-dev" >&2
  exit 1
fi
mkdir -p "$work/obj" "$work/corpus"
src="$root/src/imaging"
# gdcm_codec (the GDCM plugin's code) is linked in directly, so the fuzz target decodes
# compressed pixels without loading the plugin (dicom_pixels.cpp's weak reference).
sources=(dicom_parse dicom_header siemens_csa dicom_pixels gdcm_codec dicom_series dicom_scan stations geometry volume)
echo "run_fuzz.sh: building the fuzz target with $cxx in $work"
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -I"$root/src" -I/usr/include/gdcm-3.0)
objs=()
pids=()
for s in "${sources[@]}"; do
  obj="$work/obj/$s.o"
  if [[ ! -f "$obj" || "$src/$s.cpp" -nt "$obj" || -n "$(find "$src" "$root/src/plugins" -name '*.hpp' -newer "$obj" -print -quit)" ]]; then
    "$cxx" "${flags[@]}" -c "$src/$s.cpp" -o "$obj" &
    pids+=($!)
    if (( ${#pids[@]} >= $(nproc) )); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  fi
  objs+=("$obj")
done
for p in "${pids[@]}"; do wait "$p"; done
"$cxx" "${flags[@]}" -DCRMO_PLUGIN_ABI='"fuzz"' -DCRMO_BUILD_PLUGIN_DIR='"."' -c "$root/src/plugins/loader.cpp" -o "$work/obj/loader.o"
objs+=("$work/obj/loader.o")
"$cxx" "${flags[@]}" -fsanitize=fuzzer "$here/fuzz_dicom.cpp" "${objs[@]}" \
  -lgdcmMSFF -lgdcmDSED -lgdcmCommon -lz -lpthread -o "$work/fuzz_dicom"
# Seeds: small real files (pydicom's test files, one file of each dcm_qa_nih vendor) and
# the broken-file shapes in regressions/.
pyd=/usr/lib/python3/dist-packages/pydicom/data/test_files
for f in MR_small.dcm MR_small_implicit.dcm MR_small_bigendian.dcm MR_small_RLE.dcm image_dfl.dcm \
         ExplVR_BigEndNoMeta.dcm MR_truncated.dcm rtplan.dcm emri_small_jpeg_2k_lossless.dcm; do
  [[ -f "$pyd/$f" ]] && cp -f "$pyd/$f" "$work/corpus/" || true
done
qa="$root/../shared/data/dicom/dcm_qa_nih/In"
[[ -d "$qa" ]] && cp -f "$qa/20180918Si/mr_0003/epi_pe_ap-00001.dcm" "$qa/20180918GE/mr_0004/"*-00001.dcm "$work/corpus/" 2>/dev/null || true
cp -f "$here/regressions/"* "$work/corpus/" 2>/dev/null || true
cd "$work"
rm -f crash-* leak-* timeout-* oom-*
echo "run_fuzz.sh: fuzzing for $seconds s"
status=0
ASAN_OPTIONS=detect_leaks=0 ./fuzz_dicom -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=2048 \
  -timeout=20 -print_final_stats=1 corpus || status=$?
found=$(ls crash-* leak-* timeout-* oom-* 2>/dev/null || true)
if [[ $status -ne 0 || -n "$found" ]]; then
  echo "run_fuzz.sh: the fuzz target failed (status $status); inputs: $work/$found" >&2
  echo "copy each into tests/imaging/fuzz/regressions/ under a telling name, fix, re-run" >&2
  exit 1
fi
echo "run_fuzz.sh: no crash in $seconds s"
