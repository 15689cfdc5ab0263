# The R call behind each test family that crmo's statistics are checked against.
# Used by make_golden.R (golden values kept in the repository) and live_check.R (the
# live cross-check run by test_stats_r_live). Base R, psych and boot only.
#
# run_case(family, x, y, alt, extra) returns list(call = "<the R call>", values = c(...))
# or stops with R's error. NA results of cor.test (a constant column) are errors here:
# crmo refuses those inputs with a clear message.

suppressPackageStartupMessages({
  library(stats)
})

split_extra <- function(extra) {
  if (is.na(extra) || extra == "") character(0) else strsplit(extra, " ", fixed = TRUE)[[1]]
}

need_finite <- function(v, what) {
  if (any(is.na(v))) stop(paste0("NA: ", what))
  v
}

last_call <- ""
run_case <- function(family, x, y, alt, extra) {
  e <- split_extra(extra)
  last_call <<- family
  switch(family,
    spearman = , spearman_default = {
      call <- last_call <<- sprintf('cor.test(x, y, method = "spearman", alternative = "%s")', alt)
      r <- suppressWarnings(cor.test(x, y, method = "spearman", alternative = alt))
      list(call = call, values = need_finite(c(r$estimate, r$statistic, r$p.value), "rho is NA"))
    },
    spearman_ci = {
      call <- last_call <<- 'r <- cor(x, y, method = "spearman", use = "complete.obs"); n <- sum(complete.cases(x, y)); tanh(atanh(r) + c(-1, 1) * qnorm(0.975) * sqrt(1.06 / (n - 3)))'
      ok <- complete.cases(x, y); n <- sum(ok)
      r <- suppressWarnings(cor(x[ok], y[ok], method = "spearman"))
      list(call = call, values = need_finite(tanh(atanh(r) + c(-1, 1) * qnorm(0.975) * sqrt(1.06 / (n - 3))), "rho is NA"))
    },
    kendall = {
      call <- last_call <<- sprintf('cor.test(x, y, method = "kendall", alternative = "%s")', alt)
      r <- suppressWarnings(cor.test(x, y, method = "kendall", alternative = alt))
      list(call = call, values = need_finite(c(r$estimate, r$statistic, r$p.value), "tau is NA"))
    },
    pearson = {
      call <- last_call <<- sprintf('cor.test(x, y, method = "pearson", alternative = "%s")', alt)
      r <- suppressWarnings(cor.test(x, y, method = "pearson", alternative = alt))
      need_finite(r$estimate, "r is NA")
      ci <- if (is.null(r$conf.int)) c(NA, NA) else as.numeric(r$conf.int)
      list(call = call, values = c(r$estimate, r$statistic, r$parameter, r$p.value, ci))
    },
    mann_whitney = {
      call <- last_call <<- sprintf('wilcox.test(x, y, alternative = "%s")', alt)
      r <- suppressWarnings(wilcox.test(x, y, alternative = alt))
      list(call = call, values = need_finite(c(r$statistic, r$p.value), "p is NaN"))
    },
    wilcoxon = {
      call <- last_call <<- sprintf('wilcox.test(x, y, paired = TRUE, alternative = "%s")', alt)
      r <- suppressWarnings(wilcox.test(x, y, paired = TRUE, alternative = alt))
      list(call = call, values = need_finite(c(r$statistic, r$p.value), "p is NaN"))
    },
    kruskal = {
      call <- last_call <<- "kruskal.test(split(x, y))"
      r <- kruskal.test(split(x, y))
      list(call = call, values = need_finite(c(r$statistic, r$parameter, r$p.value), "statistic is NaN"))
    },
    fisher = {
      call <- last_call <<- sprintf('fisher.test(matrix(x, nrow = %s, byrow = TRUE), alternative = "%s")', e[1], alt)
      r <- fisher.test(matrix(x, nrow = as.integer(e[1]), byrow = TRUE), alternative = alt)
      v <- if (is.null(r$estimate)) r$p.value else c(r$estimate, r$p.value, r$conf.int)
      list(call = call, values = v)
    },
    chisq = {
      call <- last_call <<- sprintf("chisq.test(matrix(x, nrow = %s, byrow = TRUE))", e[1])
      r <- suppressWarnings(chisq.test(matrix(x, nrow = as.integer(e[1]), byrow = TRUE)))
      list(call = call, values = need_finite(c(r$statistic, r$parameter, r$p.value), "statistic is NaN"))
    },
    holm = list(call = 'p.adjust(x, "holm")', values = p.adjust(x, "holm")),
    bh = list(call = 'p.adjust(x, "BH")', values = p.adjust(x, "BH")),
    quantile = {
      probs <- as.numeric(e)
      list(call = sprintf("quantile(x, c(%s), type = 7, na.rm = TRUE)", paste(e, collapse = ", ")),
           values = unname(quantile(x, probs, type = 7, na.rm = TRUE)))
    },
    kappa = {
      # e[1]: none | linear | quadratic
      ok <- complete.cases(x, y)
      lev <- sort(unique(c(x[ok], y[ok])))
      k <- length(lev)
      last_call <<- "psych::cohen.kappa(cbind(x, y)[complete.cases(x, y), ])"
      if (k < 2) stop("NA: a single category")
      w <- switch(e[1],
        none = diag(k),
        linear = 1 - abs(outer(1:k, 1:k, "-")) / (k - 1),
        quadratic = 1 - outer(1:k, 1:k, "-")^2 / (k - 1)^2)
      call <- last_call <<- sprintf("psych::cohen.kappa(cbind(x, y)[complete.cases(x, y), ], w = %s)",
                      switch(e[1], none = "diag(k)", linear = "1 - abs(outer(1:k, 1:k, \"-\")) / (k - 1)",
                             quadratic = "1 - outer(1:k, 1:k, \"-\")^2 / (k - 1)^2"))
      r <- suppressWarnings(psych::cohen.kappa(cbind(x, y)[ok, ], w = w))
      if (e[1] == "none") v <- c(r$kappa, r$var.kappa, r$confid[1, 1], r$confid[1, 3])
      else v <- c(r$weighted.kappa, r$var.weighted, r$confid[2, 1], r$confid[2, 3])
      list(call = call, values = v)
    },
    fleiss = {
      m <- as.integer(e[1])
      call <- last_call <<- sprintf("fleiss(matrix(x, ncol = %d, byrow = TRUE)) (Fleiss 1971, written out in calls.R)", m)
      r <- matrix(x, ncol = m, byrow = TRUE)
      r <- r[complete.cases(r), , drop = FALSE]
      cats <- sort(unique(as.vector(r)))
      nij <- do.call(rbind, lapply(seq_len(nrow(r)), function(i) as.vector(table(factor(r[i, ], levels = cats)))))
      Pi <- (rowSums(nij^2) - m) / (m * (m - 1))
      pj <- colSums(nij) / (nrow(r) * m)
      Pe <- sum(pj^2)
      if (Pe >= 1) stop("NA: a single category")
      list(call = call, values = (mean(Pi) - Pe) / (1 - Pe))
    },
    free_marginal = {
      m <- as.integer(e[1]); k <- as.integer(e[2])
      call <- last_call <<- sprintf("free_marginal(matrix(x, ncol = %d, byrow = TRUE), k = %d) (Randolph 2005, written out in calls.R)", m, k)
      r <- matrix(x, ncol = m, byrow = TRUE)
      r <- r[complete.cases(r), , drop = FALSE]
      agree <- apply(r, 1, function(row) { tb <- table(row); sum(tb * (tb - 1)) / (m * (m - 1)) })
      list(call = call, values = (mean(agree) - 1 / k) / (1 - 1 / k))
    },
    icc = {
      k <- as.integer(e[1])
      call <- last_call <<- sprintf("psych::ICC(matrix(x, ncol = %d, byrow = TRUE), lmer = FALSE)$results", k)
      m <- matrix(x, ncol = k, byrow = TRUE)
      m <- m[complete.cases(m), , drop = FALSE]
      r <- suppressWarnings(suppressMessages(psych::ICC(m, lmer = FALSE)))$results
      list(call = call, values = as.vector(t(as.matrix(r[, 2:8]))))
    },
    boot_ci = {
      # extra: the bootstrap replicates of rho (crmo's, or R's own in the golden file)
      tt <- as.numeric(e)
      call <- last_call <<- paste('b <- boot::boot(data.frame(x, y), function(d, i) cor(d[i, 1], d[i, 2], method = "spearman"), R = 2);',
                    'b$t <- matrix(t, ncol = 1); b$R <- length(t);',
                    'boot::boot.ci(b, type = c("perc", "bca"), L = boot::empinf(b, type = "jack"))')
      d <- data.frame(x, y)
      d <- d[complete.cases(d), ]
      set.seed(1)
      b <- boot::boot(d, function(d, i) cor(d[i, 1], d[i, 2], method = "spearman"), R = 2)
      b$t <- matrix(tt, ncol = 1)
      b$R <- length(tt)
      L <- boot::empinf(b, type = "jack")
      ci <- suppressWarnings(boot::boot.ci(b, type = c("perc", "bca"), L = L))
      a <- sum(L^3) / (6 * sum(L^2)^1.5)
      list(call = call, values = c(b$t0, ci$percent[4:5], ci$bca[4:5], a))
    },
    stop(paste("unknown family", family)))
}

# Number formatting shared by the writers: full precision, NA and infinities spelled out.
num <- function(v) ifelse(is.na(v), "NA", ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"), sprintf("%.17g", v)))
