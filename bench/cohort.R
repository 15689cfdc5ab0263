# The cohort analysis of `crmo cohort` done in base R on the same files, for the
# benchmark (bench/cohort_vs_r.sh): read exams.csv + lesions.csv, one reading per exam,
# each patient's first exam, the 15 seed-2022 parameters per exam, distribution by
# region, bone and unit, Spearman with Fisher-z CI and Holm for every parameter against
# clinical severity and PGA, Mann-Whitney for 4 groupings x 2 outcomes.
# Prints the CPU seconds used (user + system; reading included, R start-up excluded).
#   Rscript bench/cohort.R COHORT_DIR ATLAS.csv
args <- commandArgs(trailingOnly = TRUE)
cpu <- function() { t <- proc.time(); t[["user.self"]] + t[["sys.self"]] }
t0 <- cpu()
atlas <- read.csv(args[2], stringsAsFactors = FALSE)
ex <- read.csv(file.path(args[1], "exams.csv"), stringsAsFactors = FALSE, na.strings = "")
le <- read.csv(file.path(args[1], "lesions.csv"), stringsAsFactors = FALSE, na.strings = "")
if (!"reader" %in% names(le)) le$reader <- ex$reader[match(le$exam_id, ex$exam_id)]
ex <- ex[order(ex$exam_id, ex$reader != "consensus", ex$reader), ]
ex <- ex[!duplicated(ex$exam_id), ]
ex <- ex[order(ex$patient_id, ex$exam_date, ex$exam_id), ]
ex <- ex[!duplicated(ex$patient_id), ]
le <- le[paste(le$exam_id, le$reader) %in% paste(ex$exam_id, ex$reader) & le$signal >= 1, ]
z <- function(v) ifelse(is.na(v), 0, v)
unit <- sub(":.*", "", le$site)
side <- sub(".*:", "", le$site)
le$bone <- atlas$bone[match(unit, atlas$id)]
le$region <- atlas$region[match(unit, atlas$id)]
le$label <- ifelse(is.na(le$lesion), le$site, le$lesion)
le$score <- z(le$signal) + z(le$extent) + pmax(z(le$soft_tissue), z(le$periosteal)) + z(le$expansion) + z(le$collapse)
f <- factor(le$exam_id, levels = ex$exam_id)
count <- function(v) { r <- tapply(v, f, sum); r[is.na(r)] <- 0; as.numeric(r) }
ndist <- function(v) { r <- tapply(v, f, function(x) length(unique(x))); r[is.na(r)] <- 0; as.numeric(r) }
mx <- function(v) { r <- tapply(v, f, max); r[is.na(r)] <- 0; as.numeric(r) }
p <- data.frame(
  lesion_count = ndist(le$label), sites_involved = count(rep(1, nrow(le))), rai_total = count(le$score),
  max_signal = mx(z(le$signal)), max_extent = mx(z(le$extent)), soft_tissue_sites = count(z(le$soft_tissue) > 0),
  periosteal_sites = count(z(le$periosteal) > 0), expansion_sites = count(z(le$expansion) > 0),
  collapse_sites = count(z(le$collapse) > 0), transphyseal_sites = count(!is.na(le$physis) & le$physis == "transphyseal"))
lr <- paste(le$exam_id, unit)
both <- lr %in% lr[side == "L"] & lr %in% lr[side == "R"] & side == "L"
p$symmetric_units <- count(both)
p$regions_involved <- ndist(le$region)
p$bones_involved <- ndist(le$bone)
p$spine_involved <- as.numeric(count(le$region == "spine") > 0)
p$pelvis_involved <- as.numeric(count(le$region == "pelvis") > 0)
p$lower_limb_involved <- as.numeric(count(le$region == "lower_limb") > 0)
sym <- count(!is.na(le$symptomatic) & le$symptomatic %in% c(TRUE, "true"))
severity <- if (is.null(ex$clinical_severity)) rep(NA, nrow(ex)) else ex$clinical_severity
severity <- ifelse(is.na(severity), ex$pga + ex$pain + pmin(sym, 10), severity)
outcomes <- list(clinical_severity = severity, pga = ex$pga)
# Distribution.
np <- nrow(ex)
dist <- function(key) {
  lesions <- table(key)
  patients <- tapply(le$exam_id, key, function(x) length(unique(x)))
  data.frame(key = names(lesions), lesions = as.numeric(lesions), lesions_pct = 100 * as.numeric(lesions) / nrow(le),
             patients = as.numeric(patients[names(lesions)]), patients_pct = 100 * as.numeric(patients[names(lesions)]) / np)
}
regions <- dist(le$region); bones <- dist(le$bone); units <- dist(le$site)
# Correlations.
res <- list()
for (o in names(outcomes)) {
  y <- outcomes[[o]]
  fam <- do.call(rbind, lapply(names(p), function(k) {
    x <- p[[k]]
    if (length(unique(x)) < 2) return(data.frame(parameter = k, rs = NA, lo = NA, hi = NA, p = NA))
    t <- suppressWarnings(cor.test(x, y, method = "spearman"))
    n <- sum(!is.na(x) & !is.na(y)); zr <- atanh(t$estimate); se <- sqrt(1.06 / (n - 3))
    data.frame(parameter = k, rs = t$estimate, lo = tanh(zr - 1.959964 * se), hi = tanh(zr + 1.959964 * se), p = t$p.value)
  }))
  fam$holm <- p.adjust(fam$p, "holm")
  res[[o]] <- fam
}
# Groups.
groups <- list(multifocal = ifelse(p$lesion_count == 0, NA, p$lesion_count > 1), spine = p$spine_involved > 0,
               pelvis = p$pelvis_involved > 0, soft_tissue = p$soft_tissue_sites > 0)
mw <- list()
for (g in names(groups)) for (o in names(outcomes)) {
  y <- outcomes[[o]]; k <- groups[[g]]
  a <- y[!is.na(k) & k]; b <- y[!is.na(k) & !k]
  if (length(a) && length(b)) mw[[paste(g, o)]] <- suppressWarnings(wilcox.test(a, b))$p.value
}
cat(sprintf("%.3f\n", cpu() - t0))
