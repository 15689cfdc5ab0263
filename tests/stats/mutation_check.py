#!/usr/bin/env python3
"""Do the R checks catch a wrong p-value? (issue 3, "Done when", checked by hand.)

    python3 tests/stats/mutation_check.py [BUILD_DIR]      (from the repository root)

Copies src/core/stats and tests/stats to BUILD_DIR (default /tmp/crmo-mutation), builds
the statistics tests there with g++ (the working tree is never touched), runs them once
unchanged (they must pass), then once per mutant: one test's p-value multiplied by
1.001 (a 0.1 % error, above the 4-significant-digit tolerance). Each mutant must make
the golden-value test and the live R cross-check of its family fail. Prints a table and
exits 1 if any mutant survives. Needs Rscript, g++, libgtest-dev, libfmt-dev, Boost.
CRMO_LIVE_CASES (default here 150) sets the live cases per family.
"""
import os
import shutil
import subprocess
import sys

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
work = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "/tmp/crmo-mutation")
os.environ.setdefault("CRMO_LIVE_CASES", "150")

# (name, file, exact text, which occurrence (0-based), replacement, gtest families)
E = " * 1.001"
MUTANTS = [
    ("Spearman exact permutation (default)", "spearman.cpp", "res.p_value = two_sided_or(exact_tail);", 0,
     "res.p_value = two_sided_or(exact_tail)" + E + ";", ["spearman_default"], True),
    ("Spearman AS 89 Edgeworth (R's)", "spearman.cpp", "return as89_edgeworth(n, is, lower_tail);", 0,
     "return as89_edgeworth(n, is, lower_tail)" + E + ";", ["spearman"], False),
    ("Spearman R exact n <= 9", "spearman.cpp", "return lower_tail ? 1.0 - upper : upper;", 0,
     "return (lower_tail ? 1.0 - upper : upper)" + E + ";", ["spearman"], False),
    ("Spearman t approximation", "spearman.cpp", "res.p_value = two_sided_or(t_tail);", 0,
     "res.p_value = two_sided_or(t_tail)" + E + ";", ["spearman", "spearman_default"], False),
    ("Kendall exact", "kendall.cpp", "return static_cast<double>(p / std::tgamma(static_cast<long double>(n) + 1));", 0,
     "return static_cast<double>(p / std::tgamma(static_cast<long double>(n) + 1))" + E + ";", ["kendall"], False),
    ("Kendall normal", "kendall.cpp",
     "case Alternative::two_sided: res.p_value = 2 * std::min(dist::pnorm(z), dist::pnorm(z, false));", 0,
     "case Alternative::two_sided: res.p_value = 2 * std::min(dist::pnorm(z), dist::pnorm(z, false))" + E + ";",
     ["kendall"], False),
    ("Pearson t", "pearson.cpp",
     "case Alternative::two_sided: res.p_value = 2 * std::min(dist::pt(t, df), dist::pt(t, df, false));", 0,
     "case Alternative::two_sided: res.p_value = 2 * std::min(dist::pt(t, df), dist::pt(t, df, false))" + E + ";",
     ["pearson"], False),
    ("Mann-Whitney exact", "wilcoxon.cpp", "res.p_value = std::min(2 * p, 1.0);", 0,
     "res.p_value = std::min(2 * p, 1.0)" + E + ";", ["mann_whitney"], False),
    ("Mann-Whitney normal", "wilcoxon.cpp", "res.p_value = normal_p(z, options.alternative);", 0,
     "res.p_value = normal_p(z, options.alternative)" + E + ";", ["mann_whitney"], False),
    ("Wilcoxon signed rank exact", "wilcoxon.cpp", "res.p_value = std::min(2 * p, 1.0);", 1,
     "res.p_value = std::min(2 * p, 1.0)" + E + ";", ["wilcoxon"], False),
    ("Wilcoxon signed rank normal", "wilcoxon.cpp", "res.p_value = normal_p(z, options.alternative);", 1,
     "res.p_value = normal_p(z, options.alternative)" + E + ";", ["wilcoxon"], False),
    ("Kruskal-Wallis", "kruskal.cpp", "res.p_value = dist::pchisq(stat, df, false);", 0,
     "res.p_value = dist::pchisq(stat, df, false)" + E + ";", ["kruskal"], False),
    ("Fisher 2 x 2", "fisher.cpp", "res.p_value = static_cast<double>(s);", 0,
     "res.p_value = static_cast<double>(s)" + E + ";", ["fisher"], False),
    ("Fisher r x c", "fisher.cpp", "res.p_value = std::clamp(static_cast<double>(p), 0.0, 1.0);", 0,
     "res.p_value = std::clamp(static_cast<double>(p), 0.0, 1.0)" + E + ";", ["fisher"], False),
    ("chi-square", "chisq.cpp", "res.p_value = dist::pchisq(static_cast<double>(stat), df, false);", 0,
     "res.p_value = dist::pchisq(static_cast<double>(stat), df, false)" + E + ";", ["chisq"], False),
    ("Holm", "p_adjust.cpp", "out[o[i]] = std::min(1.0, running);", 0,
     "out[o[i]] = std::min(1.0, running)" + E + ";", ["holm"], False),
    ("Benjamini-Hochberg", "p_adjust.cpp", "out[o[k]] = std::min(1.0, running);", 0,
     "out[o[k]] = std::min(1.0, running)" + E + ";", ["bh"], False),
    ("ICC F tests", "icc.cpp", "const double p11 = dist::pf(f11, df11n, df11d, false),", 0,
     "const double p11 = dist::pf(f11, df11n, df11d, false)" + E + ",", ["icc"], False),
]

STATS = os.path.join(root, "src", "core", "stats")
TESTS = os.path.join(work, "tests", "stats")  # a copy, like the sources: stable while others edit
FLAGS = ["-std=c++20", "-O2", "-I", os.path.join(work, "src"), f'-DCRMO_STATS_TEST_DIR="{TESTS}"']


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def obj(src):
    return os.path.join(work, "obj", os.path.basename(os.path.dirname(src)) + "_" + os.path.basename(src) + ".o")


def compile_one(src, out):
    sh(["g++", *FLAGS, "-c", src, "-o", out])


def link(objects, exe):
    sh(["g++", "-o", exe, *objects, "-lgtest", "-lgtest_main", "-lfmt", "-pthread"])


def run_tests(exe, families, exact_tests):
    flt = "RGolden.*:" + ":".join(f"Families/RLive.AgreesWithR/{f}" for f in families)
    if exact_tests:
        flt += ":SpearmanExact.*"
    p = subprocess.run([exe, f"--gtest_filter={flt}", "--gtest_brief=1"], capture_output=True, text=True)
    failed = sorted({line.split("]", 1)[1].strip().split(" ")[0].rstrip(",")
                     for line in p.stdout.splitlines()
                     if line.startswith("[  FAILED  ]") and "FAILED TEST" not in line and "listed below" not in line})
    return p.returncode, failed


# CRMO_MUTATION_REUSE=1 keeps an earlier copy and its objects (same sources only).
reuse = os.environ.get("CRMO_MUTATION_REUSE") == "1" and os.path.isdir(os.path.join(work, "obj"))
if not reuse:
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "obj"))
    shutil.copytree(STATS, os.path.join(work, "src", "core", "stats"))
    shutil.copytree(os.path.join(root, "tests", "stats"), TESTS)
sources = [os.path.join(work, "src", "core", "stats", f)
           for f in sorted(os.listdir(os.path.join(work, "src", "core", "stats"))) if f.endswith(".cpp")]
sources += [os.path.join(TESTS, f) for f in ("families.cpp", "test_spearman_exact.cpp", "test_unit.cpp",
                                             "test_golden.cpp", "test_r_live.cpp")]
print(f"building the statistics tests in {work} ...", flush=True)
for s in sources:
    if not (reuse and os.path.exists(obj(s))):
        compile_one(s, obj(s))
objects = [obj(s) for s in sources]
exe = os.path.join(work, "test_stats")
link(objects, exe)
rc, failed = run_tests(exe, sorted({f for m in MUTANTS for f in m[5]}), True)
if rc != 0:
    print("the unchanged tests fail, so mutants prove nothing:", failed)
    sys.exit(1)
print("unchanged: golden, live and exact tests pass\n")
print(f"{'mutant (p-value x 1.001)':40} {'golden':8} {'live R':8} other failing tests")
survivors = 0
for name, fname, old, nth, new, families, exact_tests in MUTANTS:
    path = os.path.join(work, "src", "core", "stats", fname)
    pristine = os.path.join(work, "pristine_" + fname)
    if not os.path.exists(pristine):
        shutil.copy(path, pristine)
    with open(pristine) as f:
        text = f.read()
    start = -1
    for _ in range(nth + 1):
        start = text.find(old, start + 1)
    if start < 0:
        print(f"{name:40} MUTATION POINT NOT FOUND (source changed?)")
        survivors += 1
        continue
    with open(path, "w") as f:
        f.write(text[:start] + new + text[start + len(old):])
    mutant_obj = os.path.join(work, "obj", "mutant.o")
    compile_one(path, mutant_obj)
    link([mutant_obj if o == obj(path) else o for o in objects], exe)
    rc, failed = run_tests(exe, families, exact_tests)
    shutil.copy(pristine, path)  # restore for the next mutant
    golden = any(t.startswith("RGolden") for t in failed)
    live = any(t.startswith("Families/RLive") for t in failed)
    other = [t for t in failed if not t.startswith("RGolden") and not t.startswith("Families/RLive")]
    if not (golden and live):
        survivors += 1
    print(f"{name:40} {'FAIL' if golden else 'pass':8} {'FAIL' if live else 'pass':8} {', '.join(other)}", flush=True)
print(f"\n{len(MUTANTS) - survivors} of {len(MUTANTS)} mutants made both the golden and the live R check fail")
sys.exit(1 if survivors else 0)
