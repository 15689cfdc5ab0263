# Regenerates tests/stats/golden/golden.json: each case's inputs, the R call that
# produced its expected values (calls.R, with x, y and t standing for the stored
# vectors), and R's values (or R's error / NA, which crmo must refuse).
#   Rscript tests/stats/r/make_golden.R      (from the repository root)
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))
source(file.path(here, "calls.R"))
cases <- list()
add <- function(family, x, y = NULL, alt = "two.sided", extra = "") {
  cases[[length(cases) + 1]] <<- list(family = family, x = x, y = y, alt = alt, extra = extra)
}
set.seed(20261125)
alts <- c("two.sided", "less", "greater")
noisy <- function(x, s) x + rnorm(length(x), sd = s)

# --- Spearman (crmo --r-compatible; n <= 9 is also crmo's default) -------------------
for (n in 3:9) add("spearman", sample(n) + 0, sample(n) + 0, alts[(n %% 3) + 1])
for (n in c(10, 11, 12, 15, 20, 30, 54, 100, 500, 1290)) { x <- rnorm(n); add("spearman", x, noisy(x, 1.5), alts[(n %% 3) + 1]) }
add("spearman", 1:10 + 0, c(2, 1, 4, 3, 6, 5, 8, 7, 10, 9))             # R gives p = 0 (AS 89 far tail)
add("spearman", 1:10 + 0, c(2, 1, 4, 3, 6, 5, 8, 7, 10, 9), "greater")
for (n in c(5, 12, 54, 300)) { x <- sample(0:4, n, TRUE) + 0; add("spearman", x, noisy(x, 2), "two.sided") }  # ties: t
x <- rnorm(2000); add("spearman", x, noisy(x, 3))                         # n > 1290: t
x <- rnorm(40); y <- noisy(x, 1); x[c(3, 9)] <- NA; y[20] <- NA; add("spearman", x, y)  # missing values
add("spearman", c(1, 2, 3, 4, 5), c(3, 3, 3, 3, 3))                       # constant: NA in R
add("spearman", c(1), c(2))                                               # n below the minimum: error
for (n in c(4, 10, 54, 2000)) { x <- rnorm(n); add("spearman_ci", x, noisy(x, 1)) }
# --- Kendall ---------------------------------------------------------------------------
for (n in c(3, 5, 8, 12, 20, 35, 49)) { x <- rnorm(n); add("kendall", x, noisy(x, 1), alts[(n %% 3) + 1]) }
for (n in c(50, 54, 200, 2000)) { x <- rnorm(n); add("kendall", x, noisy(x, 2)) }
for (n in c(6, 30, 120)) { x <- sample(1:3, n, TRUE) + 0; add("kendall", x, sample(1:4, n, TRUE) + x) }
add("kendall", c(2, 2, 2), c(1, 2, 3))
# --- Pearson -----------------------------------------------------------------------------
for (n in c(3, 4, 10, 54, 2000)) { x <- rnorm(n); add("pearson", x, noisy(x, 1), alts[(n %% 3) + 1]) }
add("pearson", c(1, 2), c(2, 1))
add("pearson", c(1, 2, 3, 4), c(5, 5, 5, 5))
# --- Mann-Whitney and signed rank ------------------------------------------------------
for (m in c(3, 8, 20, 49)) add("mann_whitney", rnorm(m), rnorm(m + 3, 0.5), alts[(m %% 3) + 1])
add("mann_whitney", rnorm(50), rnorm(30, 0.3))                             # n >= 50: normal
add("mann_whitney", rnorm(1000), rnorm(1200, 0.1))
add("mann_whitney", sample(0:5, 25, TRUE) + 0, sample(0:5, 29, TRUE) + 1)  # ties
add("mann_whitney", c(1, 1, 1), c(1, 1))                                   # all equal: NaN
for (n in c(5, 12, 30, 49)) { x <- rnorm(n); add("wilcoxon", x, noisy(x, 1) - 0.4, alts[(n %% 3) + 1]) }
add("wilcoxon", rnorm(80), rnorm(80))
x <- sample(0:6, 30, TRUE) + 0; add("wilcoxon", x, pmax(0, x - sample(-1:2, 30, TRUE)))  # ties and zeroes
add("wilcoxon", c(1, 2, 3), c(1, 2, 3))                                    # all zero: NaN
# --- Kruskal-Wallis --------------------------------------------------------------------
add("kruskal", rnorm(15), rep(1:3, each = 5) + 0)
add("kruskal", c(rnorm(20), rnorm(25, 1), rnorm(9, 0.5)), rep(1:3, c(20, 25, 9)) + 0)
add("kruskal", sample(0:3, 40, TRUE) + 0, sample(1:4, 40, TRUE) + 0)
add("kruskal", rep(2, 6), c(1, 1, 2, 2, 3, 3))
# --- Fisher and chi-square -------------------------------------------------------------
tabs <- list(c(3, 1, 1, 3), c(10, 2, 3, 15), c(0, 5, 6, 2), c(20, 25, 30, 28), c(1, 0, 0, 1),
             c(0, 0, 4, 7), c(12, 0, 5, 9), c(2, 7, 8, 2))
for (i in seq_along(tabs)) add("fisher", tabs[[i]], NULL, alts[(i %% 3) + 1], "2")
add("fisher", c(3, 1, 4, 1, 5, 9), NULL, "two.sided", "2")
add("fisher", c(2, 0, 3, 1, 4, 2, 0, 5, 1), NULL, "two.sided", "3")
add("fisher", c(5, 2, 1, 3, 6, 2, 1, 1, 7, 2, 2, 3), NULL, "two.sided", "3")
for (i in c(2, 4, 6, 8)) add("chisq", tabs[[i]], NULL, "two.sided", "2")
add("chisq", c(12, 5, 7, 9, 14, 3), NULL, "two.sided", "2")
add("chisq", c(20, 15, 30, 11, 25, 19, 9, 30, 22), NULL, "two.sided", "3")
# --- p adjustment and quantiles ----------------------------------------------------------
p <- c(0.0021, 0.04, 0.3, 0.012, NA, 0.8, 0.04, 0.0001, 0.5, 0.049, 0.2, 0.03, 0.7, 0.011, 0.9)
add("holm", p); add("bh", p)
p <- runif(30)^3; add("holm", p); add("bh", p)
add("quantile", c(rnorm(54), NA), NULL, "", "0 0.1 0.25 0.5 0.75 0.9 1")
add("quantile", c(3, 1, 2, 2), NULL, "", "0.25 0.5 0.75")
add("quantile", 5, NULL, "", "0.5")
# --- agreement ---------------------------------------------------------------------------
for (w in c("none", "linear", "quadratic")) {
  a <- sample(0:3, 60, TRUE) + 0; b <- pmin(3, pmax(0, a + sample(-1:1, 60, TRUE, prob = c(.15, .7, .15))))
  add("kappa", a, b, "", w)
}
add("kappa", c(1, 0, 1, 1, 0, 1, 1, 1), c(1, 0, 0, 1, 0, 1, 1, 0), "", "none")
add("kappa", c(1, 1, 1), c(1, 1, 1), "", "none")
r <- matrix(sample(0:2, 40 * 4, TRUE), ncol = 4); add("fleiss", as.vector(t(r)) + 0, NULL, "", "4")
r <- matrix(sample(0:1, 30 * 3, TRUE, prob = c(.3, .7)), ncol = 3); add("fleiss", as.vector(t(r)) + 0, NULL, "", "3")
add("free_marginal", as.vector(t(r)) + 0, NULL, "", "3 2")
r <- matrix(sample(0:3, 25 * 5, TRUE), ncol = 5); add("free_marginal", as.vector(t(r)) + 0, NULL, "", "5 4")
for (k in c(2, 3, 5)) {
  s <- rnorm(30, 10, 3); m <- sapply(1:k, function(j) s + rnorm(30, j * 0.3, 1.2))
  add("icc", as.vector(t(m)), NULL, "", as.character(k))
}
# --- bootstrap intervals (R's own replicates) ------------------------------------------
for (n in c(20, 54)) {
  x <- rnorm(n); y <- noisy(x, 1.2)
  b <- boot::boot(data.frame(x, y), function(d, i) cor(d[i, 1], d[i, 2], method = "spearman"), R = 999)
  add("boot_ci", x, y, "", paste(num(b$t[, 1]), collapse = " "))
}

# --- added later, at the end so the cases above keep their random draws -----------------
for (k in c(2, 4)) {  # weak agreement: ICC p-values well above 1e-12
  s <- rnorm(25, 10, 1); m <- sapply(1:k, function(j) s + rnorm(25, 0, 2.5))
  add("icc", as.vector(t(m)), NULL, "", as.character(k))
}
x <- 1:20 + 0; y <- x; y[8:9] <- y[9:8]; add("spearman", x, y)         # n = 20 far tail: R's AS 89
add("spearman", x, rev(y), "less")

json_num <- function(v) { s <- num(v); s[s == "NA"] <- "null"; s[s == "Inf"] <- "\"Inf\""; s[s == "-Inf"] <- "\"-Inf\""; s }
json_str <- function(s) paste0('"', gsub('"', '\\\\"', gsub("\\\\", "\\\\\\\\", s)), '"')
out <- character(0)
for (c in cases) {
  res <- tryCatch(run_case(c$family, c$x, c$y, c$alt, c$extra), error = function(e) e)
  fields <- c(sprintf('"family": %s', json_str(c$family)), sprintf('"alternative": %s', json_str(c$alt)),
              sprintf('"extra": %s', json_str(c$extra)),
              sprintf('"x": [%s]', paste(json_num(c$x), collapse = ", ")),
              sprintf('"y": [%s]', paste(json_num(c$y), collapse = ", ")))
  if (inherits(res, "error")) {
    fields <- c(fields, sprintf('"call": %s', json_str(last_call)),
                sprintf('"error": %s', json_str(conditionMessage(res))))
  } else {
    fields <- c(fields, sprintf('"call": %s', json_str(res$call)),
                sprintf('"expected": [%s]', paste(json_num(as.numeric(res$values)), collapse = ", ")))
  }
  out <- c(out, paste0("{", paste(fields, collapse = ", "), "}"))
}
dest <- file.path(here, "..", "golden", "golden.json")
writeLines(c(sprintf('{"generated_by": "Rscript tests/stats/r/make_golden.R", "r_version": %s, "psych": %s, "boot": %s,',
                     json_str(R.version.string), json_str(as.character(packageVersion("psych"))),
                     json_str(as.character(packageVersion("boot")))),
             ' "cases": [', paste(out, collapse = ",\n"), "]}"), dest)
cat("wrote", length(cases), "cases to", dest, "\n")
