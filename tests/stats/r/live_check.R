# Live cross-check: reads cases written by test_stats_r_live, runs each through the R
# call of its family (calls.R), writes R's values back.
#   Rscript live_check.R CASES.tsv RESULTS.tsv
# Input lines:  id <TAB> family <TAB> alternative <TAB> extra <TAB> x (comma list) <TAB> y
# Output lines: id <TAB> OK <TAB> values (comma list)   or   id <TAB> ERR <TAB> message
args <- commandArgs(trailingOnly = TRUE)
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))
source(file.path(here, "calls.R"))
parse_num <- function(s) {
  if (is.na(s) || s == "") return(numeric(0))
  v <- strsplit(s, ",", fixed = TRUE)[[1]]
  out <- suppressWarnings(as.numeric(v))
  out[v == "Inf"] <- Inf
  out[v == "-Inf"] <- -Inf
  out
}
lines <- readLines(args[1])
out <- character(length(lines))
for (i in seq_along(lines)) {
  f <- strsplit(lines[i], "\t", fixed = TRUE)[[1]]
  length(f) <- 6
  x <- parse_num(f[5]); y <- parse_num(f[6])
  if (length(y) == 0) y <- NULL
  res <- tryCatch(run_case(f[2], x, y, f[3], f[4]), error = function(e) e)
  out[i] <- if (inherits(res, "error")) paste(f[1], "ERR", gsub("[\t\n]", " ", conditionMessage(res)), sep = "\t")
            else paste(f[1], "OK", paste(num(as.numeric(res$values)), collapse = ","), sep = "\t")
}
writeLines(out, args[2])
