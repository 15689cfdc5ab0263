# The same family as bench_stats, in R: best-of-3 processor seconds after reading the CSV.
#   Rscript bench/family.R COHORT.csv [P.txt]    -> family seconds; P.txt gets the Holm
#       p-values (Spearman, Mann-Whitney) and the Fisher-z CI lower bounds
#   Rscript bench/family.R bca N                 -> 10,000-resample BCa bootstrap seconds
args <- commandArgs(trailingOnly = TRUE)
if (args[1] == "bca") {
  n <- as.integer(args[2]); set.seed(7)
  x <- rnorm(n); y <- 0.4 * x + rnorm(n)
  cpu <- function(t) t[["user.self"]] + t[["sys.self"]]  # processor time, as bench_stats
  t <- cpu(system.time({
    b <- boot::boot(data.frame(x, y), function(d, i) cor(d[i, 1], d[i, 2], method = "spearman"), R = 10000)
    ci <- boot::boot.ci(b, type = "bca", L = boot::empinf(b, type = "jack"))
  }))
  cat(sprintf("%.6f\n", t))
  quit(save = "no")
}
d <- read.csv(args[1])
run <- function() {
  p <- c(); lo <- c()
  for (o in c("severity", "pga")) for (j in 1:15) {
    r <- suppressWarnings(cor.test(d[[j]], d[[o]], method = "spearman"))
    n <- sum(complete.cases(d[[j]], d[[o]]))
    lo <- c(lo, tanh(atanh(r$estimate) - qnorm(0.975) * sqrt(1.06 / (n - 3))))
    p <- c(p, r$p.value)
  }
  holm <- p.adjust(p, "holm")
  pm <- c()
  for (o in c("severity", "pga")) for (g in paste0("g", 1:4))
    pm <- c(pm, suppressWarnings(wilcox.test(d[[o]][d[[g]] == 0], d[[o]][d[[g]] == 1]))$p.value)
  c(holm, p.adjust(pm, "holm"), lo)
}
cpu <- function(t) t[["user.self"]] + t[["sys.self"]]  # processor time, as bench_stats
best <- min(sapply(1:3, function(i) cpu(system.time(values <<- run()))))
cat(sprintf("%.6f\n", best))
if (length(args) > 1) writeLines(sprintf("%.17g", values), args[2])
