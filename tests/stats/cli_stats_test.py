#!/usr/bin/env python3
"""`crmo stats` as a user runs it: every TEST on a small cohort table (with missing
values) against R run on the same file, the JSON keys of formats.md, the exact Spearman
default and --r-compatible, and clear errors (exit status 2) for degenerate input.

    python3 cli_stats_test.py CRMO DATA_DIR
The R comparisons need Rscript (CI installs r-base-core); without it they are skipped
and said so, the other checks still run.
"""
import json
import math
import os
import shutil
import subprocess
import sys

crmo, data = sys.argv[1], sys.argv[2]
cohort = os.path.join(data, "cohort.csv")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(*args):
    p = subprocess.run([crmo, "stats", *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def run_json(*args):
    rc, out, err = run(*args, "--json")
    check(rc == 0, f"crmo stats {' '.join(args)} exited {rc}: {err}")
    return json.loads(out) if rc == 0 else None, err


# Each case: crmo arguments, the R call on d = read.csv(cohort.csv) giving c(estimate,
# statistic, parameter, p.value, conf.int) (NA where R has none).
R_PRE = 'd <- read.csv("%s", na.strings = c("", "NA")); ' % cohort
CASES = {
    "spearman": (["--x", "lesions", "--y", "severity"],
                 'r <- suppressWarnings(cor.test(d$lesions, d$severity, method = "spearman")); '
                 'n <- sum(complete.cases(d$lesions, d$severity)); '
                 'c(r$estimate, r$statistic, NA, r$p.value, tanh(atanh(r$estimate) + c(-1, 1) * qnorm(0.975) * sqrt(1.06 / (n - 3))))'),
    "kendall": (["--x", "lesions", "--y", "pga", "--alternative", "greater"],
                'r <- suppressWarnings(cor.test(d$lesions, d$pga, method = "kendall", alternative = "greater")); '
                'c(r$estimate, r$statistic, NA, r$p.value, NA, NA)'),
    "pearson": (["--x", "rai", "--y", "severity"],
                'r <- cor.test(d$rai, d$severity); c(r$estimate, r$statistic, r$parameter, r$p.value, r$conf.int)'),
    "mann-whitney": (["--x", "severity", "--group", "unifocal"],
                     'r <- suppressWarnings(wilcox.test(d$severity[d$unifocal == "no"], d$severity[d$unifocal == "yes"])); '
                     'c(NA, r$statistic, NA, r$p.value, NA, NA)'),
    "wilcoxon": (["--x", "rai", "--y", "rai_followup", "--alternative", "less"],
                 'r <- suppressWarnings(wilcox.test(d$rai, d$rai_followup, paired = TRUE, alternative = "less")); '
                 'c(NA, r$statistic, NA, r$p.value, NA, NA)'),
    "kruskal": (["--x", "severity", "--group", "spine"],
                'r <- kruskal.test(split(d$severity, d$spine)); c(NA, r$statistic, r$parameter, r$p.value, NA, NA)'),
    "fisher": (["--x", "unifocal", "--y", "spine"],
               'r <- fisher.test(table(d$unifocal, d$spine)); c(r$estimate, NA, NA, r$p.value, r$conf.int)'),
    "chisq": (["--x", "unifocal", "--y", "spine"],
              'r <- suppressWarnings(chisq.test(table(d$unifocal, d$spine))); c(NA, r$statistic, r$parameter, r$p.value, NA, NA)'),
}
KEYS = ["test", "method", "exact", "n", "alternative", "estimate", "statistic", "parameter", "p_value", "conf_int"]


def r_values():
    if not shutil.which("Rscript"):
        print("SKIP: Rscript not installed, crmo stats not compared with R")
        return None
    script = R_PRE + "".join(
        'v <- local({ %s }); cat("%s", sprintf("%%.17g", as.numeric(v)), "\\n"); ' % (call, name)
        for name, (_, call) in CASES.items())
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout
    num = lambda w: math.nan if w in ("NA", "NaN") else float(w)
    return {line.split()[0]: [num(w) for w in line.split()[1:]] for line in out.splitlines() if line.strip()}


def agree(a, b, rel):
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None
    return a is not None and (abs(a - b) <= 1e-12 or abs(a - b) <= rel * max(abs(a), abs(b)))


expected = r_values()
for name, (args, call) in CASES.items():
    j, err = run_json(name, cohort, *args)
    if j is None:
        continue
    check(list(j.keys())[:len(KEYS)] == KEYS, f"{name}: JSON keys {list(j.keys())} do not start with {KEYS}")
    check(j["test"] == name, f"{name}: test is {j['test']}")
    check(isinstance(j["exact"], bool) and isinstance(j["n"], int), f"{name}: exact/n types")
    if expected:
        want = expected[name]
        ci = j["conf_int"] or [None, None]
        got = [j["estimate"], j["statistic"], j["parameter"], j["p_value"], ci[0], ci[1]]
        for label, g, w, rel in zip(["estimate", "statistic", "parameter", "p_value", "conf_int[0]", "conf_int[1]"],
                                    got, want, [1e-6, 1e-6, 1e-6, 1e-4, 1e-6, 1e-6]):
            check(agree(g, w, rel), f"{name} {label}: crmo {g}, R {w} (R: {call})")

# Missing values: dropped pairwise, counted, reported (lesions row 20, severity rows 3 and 11).
j, err = run_json("spearman", cohort, "--x", "lesions", "--y", "severity")
check(j and j["n"] == 21 and j["n_missing"] == 3, f"spearman n/n_missing: {j and (j['n'], j['n_missing'])}")
check("3 observations with a missing value dropped" in err, f"missing values not reported on stderr: {err!r}")
rc, out, err = run("spearman", cohort, "--x", "lesions", "--y", "severity")
check(rc == 0 and "n = 21 (3 missing dropped)" in out, f"text output does not report missing values: {out!r}")
j, err = run_json("kruskal", cohort, "--x", "severity", "--group", "spine")
check(j and j["n"] == 21 and j["n_missing"] == 3, f"kruskal n/n_missing: {j and (j['n'], j['n_missing'])}")

# Exact Spearman by default (x = 1..10, y = 2,1,4,3,...: exact two-sided p = 2 * 373 / 10!).
far = os.path.join(data, "far_tail.csv")
j, err = run_json("spearman", far, "--x", "x", "--y", "y")
check(j and j["exact"] is True and "exact permutation" in j["method"], f"far tail default not exact: {j}")
check(j and abs(j["p_value"] - 2 * 373 / math.factorial(10)) < 1e-15, f"far tail exact p: {j and j['p_value']}")
j, err = run_json("spearman", far, "--x", "x", "--y", "y", "--r-compatible")
check(j and j["exact"] is False and "AS 89" in j["method"], f"--r-compatible not AS 89: {j}")
check(j and j["p_value"] == 0, f"--r-compatible should give R's p = 0: {j and j['p_value']}")
check("warning" in err and "0.0002056" in err, f"--r-compatible gives no warning with the exact value: {err!r}")
check(j and any("exact permutation p-value" in w for w in j["warnings"]), f"warning missing from JSON: {j}")

# Degenerate input: a clear error naming the file and the column, exit status 2.
rc, out, err = run("spearman", cohort, "--x", "constant", "--y", "severity")
check(rc == 2 and "cohort.csv" in err and "constant" in err and "R gives NA" in err, f"constant column: {rc} {err!r}")
rc, out, err = run("pearson", far, "--x", "x", "--y", "nope")
check(rc == 2 and "no column 'nope'" in err and "x, y" in err, f"unknown column: {rc} {err!r}")
rc, out, err = run("spearman", os.path.join(data, "bad_number.csv"), "--x", "a", "--y", "b")
check(rc == 2 and "line 3" in err and "'x3' is not a number" in err, f"bad number: {rc} {err!r}")
rc, out, err = run("mann-whitney", cohort, "--x", "severity", "--group", "patient")
check(rc == 2 and "exactly 2 groups" in err, f"too many groups: {rc} {err!r}")
rc, out, err = run("spearman", cohort, "--x", "lesions")
check(rc == 2 and "--y" in err, f"missing --y: {rc} {err!r}")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
