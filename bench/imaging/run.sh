#!/usr/bin/env bash
# crmo's imaging against the reference tools, in one run (docs/imaging.md has the figures):
#   bash bench/imaging/run.sh            (from anywhere; builds into BUILD)
# 1. crmo ingest of a 4-station x 40-slice x 384x384 STIR + T1 phantom vs dcm2niix on the
#    same files vs cat to /dev/null (page cache warm for all three; REPEATS runs each,
#    interleaved; best and median; dcm2niix -z n -b y writes uncompressed NIfTI and its
#    JSON sidecars, crmo uncompressed NIfTI, 3 PNGs and the manifest);
# 2. peak memory of crmo ingest (/usr/bin/time -v) vs the voxel bytes it writes;
# 3. region growing on the joined STIR vs ITK's ConnectedThresholdImageFilter, same seed
#    and thresholds, for a lesion and for the soft tissue of the whole body.
# BUILD (default build-bench), REPEATS (default 3), THREADS (crmo --threads, default 0 =
# all cores), CRMO (a crmo binary to time instead of building one), KEEP=1 keeps the
# work folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD=${BUILD:-$root/build-bench}
REPEATS=${REPEATS:-5}
THREADS=${THREADS:-0}
cmake -S "$root" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCRMO_BUILD_BENCH=ON > /dev/null
targets="bench_region_grow"
[ -z "${CRMO:-}" ] && targets="crmo $targets"
ninja -C "$BUILD" -t targets all | grep -q '^bench_itk_region_grow:' && targets="$targets bench_itk_region_grow"
ninja -C "$BUILD" $targets > /dev/null
crmo="${CRMO:-$BUILD/src/cli/crmo}"
W=$(mktemp -d)
[ "${KEEP:-0}" = 1 ] && echo "work folder: $W" || trap 'rm -rf "$W"' EXIT
now() { date +%s.%N; }
best() { sort -g | head -1; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

"$crmo" phantom "$W/ph" --stations 4 --lesions 3 --seed 1 --matrix 384 --slices 40 > /dev/null 2>&1
files=$(find "$W/ph/dicom" -type f | wc -l)
bytes=$(du -sb "$W/ph/dicom" | cut -f1)
echo "phantom: $files DICOM files, $((bytes / 1048576)) MiB (4 stations x 40 slices x 384x384, STIR + T1)"
echo "machine: $(nproc) cores; dcm2niix $(dcm2niix -v 2>/dev/null | grep -o 'v[0-9][0-9.]*' | head -1); crmo --threads $THREADS"
find "$W/ph/dicom" -type f -exec cat {} + > /dev/null  # warm the page cache

: > "$W/t_cat"; : > "$W/t_d2n"; : > "$W/t_crmo"
for r in $(seq "$REPEATS"); do
  t0=$(now); find "$W/ph/dicom" -type f -exec cat {} + > /dev/null; t1=$(now)
  echo "$t1 - $t0" | bc -l >> "$W/t_cat"
  rm -rf "$W/d2n"; mkdir -p "$W/d2n"
  t0=$(now); dcm2niix -z n -b y -o "$W/d2n" "$W/ph/dicom" > /dev/null 2>&1; t1=$(now)
  echo "$t1 - $t0" | bc -l >> "$W/t_d2n"
  rm -rf "$W/crmo"
  t0=$(now); "$crmo" ingest "$W/ph/dicom" --out "$W/crmo" --threads "$THREADS" > /dev/null 2>&1; t1=$(now)
  echo "$t1 - $t0" | bc -l >> "$W/t_crmo"
done
tc=$(best < "$W/t_cat"); td=$(best < "$W/t_d2n"); tm=$(best < "$W/t_crmo")
mc=$(median < "$W/t_cat"); md=$(median < "$W/t_d2n"); mm=$(median < "$W/t_crmo")
echo
echo "ingest ($REPEATS runs, seconds: best, median; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf "  %-34s %8.3f %8.3f\n" "cat to /dev/null" "$tc" "$mc" "dcm2niix -z n -b y (8 series)" "$td" "$md" \
  "crmo ingest (2 joined + pictures)" "$tm" "$mm"
echo "  crmo / dcm2niix = $(ratio "$tm" "$td") best, $(ratio "$mm" "$md") median   (target <= 1)"
echo "  crmo / cat      = $(ratio "$tm" "$tc") best, $(ratio "$mm" "$mc") median   (target <= 3)"
rm -rf "$W/d2n"; mkdir -p "$W/d2n"
/usr/bin/time -f "%U %S" -o "$W/cpu_d2n" dcm2niix -z n -b y -o "$W/d2n" "$W/ph/dicom" > /dev/null 2>&1 || true
rm -rf "$W/crmo_cpu"
/usr/bin/time -f "%U %S" -o "$W/cpu_crmo" "$crmo" ingest "$W/ph/dicom" --out "$W/crmo_cpu" --threads "$THREADS" > /dev/null 2>&1
echo "  CPU s (user sys): dcm2niix $(cat "$W/cpu_d2n"), crmo $(cat "$W/cpu_crmo")"

rm -rf "$W/crmo_mem"
/usr/bin/time -v "$crmo" ingest "$W/ph/dicom" --out "$W/crmo_mem" --threads "$THREADS" > /dev/null 2> "$W/time.txt"
rss_kb=$(grep 'Maximum resident set size' "$W/time.txt" | awk '{print $NF}')
vox=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['voxel_bytes_written'])" "$W/crmo_mem/manifest.json")
echo
echo "memory: peak RSS $((rss_kb / 1024)) MiB, volumes written $((vox / 1048576)) MiB: ratio $(ratio "$((rss_kb * 1024))" "$vox")   (target <= 1.5)"

# Region growing: seed and threshold as crmo measure finds them (muscle reference).
read -r muscle marrow seed < <(python3 -c "
import json,sys; t=json.load(open(sys.argv[1])); r=t['references']
print(','.join(map(str,r['muscle'])), ','.join(map(str,r['marrow'])), ','.join(map(str,t['lesions'][0]['center'])))" "$W/ph/truth.json")
"$crmo" measure "$W/crmo" --seed "$seed" --muscle "$muscle" --marrow "$marrow" --no-record --json > "$W/m.json" 2>/dev/null
"$crmo" measure "$W/crmo" --seed "$muscle" --threshold 60 --no-record --json > "$W/body.json" 2>/dev/null || true
vol="$W/crmo/$(python3 -c "import json,sys; print([v['file'] for v in json.load(open(sys.argv[1]))['volumes'] if v.get('stir')][0])" "$W/crmo/manifest.json")"
echo
echo "region growing on $(basename "$vol") (median of 7, ms; 6-connected, whole volume)"
for case in lesion body; do
  f=$W/m.json; [ $case = body ] && f=$W/body.json
  read -r i j k lo < <(python3 -c "
import json,sys; m=json.load(open(sys.argv[1])); v=m['seed_voxel']
print(v[0], v[1], v[2], m.get('threshold', 60))" "$f")
  c=$("$BUILD/bench/imaging/bench_region_grow" "$vol" "$i" "$j" "$k" "$lo" 65535 7)
  line=$(printf "  %-7s crmo %s" "$case" "$c")
  if [ -x "$BUILD/bench/imaging/bench_itk_region_grow" ]; then
    it=$("$BUILD/bench/imaging/bench_itk_region_grow" "$vol" "$i" "$j" "$k" "$lo" 65535 7)
    cm=${c##*median_ms=}; im=${it##*median_ms=}
    line="$line | ITK $it | ITK/crmo = $(ratio "$im" "$cm") (target >= 1)"
    [ "${c%% *}" = "${it%% *}" ] || line="$line  VOXEL COUNTS DIFFER"
  else
    line="$line | ITK not built (apt-get install libinsighttoolkit5-dev)"
  fi
  echo "$line"
done
