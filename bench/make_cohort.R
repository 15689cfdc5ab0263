# Writes a synthetic cohort of N rows: 15 imaging parameters (integer counts and scores
# with ties, as the seed parameters), 2 outcomes, 4 binary groupings.
#   Rscript bench/make_cohort.R N OUT.csv
args <- commandArgs(trailingOnly = TRUE)
n <- as.integer(args[1])
set.seed(n)
latent <- rnorm(n)
d <- data.frame(row.names = NULL, check.names = FALSE, sapply(1:15, function(j)
  if (j %% 3 == 0) round(pmax(0, latent * j / 5 + rnorm(n, 3, 2)), 1) else rpois(n, exp(0.5 + 0.3 * latent + j / 15))))
names(d) <- paste0("p", 1:15)
d$severity <- round(pmax(0, 20 + 6 * latent + rnorm(n, 0, 8)))
d$pga <- round(pmin(10, pmax(0, 4 + latent + rnorm(n, 0, 2))))
for (g in 1:4) d[[paste0("g", g)]] <- as.integer(runif(n) < c(0.3, 0.5, 0.2, 0.6)[g] + 0.1 * (latent > 0))
write.csv(d, args[2], row.names = FALSE, quote = FALSE)
