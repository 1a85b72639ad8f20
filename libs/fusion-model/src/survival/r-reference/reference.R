# OncoBoard: R reference results for libs/fusion-model/src/survival (written for this project, Apache-2.0).
#
# Usage:  Rscript reference.R <output.json>
# Needs:  R (r-base-core) and the R package `survival` (Debian: apt-get install --no-install-recommends
#         r-cran-survival). Nothing else: JSON is written by the small writer below (no jsonlite).
#
# The datasets (lung, ovarian, colon, veteran, rotterdam, gbsg) are read from the *installed* survival
# package (LGPL >= 2 / GPL-2) at test time and written, together with R's results, to the output file in a
# temporary folder. They are never stored in this repository. Original studies: see help(<name>,
# package = "survival") and libs/fusion-model/src/survival/README.md.
#
# What R computes here, and what mirrors it in TypeScript:
#   survfit(Surv(t, d) ~ 1, conf.type = "log" | "log-log" | "plain")  -> kaplanMeier()
#   quantile(survfit) / summary(survfit)$table median + CI           -> kaplanMeier().median
#   survdiff(..., rho)                                                -> logRankTest()
#   coxph(..., ties = "efron" | "breslow")                            -> fitCox()
#   survfit(coxph, newdata)                                           -> predictCoxSurvival()
#   concordance(fit [, newdata] [, timewt = "n/G2"] [, ymax])         -> computeHarrellC() / computeUnoC()
#   survival:::brier(fit, times)  (internal in survival 3.5-3)         -> computeBrierScore() (training data)
#   td-AUC and Brier on new data: survival 3.5-3 has no function for them; they are computed below in
#   plain R from survfit() pieces with the formulas written next to them (and in README.md).
suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: Rscript reference.R <output.json>")
out_file <- args[1]

# ---- a minimal JSON writer (base R only) ------------------------------------------------------
# Atomic vectors become arrays, except values wrapped with scalar(). NA / NaN / Inf become null.
scalar <- function(x) { stopifnot(length(x) == 1); structure(x, json_scalar = TRUE) }
json_atom <- function(v) {
  if (is.factor(v)) v <- as.character(v)
  if (is.logical(v)) return(ifelse(is.na(v), "null", ifelse(v, "true", "false")))
  if (is.numeric(v)) return(ifelse(is.finite(v), sprintf("%.17g", v), "null"))
  if (is.character(v)) {
    s <- gsub("\\\\", "\\\\\\\\", v); s <- gsub("\"", "\\\\\"", s)
    return(ifelse(is.na(v), "null", paste0("\"", s, "\"")))
  }
  stop("cannot write JSON for class ", class(v)[1])
}
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.data.frame(x)) x <- as.list(x)
  if (is.list(x)) {
    nm <- names(x)
    parts <- vapply(x, to_json, "")
    if (is.null(nm)) return(paste0("[", paste(parts, collapse = ","), "]"))
    return(paste0("{", paste0(json_atom(nm), ":", parts, collapse = ","), "}"))
  }
  if (isTRUE(attr(x, "json_scalar"))) return(json_atom(unname(x)))
  paste0("[", paste(json_atom(unname(as.vector(x))), collapse = ","), "]")
}

# ---- data (columns, NA -> null; factors as labels + their levels) -----------------------------
columns <- function(df) {
  out <- lapply(df, function(col) if (is.factor(col)) as.character(col) else as.vector(col))
  out
}
levels_of <- function(df) {
  f <- Filter(is.factor, df)
  if (length(f) == 0) return(setNames(list(), character(0)))
  lapply(f, levels)
}

lung_df <- lung
ovarian_df <- ovarian
colon_death <- subset(colon, etype == 2)
veteran_df <- veteran
rott <- rotterdam
rott$rfs <- pmax(rott$recur, rott$death)
rott$rfstime <- with(rott, ifelse(recur == 1, rtime, dtime))
rott_np <- subset(rott, nodes > 0)
gbsg2 <- gbsg
gbsg2$size <- cut(gbsg$size, c(0, 20, 50, 150), c("<=20", "20-50", ">50"))
gbsg2$rfs <- gbsg2$status

rott_cols <- c("rfstime", "rfs", "meno", "size", "grade", "nodes", "pgr", "er", "hormon", "age")
data_out <- list(
  lung = columns(lung_df[, c("time", "status", "age", "sex", "ph.ecog", "ph.karno", "wt.loss")]),
  ovarian = columns(ovarian_df),
  colon_death = columns(colon_death[, c("time", "status", "rx", "sex", "age", "obstruct", "perfor", "adhere",
                                         "nodes", "differ", "extent", "surg")]),
  veteran = columns(veteran_df),
  rotterdam_np = columns(rott_np[, rott_cols]),
  gbsg = columns(gbsg2[, rott_cols])
)
levels_out <- list(colon_death = levels_of(colon_death), veteran = levels_of(veteran_df),
                   rotterdam_np = levels_of(rott_np[, rott_cols]), gbsg = levels_of(gbsg2[, rott_cols]))

# ---- Kaplan-Meier --------------------------------------------------------------------------
km_table <- function(fit) list(time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event,
                               n_censor = fit$n.censor, surv = fit$surv, std_err = fit$std.err,
                               lower = fit$lower, upper = fit$upper)
km_block <- function(formula, data) {
  out <- list()
  for (ct in c("log", "log-log", "plain")) {
    fit <- survfit(formula, data = data, conf.type = ct)
    tab <- summary(fit)$table
    out[[ct]] <- c(km_table(fit), list(
      median = scalar(unname(tab["median"])), median_lower = scalar(unname(tab["0.95LCL"])),
      median_upper = scalar(unname(tab["0.95UCL"])),
      quantiles = lapply(quantile(fit, probs = c(0.25, 0.5, 0.75)), unname)))
  }
  out
}
km_out <- list(
  lung = km_block(Surv(time, status) ~ 1, lung_df),
  ovarian = km_block(Surv(futime, fustat) ~ 1, ovarian_df),
  colon_death = km_block(Surv(time, status) ~ 1, colon_death),
  lung_conf_90 = km_table(survfit(Surv(time, status) ~ 1, data = lung_df, conf.int = 0.9))
)

# ---- log-rank / G-rho ------------------------------------------------------------------------
lr_block <- function(fit) {
  df <- sum(fit$exp > 0) - 1
  if (is.matrix(fit$exp)) df <- sum(rowSums(fit$exp) > 0) - 1
  list(n = as.numeric(fit$n), observed = as.vector(if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs),
       expected = as.vector(if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp),
       var = as.vector(fit$var), chisq = scalar(fit$chisq), df = scalar(df),
       p = scalar(pchisq(fit$chisq, df, lower.tail = FALSE)))
}
logrank_out <- list(
  lung_sex = lr_block(survdiff(Surv(time, status) ~ sex, data = lung_df)),
  lung_sex_rho1 = lr_block(survdiff(Surv(time, status) ~ sex, data = lung_df, rho = 1)),
  lung_ecog = lr_block(survdiff(Surv(time, status) ~ ph.ecog, data = lung_df)),
  colon_rx = lr_block(survdiff(Surv(time, status) ~ rx, data = colon_death)),
  colon_rx_strata_sex = lr_block(survdiff(Surv(time, status) ~ rx + strata(sex), data = colon_death)),
  ovarian_rx_rho05 = lr_block(survdiff(Surv(futime, fustat) ~ rx, data = ovarian_df, rho = 0.5))
)

# ---- Cox -----------------------------------------------------------------------------------
conc_block <- function(cc) list(C = scalar(unname(cc$concordance)), se = scalar(sqrt(unname(cc$var))),
                                counts = lapply(as.list(setNames(as.numeric(cc$count[1:5]),
                                  c("concordant", "discordant", "tied_x", "tied_y", "tied_xy"))), scalar))
pred_times <- function(fit) as.numeric(quantile(fit$y[fit$y[, 2] == 1, 1], c(0.25, 0.5, 0.75), type = 1))
cox_block <- function(fit, data) {
  s <- summary(fit)
  sc <- fit$score
  wald <- as.numeric(t(coef(fit)) %*% solve(vcov(fit), coef(fit)))
  times <- pred_times(fit)
  sf <- survfit(fit, newdata = data[1:5, , drop = FALSE], se.fit = FALSE)
  base <- survfit(fit, se.fit = FALSE)   # at fit$means
  list(terms = names(coef(fit)), coef = unname(coef(fit)), se = unname(sqrt(diag(vcov(fit)))),
       loglik = fit$loglik, iter = scalar(fit$iter), n = scalar(fit$n), nevent = scalar(fit$nevent),
       n_dropped = scalar(length(fit$na.action)), means = unname(fit$means),
       score_test = scalar(unname(sc)), wald_test = scalar(wald),
       lr_test = scalar(unname(s$logtest["test"])), df = scalar(length(coef(fit))),
       linear_predictors = unname(fit$linear.predictors),
       concordance = conc_block(concordance(fit)),
       baseline = list(time = base$time, cumhaz = base$cumhaz, surv = base$surv),
       predicted = list(times = times, rows = 1:5,
                        surv = lapply(1:5, function(i) summary(sf[i], times = times)$surv)))
}
fit_lung <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung_df)
fit_lung_b <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung_df, ties = "breslow")
fit_ov <- coxph(Surv(futime, fustat) ~ age + resid.ds + rx + ecog.ps, data = ovarian_df)
fit_colon_rx <- coxph(Surv(time, status) ~ rx, data = colon_death)
fit_colon <- coxph(Surv(time, status) ~ rx + sex + age + obstruct + perfor + adhere + nodes + differ +
                     extent + surg, data = colon_death)
fit_vet <- coxph(Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior, data = veteran_df)
fit_vet_b <- coxph(Surv(time, status) ~ trt + celltype + karno + diagtime + age + prior, data = veteran_df,
                   ties = "breslow")
f_rott <- Surv(rfstime, rfs) ~ meno + size + grade + nodes + pgr + er + hormon + age
fit_rott <- coxph(f_rott, data = rott_np)
fit_rott_b <- coxph(f_rott, data = rott_np, ties = "breslow")
cox_out <- list(
  lung_efron = cox_block(fit_lung, lung_df), lung_breslow = cox_block(fit_lung_b, lung_df),
  ovarian = cox_block(fit_ov, ovarian_df),
  colon_rx = cox_block(fit_colon_rx, colon_death), colon_full = cox_block(fit_colon, colon_death),
  veteran_efron = cox_block(fit_vet, veteran_df), veteran_breslow = cox_block(fit_vet_b, veteran_df),
  rotterdam_efron = cox_block(fit_rott, rott_np), rotterdam_breslow = cox_block(fit_rott_b, rott_np)
)

# ---- external validation on gbsg: Harrell's C, Uno's C -------------------------------------
lp_gbsg <- unname(predict(fit_rott, newdata = gbsg2, type = "lp"))
tau <- 5 * 365.25
concordance_out <- list(
  gbsg_lp = lp_gbsg,
  harrell = conc_block(concordance(fit_rott, newdata = gbsg2)),
  harrell_tau5y = conc_block(concordance(fit_rott, newdata = gbsg2, ymax = tau)),
  uno = conc_block(concordance(fit_rott, newdata = gbsg2, timewt = "n/G2")),
  uno_tau5y = conc_block(concordance(fit_rott, newdata = gbsg2, timewt = "n/G2", ymax = tau)),
  tau = scalar(tau),
  # concordance of a plain predictor (age) with lung survival: x larger = longer survival (reverse = FALSE)
  lung_age = conc_block(concordance(Surv(time, status) ~ age, data = lung_df)),
  lung_age_uno = conc_block(concordance(Surv(time, status) ~ age, data = lung_df, timewt = "n/G2"))
)

# ---- time-dependent AUC (cumulative/dynamic, IPCW; Uno et al. 2007, Hung & Chiang 2010) ----------
# AUC(t) = sum_i sum_j 1{T_i <= t, d_i = 1} 1{T_j > t} w_i (1{M_i > M_j} + 0.5 1{M_i = M_j})
#          / ( sum_i 1{T_i <= t, d_i = 1} w_i  *  #{j : T_j > t} ),   w_i = 1 / G(T_i-),
# G = Kaplan-Meier of the censoring distribution, survfit(Surv(time, 1 - status) ~ 1) on the evaluation
# data; G(T_i-) = its value just before T_i. (Controls all carry 1/G(t), which cancels.)
td_auc <- function(time, status, marker, times) {
  cfit <- survfit(Surv(time, 1 - status) ~ 1)
  g_minus <- function(t) c(1, cfit$surv)[findInterval(t, cfit$time, left.open = TRUE) + 1]
  sapply(times, function(t) {
    cases <- which(time <= t & status == 1); controls <- which(time > t)
    w <- 1 / g_minus(time[cases])
    num <- sum(w * vapply(marker[cases], function(m) sum(marker[controls] < m) + 0.5 * sum(marker[controls] == m), 0))
    num / (sum(w) * length(controls))
  })
}
auc_times <- c(1, 2, 3, 4, 5) * 365.25
td_auc_out <- list(times = auc_times,
                   gbsg = td_auc(gbsg2$rfstime, gbsg2$rfs, lp_gbsg, auc_times),
                   lung_efron = td_auc(fit_lung$y[, 1], fit_lung$y[, 2], fit_lung$linear.predictors,
                                       c(180, 365, 540)))

# ---- Brier score ------------------------------------------------------------------------------
# (1) survival:::brier(fit, times) on the training data (internal function of survival 3.5-3).
brier_times <- c(1, 2, 3, 4, 5) * 365.25
b_train <- survival:::brier(fit_rott, times = brier_times)
b_train_lung <- survival:::brier(fit_lung, times = c(180, 365, 540))
# (2) the same definition applied to new data (gbsg), written out in R:
#   BS(t) = sum_i w_i(t) (1{T*_i > t} - S_i(t))^2 / sum_i w_i(t)
#   T*_i = T_i + h/2 for censored rows (h = smallest gap between distinct times: censorings at t count as
#   still at risk at t), w_i(t) = 0 if T*_i <= t and censored, else 1 / C(min(T*_i, t)), where C is
#   survfit(Surv(T*, 1 - status) ~ 1) read as a right-continuous step function (1 before its first time).
#   S_i(t) = survfit(fit, newdata)'s predicted survival (Efron/Breslow baseline as the fit's ties).
#   IBS = trapezoidal integral of BS over the grid / (last - first grid time).
brier_new <- function(time, status, surv_mat, times) {
  h <- min(diff(sort(unique(time))))
  dt <- time + ifelse(status == 0, h / 2, 0)
  c0 <- survfit0(survfit(Surv(dt, 1 - status) ~ 1))
  sapply(seq_along(times), function(k) {
    t <- times[k]
    idx <- findInterval(pmin(dt, t), c0$time)
    w <- ifelse(dt < t & status == 0, 0, 1 / c0$surv[idx])
    b <- ifelse(dt > t, (1 - surv_mat[k, ])^2, (status - (1 - surv_mat[k, ]))^2)
    sum(w * b) / sum(w)
  })
}
trapezoid <- function(x, y) sum(diff(x) * (head(y, -1) + tail(y, -1)) / 2) / (max(x) - min(x))
sf_gbsg <- survfit(fit_rott, newdata = gbsg2, se.fit = FALSE)
surv_gbsg <- summary(sf_gbsg, times = brier_times, extend = TRUE)$surv
ibs_grid <- sort(unique(gbsg2$rfstime[gbsg2$rfs == 1 & gbsg2$rfstime <= tau]))
surv_gbsg_grid <- summary(sf_gbsg, times = ibs_grid, extend = TRUE)$surv
bs_grid <- brier_new(gbsg2$rfstime, gbsg2$rfs, surv_gbsg_grid, ibs_grid)
brier_out <- list(
  rotterdam_train = list(times = brier_times, null = unname(b_train$brier[, "NULL"]),
                         model = unname(b_train$brier[, "Model"])),
  lung_train = list(times = c(180, 365, 540), null = unname(b_train_lung$brier[, "NULL"]),
                    model = unname(b_train_lung$brier[, "Model"])),
  gbsg = list(times = brier_times, brier = brier_new(gbsg2$rfstime, gbsg2$rfs, surv_gbsg, brier_times),
              predicted_surv_first_row = unname(surv_gbsg[, 1])),
  gbsg_ibs = list(grid = ibs_grid, brier = bs_grid, ibs = scalar(trapezoid(ibs_grid, bs_grid)))
)

result <- list(
  meta = list(R_version = scalar(R.version.string),
              survival_version = scalar(as.character(packageVersion("survival"))),
              script = scalar("libs/fusion-model/src/survival/r-reference/reference.R")),
  data = data_out, levels = levels_out, km = km_out, logrank = logrank_out, cox = cox_out,
  concordance = concordance_out, td_auc = td_auc_out, brier = brier_out
)
tmp <- paste0(out_file, ".tmp", Sys.getpid())
writeLines(to_json(result), tmp, useBytes = TRUE)
invisible(file.rename(tmp, out_file))
cat("wrote", out_file, "\n")
