#!/usr/bin/env bash
# The main job: set up, build, run the seed study's analysis on the demo cohort
# (examples/demo-cohort: 54 synthetic patients, follow-ups, a second reader) and write
# its report; prints where to open it.
source "$(dirname "$0")/lib.sh"
install_packages "$CRMO_ROOT/scripts/debian-packages.txt"
build_crmo -DCRMO_BUILD_TESTS=OFF
CRMO="$CRMO_BUILD/src/cli/crmo"
OUT="$CRMO_BUILD/demo-report"
# The previous run's report (crmo never overwrites a report folder).
if [ -e "$OUT" ]; then
  [ -f "$OUT/report.html" ] || { echo "crmo: $OUT exists and is not a crmo report; move it away" >&2; exit 1; }
  rm -rf "$OUT"
fi
"$CRMO" cohort "$CRMO_ROOT/examples/demo-cohort" --out "$OUT" --pdf
# The embedded default store: the demo cohort in a fresh SQLite file, ready for the scoring page.
DB="$CRMO_BUILD/demo.db"
rm -f "$DB" "$DB".bak*
"$CRMO" import "$CRMO_ROOT/examples/demo-cohort" --db "$DB"
echo
echo "Report of the demo cohort: open file://$OUT/report.html"
echo "  (also $OUT/report.pdf; tables in $OUT/tables/)"
echo "The demo cohort is stored in $DB (SQLite). To score it in the browser:"
echo "  $CRMO user add me --role admin --db $DB && $CRMO serve --db $DB   # then open http://127.0.0.1:8042/"
