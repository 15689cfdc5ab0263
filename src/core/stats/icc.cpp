#include "core/stats/icc.hpp"

#include <cmath>

#include "core/stats/distributions.hpp"

namespace crmo::stats {

IccResult icc(const std::vector<std::vector<double>>& ratings, double conf_level) {
  IccResult res;
  std::vector<std::vector<double>> x;
  for (const auto& row : ratings) {
    bool ok = true;
    for (double v : row) ok = ok && !std::isnan(v);
    if (ok) x.push_back(row);
    else ++res.n_missing;
  }
  if (x.size() < 2) throw StatsError("ICC needs at least 2 subjects with complete ratings");
  const std::size_t k = x[0].size();
  if (k < 2) throw StatsError("ICC needs at least 2 raters");
  for (const auto& row : x)
    if (row.size() != k) throw StatsError("every subject needs the same number of ratings");
  const double n = static_cast<double>(x.size()), nj = static_cast<double>(k);
  long double grand = 0;
  std::vector<long double> rowm(x.size(), 0), colm(k, 0);
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < k; ++j) {
      grand += x[i][j];
      rowm[i] += x[i][j];
      colm[j] += x[i][j];
    }
  grand /= n * nj;
  for (auto& v : rowm) v /= nj;
  for (auto& v : colm) v /= n;
  long double ssb = 0, ssj = 0, sse = 0;
  for (std::size_t i = 0; i < x.size(); ++i) ssb += (rowm[i] - grand) * (rowm[i] - grand);
  ssb *= nj;
  for (std::size_t j = 0; j < k; ++j) ssj += (colm[j] - grand) * (colm[j] - grand);
  ssj *= n;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < k; ++j) {
      const long double e = x[i][j] - rowm[i] - colm[j] + grand;
      sse += e * e;
    }
  const double dfb = n - 1, dfj = nj - 1, dfe = (n - 1) * (nj - 1);
  const double msb = static_cast<double>(ssb) / dfb, msj = static_cast<double>(ssj) / dfj,
               mse = static_cast<double>(sse) / dfe;
  const double msw = static_cast<double>(ssj + sse) / (dfj + dfe);
  if (!(mse > 0) && !(msw > 0)) throw StatsError("ICC is undefined: the ratings have no residual variance");
  res.msb = msb;
  res.msj = msj;
  res.mse = mse;
  res.msw = msw;
  res.n = x.size();
  res.raters = k;
  const double alpha = 1 - conf_level;
  const double icc1 = (msb - msw) / (msb + (nj - 1) * msw);
  const double icc2 = (msb - mse) / (msb + (nj - 1) * mse + nj * (msj - mse) / n);
  const double icc3 = (msb - mse) / (msb + (nj - 1) * mse);
  const double icc1k = (msb - msw) / msb;
  const double icc2k = (msb - mse) / (msb + (msj - mse) / n);
  const double icc3k = (msb - mse) / msb;
  const double f11 = msb / msw, df11n = n - 1, df11d = n * (nj - 1);
  const double f21 = msb / mse, df21n = n - 1, df21d = (n - 1) * (nj - 1);
  const double p11 = dist::pf(f11, df11n, df11d, false), p21 = dist::pf(f21, df21n, df21d, false);
  const double f1l = f11 / dist::qf(1 - alpha / 2, df11n, df11d);
  const double f1u = f11 * dist::qf(1 - alpha / 2, df11d, df11n);
  const double f3l = f21 / dist::qf(1 - alpha / 2, df21n, df21d);
  const double f3u = f21 * dist::qf(1 - alpha / 2, df21d, df21n);
  const double fj = msj / mse;
  const double vn = (nj - 1) * (n - 1) * std::pow(nj * icc2 * fj + n * (1 + (nj - 1) * icc2) - nj * icc2, 2);
  const double vd = (n - 1) * nj * nj * icc2 * icc2 * fj * fj + std::pow(n * (1 + (nj - 1) * icc2) - nj * icc2, 2);
  const double v = vn / vd;
  const double f2u = dist::qf(1 - alpha / 2, n - 1, v);
  const double f2l = dist::qf(1 - alpha / 2, v, n - 1);
  const double l2 = n * (msb - f2u * mse) / (f2u * (nj * msj + (nj * n - nj - n) * mse) + n * msb);
  const double u2 = n * (f2l * msb - mse) / (nj * msj + (nj * n - nj - n) * mse + n * f2l * msb);
  auto form = [&](const char* type, double value, double f, double d1, double d2, double p, double lo, double hi) {
    res.forms.push_back({type, value, f, d1, d2, p, {lo, hi, conf_level}});
  };
  form("ICC1", icc1, f11, df11n, df11d, p11, (f1l - 1) / (f1l + (nj - 1)), (f1u - 1) / (f1u + nj - 1));
  form("ICC2", icc2, f21, df21n, df21d, p21, l2, u2);
  form("ICC3", icc3, f21, df21n, df21d, p21, (f3l - 1) / (f3l + nj - 1), (f3u - 1) / (f3u + nj - 1));
  form("ICC1k", icc1k, f11, df11n, df11d, p11, 1 - 1 / f1l, 1 - 1 / f1u);
  form("ICC2k", icc2k, f21, df21n, df21d, p21, l2 * nj / (1 + l2 * (nj - 1)), u2 * nj / (1 + u2 * (nj - 1)));
  form("ICC3k", icc3k, f21, df21n, df21d, p21, 1 - 1 / f3l, 1 - 1 / f3u);
  return res;
}

}  // namespace crmo::stats
