# Recomputes, in R from the cohort's own files (exams.csv, lesions.csv), a few figures of
# `crmo cohort` and compares them with crmo's tables (DIR/tables/*.csv).
# Nothing here reuses crmo's code: lesion counts, RAI-CROMRIS, the composite severity,
# bones and regions are worked out from the spec (scoring.md, analysis.md, atlas.md).
# Usage: Rscript cohort_r_check.R COHORT_DIR REPORT_DIR
args <- commandArgs(trailingOnly = TRUE)
cohort <- args[1]; report <- args[2]
ex <- read.csv(file.path(cohort, "exams.csv"), stringsAsFactors = FALSE, na.strings = "")
le <- read.csv(file.path(cohort, "lesions.csv"), stringsAsFactors = FALSE, na.strings = "")
if (!"reader" %in% names(le)) le$reader <- ex$reader[match(le$exam_id, ex$exam_id)]
tab <- function(name) read.csv(file.path(report, "tables", name), stringsAsFactors = FALSE, na.strings = "")
failures <- 0
check <- function(what, crmo, r, rel = 1e-6, abs = 0) {
  ok <- isTRUE(abs(crmo - r) <= max(abs, rel * abs(r)))
  cat(sprintf("%-58s crmo %-14.8g R %-14.8g %s\n", what, crmo, r, if (ok) "ok" else "MISMATCH"))
  if (!ok) failures <<- failures + 1
}

# One reading per exam: the consensus, else the reader sorting first (R1 here); then each
# patient's first exam by date (analysis.md conventions).
ex <- ex[order(ex$exam_id, ex$reader != "consensus", ex$reader), ]
ex <- ex[!duplicated(ex$exam_id), ]
ex <- ex[order(ex$patient_id, as.Date(ex$exam_date), ex$exam_id), ]
base <- ex[!duplicated(ex$patient_id), ]
le <- le[paste(le$exam_id, le$reader) %in% paste(base$exam_id, base$reader) & le$signal >= 1, ]
z <- function(v) ifelse(is.na(v), 0, v)

# Per exam: lesion count (sites merged by lesion label), RAI-CROMRIS (scoring.md: signal +
# extent + max(soft tissue, periosteal) + expansion or collapse), symptomatic sites.
le$label <- ifelse(is.na(le$lesion), le$site, le$lesion)
le$score <- z(le$signal) + z(le$extent) + pmax(z(le$soft_tissue), z(le$periosteal)) + z(le$expansion) + z(le$collapse)
base$lesion_count <- sapply(base$exam_id, function(id) length(unique(le$label[le$exam_id == id])))
base$rai_total <- sapply(base$exam_id, function(id) sum(le$score[le$exam_id == id]))
sympt <- function(i) {
  listed <- if (is.null(base$symptomatic_sites) || is.na(base$symptomatic_sites[i])) character(0)
            else trimws(strsplit(base$symptomatic_sites[i], ";")[[1]])
  flagged <- le$site[le$exam_id == base$exam_id[i] & !is.na(le$symptomatic) & le$symptomatic %in% c(TRUE, "true")]
  length(unique(c(listed, flagged)))
}
base$severity <- if (is.null(base$clinical_severity)) NA else base$clinical_severity
for (i in seq_len(nrow(base)))
  if (is.na(base$severity[i])) base$severity[i] <- base$pga[i] + base$pain[i] + min(sympt(i), 10)

corr <- tab("correlations.csv")
cr <- function(p, o, col) corr[corr$parameter == p & corr$outcome == o, col]
# R: cor.test(lesion_count, severity, method = "spearman") (ties: t approximation, as crmo)
t1 <- suppressWarnings(cor.test(base$lesion_count, base$severity, method = "spearman"))
check("Spearman rs, lesion_count vs clinical_severity", cr("lesion_count", "clinical_severity", "rs"), unname(t1$estimate))
check("Spearman p, lesion_count vs clinical_severity", cr("lesion_count", "clinical_severity", "p_value"), t1$p.value, 1e-4, 1e-12)
check("n, lesion_count vs clinical_severity", cr("lesion_count", "clinical_severity", "n"), sum(!is.na(base$severity)), 0)
# R: cor.test(rai_total, pga, method = "spearman")
t2 <- suppressWarnings(cor.test(base$rai_total, base$pga, method = "spearman"))
check("Spearman rs, rai_total vs pga", cr("rai_total", "pga", "rs"), unname(t2$estimate))
check("Spearman p, rai_total vs pga", cr("rai_total", "pga", "p_value"), t2$p.value, 1e-4, 1e-12)
# Fisher-z interval with SE sqrt(1.06 / (n - 3)) (analysis.md)
n <- length(base$lesion_count)
zr <- atanh(unname(t1$estimate)); se <- sqrt(1.06 / (n - 3))
check("Spearman CI lower (Fisher z, 1.06)", cr("lesion_count", "clinical_severity", "ci_lower"), tanh(zr - qnorm(0.975) * se))
check("Spearman CI upper (Fisher z, 1.06)", cr("lesion_count", "clinical_severity", "ci_upper"), tanh(zr + qnorm(0.975) * se))
# R: p.adjust(p, "holm") over the family of imaging parameters against clinical severity
fam <- corr[corr$outcome == "clinical_severity" & !is.na(corr$p_value), ]
holm <- p.adjust(fam$p_value, "holm")
check("Holm-adjusted p, lesion_count (p.adjust holm)", fam$p_holm[fam$parameter == "lesion_count"],
      holm[fam$parameter == "lesion_count"], 1e-6, 1e-12)
check("Holm-adjusted p, max of family", max(fam$p_holm), max(holm), 1e-6, 1e-12)

# Distribution (atlas.md): bones and regions from the site ids.
unit <- sub(":.*", "", le$site)
bone <- sub("\\..*", "", unit)
bone[bone %in% c("ilium", "ischium", "pubis")] <- "pelvis_bone"
bone[bone == "coccyx"] <- "sacrum"
region <- ifelse(bone %in% c("femur", "tibia", "fibula", "patella") | unit %in%
                   c("talus", "calcaneus", "midfoot", "metatarsals", "foot_phalanges"), "lower_limb",
          ifelse(bone %in% c("pelvis_bone", "sacrum"), "pelvis", ifelse(bone == "spine", "spine", "other")))
patients_with <- function(sel) 100 * length(unique(le$exam_id[sel])) / nrow(base)
bones <- tab("bones.csv"); regions <- tab("regions.csv")
check("% of patients with the tibia involved", bones$patients_pct[bones$bone == "tibia"], patients_with(bone == "tibia"))
check("% of patients with the femur involved", bones$patients_pct[bones$bone == "femur"], patients_with(bone == "femur"))
check("% of patients with the spine involved", bones$patients_pct[bones$bone == "spine"], patients_with(bone == "spine"))
check("% of patients with the pelvis involved", regions$patients_pct[regions$region == "pelvis"], patients_with(region == "pelvis"))
check("% of lesions in the lower limbs", regions$lesions_pct[regions$region == "lower_limb"], 100 * mean(region == "lower_limb"))
# Symmetric involvement: some unit on both L and R in one exam.
sym <- sapply(base$exam_id, function(id) { s <- le$site[le$exam_id == id]
  u <- sub(":.*", "", s); any(paste0(u, ":L") %in% s & paste0(u, ":R") %in% s) })
desc <- tab("description.csv")
dv <- function(k) as.numeric(desc$value[desc$measure == k])
check("% of patients with symmetric involvement", dv("symmetric_pct"), 100 * mean(sym))
# R: median(age) with age = days / 365.25; quantile(type = 7)
age <- as.numeric(as.Date(base$exam_date) - as.Date(base$birth_date)) / 365.25
check("median age at exam", dv("age_median"), median(age))
check("age IQR lower (quantile type 7)", dv("age_q1"), unname(quantile(age, 0.25, type = 7)))
check("median lesions per patient", dv("lesions_per_patient_median"), median(base$lesion_count))
check("unifocal patients", dv("unifocal"), sum(base$lesion_count == 1), 0)

# R: wilcox.test(severity ~ spine involved) (normal approximation with ties, as crmo)
groups <- tab("groups.csv")
g <- groups[groups$grouping == "spine_involved" & groups$outcome == "clinical_severity", ]
spine <- sapply(base$exam_id, function(id) any(bone[le$exam_id == id] == "spine"))
w <- suppressWarnings(wilcox.test(base$severity[spine], base$severity[!spine]))
check("Mann-Whitney W, severity by spine involvement", g$w, unname(w$statistic))
check("Mann-Whitney p, severity by spine involvement", g$p_value, w$p.value, 1e-4, 1e-12)

if (failures > 0) { cat(failures, "figures disagree with R\n"); quit(status = 1) }
cat("all figures agree with R\n")
