//===- ReferenceInternal.h - Helpers shared by the reference files -*- C++ -*-===//
//
// Not a public header: what Reference.cpp (the forward and the expression
// interpreter) shares with ReferenceBackward.cpp, so that the backward reads
// params, orders f32 min/max and checks its inputs exactly as the forward
// does instead of carrying a copy of those rules.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_REFERENCE_REFERENCEINTERNAL_H
#define FAATTN_REFERENCE_REFERENCEINTERNAL_H

#include "faattn/Reference/Reference.h"

#include "llvm/ADT/Twine.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faattn::ref::detail {

/// A fatal error prefixed with "faattn reference: " (a bug in the caller).
[[noreturn]] void fatal(const llvm::Twine &msg);

/// IEEE 754-2019 minimum/maximum (arith.minimumf/maximumf): NaN propagates,
/// -0 is less than +0. The f32 `min` and `max` of the expression language.
double minimumF(double a, double b);
double maximumF(double a, double b);

/// Where a Param node `name[args...]` reads: the param's position in
/// env.kernel->params and the row-major element index, or element -1 for a
/// read outside the param (which yields 0 of the param's type). Evaluates the
/// index expressions (counting their undefined operations in env).
struct ParamRead {
  size_t param = 0;
  int64_t element = -1;
};
ParamRead locateParam(const spec::Expr &e, const Env &env);

/// The product of a param's dims (1 for a scalar).
int64_t product(const std::vector<int64_t> &dims);

/// The size checks of ref::attention: GQA grouping, the sizes of q, k, v, the
/// params' dims and the ragged lengths. A mismatch is a fatal error.
void checkInputs(const spec::KernelSpec &spec, const Shape &shape, const std::vector<double> &q,
                 const std::vector<double> &k, const std::vector<double> &v,
                 const std::vector<ParamValue> &params);

} // namespace faattn::ref::detail

#endif // FAATTN_REFERENCE_REFERENCEINTERNAL_H
