#!/usr/bin/env bash
# Usage: followup_cli_test.sh CRMO SOURCE_DIR. The follow-up, reader and instrument
# commands as a user runs them on a small cohort with follow-ups and two readers; the
# expected numbers are worked out by hand in the comments (rai-cromris unit scores).
set -u
CRMO=$1; SRC=$2
source "$(dirname "$0")/../lib/checks.sh"

C=$TMP/fu; mkdir -p "$C"
cat > "$C/exams.csv" <<'EOF'
patient_id,exam_id,exam_date,timepoint,reader,pga,pain,patient_global,chaq,esr,crp,fever,normal_blood_count
P1,P1-1,2021-01-10,baseline,R1,6,7,5,1,40,12,false,true
P1,P1-1,2021-01-10,baseline,R2,6,7,5,1,40,12,false,true
P1,P1-2,2021-07-10,6m,R1,3,2,2,0.9,18,4,false,true
P2,P2-1,2021-02-01,baseline,R1,4,5,4,0.5,20,5,false,true
P2,P2-1,2021-02-01,baseline,R2,4,5,4,0.5,20,5,false,true
P2,P2-2,2021-08-01,6m,R1,4,5,4,0.5,,5,false,true
EOF
# P1-1 R1: tibia 2+3+1 = 6, femur 2, fibula 2 -> 10, 3 lesions; R2: tibia 5, femur 2 -> 7.
# P1-2 R1: tibia 2 (improved), femur 4 (worsened), clavicle 2 (new), fibula resolved -> 8.
# P2: ilium 1+2 = 3 at both exams, both readers.
cat > "$C/lesions.csv" <<'EOF'
exam_id,reader,site,signal,extent,soft_tissue,volume_ml
P1-1,R1,tibia.distal_metaphysis:L,2,3,1,4
P1-1,R1,femur.distal_metaphysis:R,1,1,,1.5
P1-1,R1,fibula.diaphysis:L,1,1,,0.25
P1-1,R2,tibia.distal_metaphysis:L,2,2,1,4
P1-1,R2,femur.distal_metaphysis:R,1,1,,1.5
P1-2,R1,tibia.distal_metaphysis:L,1,1,,1
P1-2,R1,femur.distal_metaphysis:R,2,2,,2
P1-2,R1,clavicle.medial:R,1,1,,0.5
P2-1,R1,ilium:L,1,2,,
P2-1,R2,ilium:L,1,2,,
P2-2,R1,ilium:L,1,2,,
EOF

for cmd in compare patient followup clinical consensus agreement; do expect 0 "$cmd --help" -- "$CRMO" $cmd --help; done

# --- compare --------------------------------------------------------------------------
expect 0 "compare --json" -- "$CRMO" compare "$C" --from P1-1 --to P1-2 --reader R1 --json
cp "$TMP/out" "$TMP/compare.json"
json_is "$TMP/compare.json" 'd["from"] == "P1-1" and d["to"] == "P1-2"' "compare ids"
json_is "$TMP/compare.json" 'd["rai_change"] == -2 and d["lesion_count_change"] == 0' "RAI 10 -> 8, lesions 3 -> 3"
json_is "$TMP/compare.json" '{s["site"]: s["change"] for s in d["sites"]} == {"clavicle.medial:R": "new", "femur.distal_metaphysis:R": "worsened", "tibia.distal_metaphysis:L": "improved", "fibula.diaphysis:L": "resolved"}' "every site change"
json_is "$TMP/compare.json" 'd["pedcno"] == {**d["pedcno"], "status": "met", "level": 50, "missing": []}' "PedCNO50 (esr 55 %, pga 50 %, patient global 60 %)"
json_is "$TMP/compare.json" 'abs(d["volume_change_ml"] - (3.5 - 5.75)) < 1e-12' "volume 5.75 -> 3.5 mL"
expect 0 "compare text" -- "$CRMO" compare "$C" --from P1-1 --to P1-2 --reader R1
contains "$TMP/out" "RAI-CROMRIS  10 -> 8 (-2)" "compare text totals"
contains "$TMP/out" "PedCNO50 met" "compare text PedCNO"
expect 2 "compare without a reader where two read" -- "$CRMO" compare "$C" --from P1-1 --to P1-2
contains "$TMP/err" "choose one with --reader" "reader asked for"
# P2: ESR missing at follow-up; nothing else improves: not met whatever ESR does.
expect 0 "compare P2" -- "$CRMO" compare "$C" --from P2-1 --to P2-2 --reader R1 --json
json_is "$TMP/out" 'd["pedcno"]["status"] == "not_met" and d["pedcno"]["missing"] == ["esr"]' "P2 not met, esr named"
json_is "$TMP/out" 'd["sites"][0]["change"] == "stable"' "P2 stable"
expect 2 "compare two patients" -- "$CRMO" compare "$SRC/examples/exams/P017-1.json" "$SRC/examples/exams/P021-1.json"
contains "$TMP/err" "two exams of one patient" "compare refuses two patients"

# --- patient ----------------------------------------------------------------------------
expect 0 "patient" -- "$CRMO" patient P1 "$C"
contains "$TMP/out" "patient P1: 2 exam(s)" "patient exam count"
contains "$TMP/out" "P1-1 -> P1-2: RAI-CROMRIS -2" "patient step"
expect 0 "patient --json" -- "$CRMO" patient P1 "$C" --reader R1 --json
json_is "$TMP/out" '[e["rai_total"] for e in d["exams"]] == [10, 8]' "timeline totals"
expect 2 "unknown patient" -- "$CRMO" patient P404 "$C"

# --- followup ---------------------------------------------------------------------------
expect 0 "followup --json" -- "$CRMO" followup "$C" --from baseline --to 6m --json
json_is "$TMP/out" 'd["patients_paired"] == 2 and d["pedcno"]["met"] == 1 and d["pedcno"]["not_met"] == 1' "two pairs, PedCNO counts"
json_is "$TMP/out" '[t["measure"] for t in d["paired_tests"]] == ["rai_total", "lesion_count"]' "paired tests listed"

# --- clinical ---------------------------------------------------------------------------
expect 0 "clinical --json" -- "$CRMO" clinical "$C" --exam P1-2 --baseline P1-1 --reader R1 --json
cp "$TMP/out" "$TMP/clinical.json"
json_is "$TMP/clinical.json" 'd["exam_id"] == "P1-2" and [i["name"] for i in d["instruments"]] == ["clinical-severity", "cdas", "pedcno", "jansson", "bristol", "eular-acr-2025"]' "six instruments"
# clinical-severity: pga 3 + pain 2 + 0 symptomatic sites = 5.
json_is "$TMP/clinical.json" '[i for i in d["instruments"] if i["name"] == "clinical-severity"][0]["value"] == 5' "composite 5"
json_is "$TMP/clinical.json" '[i for i in d["instruments"] if i["name"] == "pedcno"][0]["value"] == 50' "PedCNO50 via clinical"
json_is "$TMP/clinical.json" '[i for i in d["instruments"] if i["name"] == "eular-acr-2025"][0]["status"] == "points_table_not_loaded"' "EULAR points not loaded"
# Jansson: blood count 13 + temperature 9 + >1 lesion 7, marginal sclerosis unknown
# (0 or 10), CRP 4 mg/L: 29 or 39 -> undetermined, marginal_sclerosis named.
json_is "$TMP/clinical.json" '[i for i in d["instruments"] if i["name"] == "jansson"][0]["status"] == "undetermined" and "marginal_sclerosis" in [i for i in d["instruments"] if i["name"] == "jansson"][0]["missing"]' "Jansson undetermined"
expect 0 "clinical text" -- "$CRMO" clinical "$C" --exam P1-2 --reader R1
contains "$TMP/out" "points table not loaded" "points table message"
contains "$TMP/out" "crmo's own" "composite labelled"
cat > "$TMP/points.json" <<'EOF'
{"format": "crmo.points/1", "instrument": "eular-acr-2025", "points": {"site_spine": 10}}
EOF
expect 2 "incomplete points table" -- "$CRMO" clinical "$C" --exam P1-2 --reader R1 --points "$TMP/points.json"
contains "$TMP/err" "no points for" "missing points named"
expect 2 "bad --set" -- "$CRMO" clinical "$C" --exam P1-2 --reader R1 --set onset_age_years=abc

# --- agreement --------------------------------------------------------------------------
expect 0 "agreement --json" -- "$CRMO" agreement "$C" --json
cp "$TMP/out" "$TMP/agreement.json"
json_is "$TMP/agreement.json" 'd["readers"] == ["R1", "R2"] and d["exam_ids"] == ["P1-1", "P2-1"] and len(d["exams_left_out"]) == 2' "readers and exams"
# Totals R1 10, 3; R2 7, 3: differences -3, 0 -> bias -1.5, SD sqrt(4.5).
json_is "$TMP/agreement.json" 'abs(d["bland_altman"][0]["bias"] + 1.5) < 1e-12 and abs(d["bland_altman"][0]["sd"] - 4.5 ** 0.5) < 1e-12' "Bland-Altman bias and SD"
json_is "$TMP/agreement.json" 'len(d["icc"]["forms"]) == 6 and [c for c in d["categories"] if c["category"] == "tibia"][0]["items"] == 20 and [c for c in d["categories"] if c["category"] == "tibia"][0]["abnormal_items"] == 1' "ICC forms; tibia: 2 exams x 10 sites, 1 abnormal"
expect 0 "agreement --out" -- "$CRMO" agreement "$C" --out "$TMP/agr"
for f in agreement.html agreement.json agreement_categories.csv agreement_totals.csv bland-altman-R1-R2.svg; do
  [ -s "$TMP/agr/$f" ] && passes=$((passes+1)) || { fails=$((fails+1)); echo "FAIL: agreement --out wrote no $f"; }
done
contains "$TMP/agr/agreement.html" "Bland-Altman" "HTML has the plot"
contains "$TMP/agr/bland-altman-R1-R2.svg" "<svg" "SVG written"
expect 2 "agreement with one reader" -- "$CRMO" agreement "$C" --readers R1
contains "$TMP/err" "at least two readers" "one reader explained"
expect 2 "agreement without common exams" -- "$CRMO" agreement "$SRC/examples/exams"
contains "$TMP/err" "no exam was read by every chosen reader" "no common exam explained"

# --- consensus --------------------------------------------------------------------------
expect 0 "consensus pending" -- "$CRMO" consensus "$C" --exam P1-1 --readers R1,R2 --out "$TMP/c.json"
contains "$TMP/out" "1 site(s) agreed, 2 disagreement(s): 0 resolved, 2 pending" "consensus counts"
contains "$TMP/out" "extent: 3 vs 2" "tibia extent disagreement"
contains "$TMP/c.json" '"reader": "consensus-pending"' "pending reading labelled"
[ -s "$TMP/c.adjudication.json" ] && passes=$((passes+1)) || { fails=$((fails+1)); echo "FAIL: no worksheet"; }
expect 2 "worksheet not filled in" -- "$CRMO" consensus "$C" --exam P1-1 --readers R1,R2 --adjudication "$TMP/c.adjudication.json"
contains "$TMP/err" "not chosen yet" "unfilled choice named"
sed 's/"choice": null/"choice": "a"/' "$TMP/c.adjudication.json" > "$TMP/adj.json"
expect 0 "consensus adjudicated" -- "$CRMO" consensus "$C" --exam P1-1 --readers R1,R2 --adjudication "$TMP/adj.json" --out "$TMP/c2.json" --json
json_is "$TMP/out" 'd["complete"] and d["sites_resolved"] == 2 and d["reader"] == "consensus"' "adjudicated consensus complete"
expect 0 "consensus reading scores as R1's" -- "$CRMO" score "$TMP/c2.json" --json
json_is "$TMP/out" 'd["exams"][0]["rai_total"] == 10' "consensus total 10"
expect 0 "consensus by rule" -- "$CRMO" consensus "$C" --exam P1-1 --readers R1,R2 --rule lower --json
json_is "$TMP/out" 'd["complete"] and d["sites_pending"] == 0' "rule lower resolves all"
expect 2 "consensus of unknown exam" -- "$CRMO" consensus "$C" --exam P9-1 --readers R1,R2

# --- blinded reading list ---------------------------------------------------------------
expect 0 "blind --out" -- "$CRMO" blind "$C" --reader R2 --out "$TMP/blind"
contains "$TMP/out" "wrote 2 blinded exam document(s)" "R2 has two unread exams"
json_is "$TMP/blind/P1-2.json" 'd["exam"]["reader"] == "R2" and d["lesions"] == [] and "pga" not in d.get("clinical", {})' "nothing of R1 or of the clinic shows"
expect 0 "blinded documents are valid exams" -- "$CRMO" validate "$TMP/blind"
expect 0 "blind one exam" -- "$CRMO" blind "$C" --reader R2 --exam P1-1
json_is "$TMP/out" 'len(d["lesions"]) == 2 and d["lesions"][0]["extent"] == 2' "R2 sees only its own reading"

summary "followup_cli_test"
