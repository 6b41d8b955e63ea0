# Expected outputs of NHSRplotthedots::ptd_spc() (the NHS-R Making Data Count implementation) for a
# corpus of random series: tests/fixtures/spc_reference_corpus.csv, which
# tests/unit/test_spc.py checks pipelines/statistics/spc.py against, point for point.
#
# Run by hand when the reference or the corpus changes (R is not a project dependency):
#
#   apt-get install r-base-core r-base-dev r-cran-assertthat r-cran-base64enc r-cran-crayon \
#     r-cran-dplyr r-cran-ggplot2 r-cran-magrittr r-cran-plotly r-cran-rlang r-cran-rsvg \
#     r-cran-scales r-cran-stringr r-cran-tidyselect
#   # NHSRplotthedots 0.2.2 needs dplyr >= 1.1.0 and Debian bookworm has 1.0.10: build rlang,
#   # vctrs, pillar, tibble and dplyr from their sources (apt-get source from trixie) into LIB,
#   # in that order, with R CMD INSTALL --library=LIB
#   R_LIBS=LIB R CMD INSTALL --library=LIB <NHSRplotthedots source, commit 050b07d>
#   R_LIBS=LIB Rscript scripts/spc_reference_corpus.R tests/fixtures/spc_reference_corpus.csv
#
# One row per series. Values are written as text first and read back, so R and Python start from
# the same doubles. Lists are ';'-separated: rebase (0-based indices where a period starts),
# values, rebase_group (per point), mean/lpl/upl (per rebase group, 17 significant digits),
# special_cause_type (per point, the rule that labels it; empty for "Common Cause"), point_type
# (per point), short_group_warning (per point, 0/1).

suppressPackageStartupMessages(library(NHSRplotthedots))

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[[1]] else "tests/fixtures/spc_reference_corpus.csv"
n_series <- 400
set.seed(18)

random_series <- function() {
  n <- sample(12:60, 1)
  level <- runif(1, 5, 500)
  sd <- level * runif(1, 0.02, 0.2)
  y <- rnorm(n, level, sd)
  if (runif(1) < 0.4) { # a shift in level
    at <- sample(2:n, 1)
    y[at:n] <- y[at:n] + sample(c(-1, 1), 1) * sd * runif(1, 1, 4)
  }
  if (runif(1) < 0.3) { # a trend
    len <- sample(5:12, 1)
    idx <- seq(sample(seq_len(max(1, n - len)), 1), length.out = len)
    idx <- idx[idx <= n]
    y[idx] <- y[idx] + sample(c(-1, 1), 1) * sd * 0.8 * seq_along(idx)
  }
  if (runif(1) < 0.3) { # outliers
    k <- sample(1:3, 1)
    idx <- sample(seq_len(n), k)
    y[idx] <- y[idx] + sample(c(-1, 1), k, replace = TRUE) * sd * runif(k, 3, 8)
  }
  # rounding makes ties (equal neighbours, points on the mean), as counts and published rates do
  text <- sprintf("%.15g", round(y, sample(0:2, 1)))
  rebase <- integer()
  if (runif(1) < 0.3 && n >= 14) {
    rebase <- sort(sample(6:(n - 5), sample(1:2, 1)))
    if (length(rebase) == 2 && diff(rebase) < 3) rebase <- rebase[1]
  }
  list(
    text = text,
    direction = sample(c("increase", "decrease", "neutral"), 1),
    target = if (runif(1) < 0.5) round(level + sd * rnorm(1, 0, 3), 1) else NA,
    rebase = rebase,
    fix = if (runif(1) < 0.2) 11 + sample.int(max(12, n) - 11, 1) else NA,
    screen = runif(1) < 0.85
  )
}

`%|%` <- function(a, b) ifelse(is.na(a), b, a)
joined <- function(x, fmt = "%s") paste(sprintf(fmt, x), collapse = ";")

rows <- lapply(seq_len(n_series), function(id) {
  s <- random_series()
  d <- data.frame(
    x = seq(as.Date("2020-01-01"), by = "month", length.out = length(s$text)),
    y = as.numeric(s$text)
  )
  args <- list(d, value_field = "y", date_field = "x", improvement_direction = s$direction,
               screen_outliers = s$screen)
  if (length(s$rebase)) args$rebase <- d$x[s$rebase + 1]
  if (!is.na(s$target)) args$target <- s$target
  if (!is.na(s$fix)) args$fix_after_n_points <- s$fix
  r <- suppressWarnings(do.call(ptd_spc, args))
  first <- !duplicated(r$rebase_group)
  icons <- NHSRplotthedots:::ptd_get_icons(r)
  icon <- function(type) {
    i <- icons$icon[icons$type == type]
    if (length(i)) sub("\\.svg$", "", basename(i)) else ""
  }
  data.frame(
    series = id,
    improvement_direction = s$direction,
    target = ifelse(is.na(s$target), "", sprintf("%.15g", s$target)),
    rebase = joined(s$rebase, "%d"),
    fix_after_n_points = ifelse(is.na(s$fix), "", as.character(s$fix)),
    screen_outliers = s$screen,
    values = joined(s$text),
    rebase_group = joined(r$rebase_group, "%d"),
    mean = joined(r$mean_col[first], "%.17g"),
    lpl = joined(r$lpl[first], "%.17g"),
    upl = joined(r$upl[first], "%.17g"),
    special_cause_type = joined(ifelse(r$special_cause_type == "Common Cause", "", r$special_cause_type)),
    point_type = joined(r$point_type),
    short_group_warning = paste(as.integer(r$short_group_warning), collapse = ""),
    variation_icon = icon("variation"),
    assurance_type = NHSRplotthedots:::ptd_calculate_assurance_type(r)$assurance_type %|% "",
    assurance_icon = icon("assurance")
  )
})

write.csv(do.call(rbind, rows), out, row.names = FALSE)
cat("wrote", n_series, "series to", out, "\n")
