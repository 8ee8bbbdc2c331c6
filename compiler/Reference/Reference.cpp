//===- Reference.cpp - Float64 reference attention for a spec -------------===//
//
// See Reference.h. Everything here is written for clarity, not speed: the
// expressions are interpreted node by node for every (b, h, q_idx, kv_idx).
//
//===----------------------------------------------------------------------===//
#include "faattn/Reference/Reference.h"
#include "ReferenceInternal.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace faattn::ref {

//===----------------------------------------------------------------------===//
// Helpers shared with ReferenceBackward.cpp (ReferenceInternal.h)
//===----------------------------------------------------------------------===//

void detail::fatal(const llvm::Twine &msg) {
  llvm::report_fatal_error("faattn reference: " + msg);
}

double detail::minimumF(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<double>::quiet_NaN();
  if (a == b) // equal, or +0 and -0
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

double detail::maximumF(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<double>::quiet_NaN();
  if (a == b)
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

int64_t detail::product(const std::vector<int64_t> &dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

namespace {

using detail::fatal;
using detail::maximumF;
using detail::minimumF;
using detail::product;
using spec::BinOp;
using spec::Expr;
using spec::Type;

//===----------------------------------------------------------------------===//
// Values and 32-bit integer arithmetic
//===----------------------------------------------------------------------===//

/// A value of the expression language. Only the field of `type` is meaningful.
struct Value {
  Type type = Type::Unknown;
  bool b = false;
  int32_t i = 0;
  double f = 0;

  static Value ofBool(bool v) { Value r; r.type = Type::Bool; r.b = v; return r; }
  static Value ofI32(int32_t v) { Value r; r.type = Type::I32; r.i = v; return r; }
  static Value ofF32(double v) { Value r; r.type = Type::F32; r.f = v; return r; }

  double asDouble() const {
    switch (type) {
    case Type::Bool: return b ? 1.0 : 0.0;
    case Type::I32: return double(i);
    case Type::F32: return f;
    case Type::Unknown: break;
    }
    fatal("a value of unknown type");
  }
};

constexpr int32_t kI32Min = std::numeric_limits<int32_t>::min();

/// Two's-complement wraparound of a 64-bit result to 32 bits.
int32_t wrap(int64_t x) { return static_cast<int32_t>(static_cast<uint32_t>(x)); }

/// i32 division (truncating) and remainder (sign of the dividend). The cases
/// the hardware leaves undefined get a fixed value and are counted.
int32_t divI32(int32_t a, int32_t b, const Env &env) {
  if (b == 0) {
    ++env.undefinedOps;
    return 0;
  }
  if (a == kI32Min && b == -1) {
    ++env.undefinedOps;
    return kI32Min;
  }
  return a / b; // C++ division truncates toward zero
}

int32_t remI32(int32_t a, int32_t b, const Env &env) {
  if (b == 0) {
    ++env.undefinedOps;
    return a;
  }
  if (a == kI32Min && b == -1) {
    ++env.undefinedOps;
    return 0;
  }
  return a % b; // C++ remainder has the sign of the dividend
}

//===----------------------------------------------------------------------===//
// The expression interpreter
//===----------------------------------------------------------------------===//

Value eval(const Expr &e, const Env &env);

Value evalBuiltin(spec::Builtin b, const Env &env) {
  switch (b) {
  case spec::Builtin::Score: return Value::ofF32(env.score);
  case spec::Builtin::Batch: return Value::ofI32(env.b);
  case spec::Builtin::Head: return Value::ofI32(env.h);
  case spec::Builtin::QIdx: return Value::ofI32(env.qIdx);
  case spec::Builtin::KVIdx: return Value::ofI32(env.kvIdx);
  case spec::Builtin::SeqQ: return Value::ofI32(env.seqQ);
  case spec::Builtin::SeqKV: return Value::ofI32(env.seqKV);
  }
  fatal("unknown builtin");
}

/// Reads `name[args...]`; a read outside the param's dims yields 0.
Value evalParam(const Expr &e, const Env &env) {
  detail::ParamRead at = detail::locateParam(e, env);
  const spec::ParamDecl &decl = env.kernel->params[at.param];
  if (at.element < 0) // reads 0
    return decl.elemType == Type::I32 ? Value::ofI32(0) : Value::ofF32(0);
  double x = (*env.params)[at.param].data[at.element];
  if (decl.elemType == Type::I32)
    return Value::ofI32(wrap(static_cast<int64_t>(x)));
  return Value::ofF32(x);
}

Value evalBinary(const Expr &e, const Env &env) {
  // Logical operators decide on their first operand when they can.
  if (e.binop == BinOp::And) {
    if (!eval(*e.args[0], env).b)
      return Value::ofBool(false);
    return Value::ofBool(eval(*e.args[1], env).b);
  }
  if (e.binop == BinOp::Or) {
    if (eval(*e.args[0], env).b)
      return Value::ofBool(true);
    return Value::ofBool(eval(*e.args[1], env).b);
  }

  Value x = eval(*e.args[0], env), y = eval(*e.args[1], env);
  // Sema gave both operands the same type (promoting i32 to f32).
  if (x.type != y.type)
    fatal("binary operands of different types (unchecked spec?)");

  if (x.type == Type::Bool) { // only == and != take bools
    switch (e.binop) {
    case BinOp::Eq: return Value::ofBool(x.b == y.b);
    case BinOp::Ne: return Value::ofBool(x.b != y.b);
    default: fatal("bool operands of an arithmetic or ordering operator");
    }
  }

  if (x.type == Type::I32) {
    int64_t a = x.i, b = y.i;
    switch (e.binop) {
    case BinOp::Add: return Value::ofI32(wrap(a + b));
    case BinOp::Sub: return Value::ofI32(wrap(a - b));
    case BinOp::Mul: return Value::ofI32(wrap(a * b));
    case BinOp::Div: return Value::ofI32(divI32(x.i, y.i, env));
    case BinOp::Rem: return Value::ofI32(remI32(x.i, y.i, env));
    case BinOp::Lt: return Value::ofBool(a < b);
    case BinOp::Le: return Value::ofBool(a <= b);
    case BinOp::Gt: return Value::ofBool(a > b);
    case BinOp::Ge: return Value::ofBool(a >= b);
    case BinOp::Eq: return Value::ofBool(a == b);
    case BinOp::Ne: return Value::ofBool(a != b);
    case BinOp::And:
    case BinOp::Or: break;
    }
    fatal("bad i32 operator");
  }

  // f32, computed in double. C++ comparisons are the ordered ones (false on
  // NaN) and != is the unordered one (true on NaN), as in the kernel.
  double a = x.f, b = y.f;
  switch (e.binop) {
  case BinOp::Add: return Value::ofF32(a + b);
  case BinOp::Sub: return Value::ofF32(a - b);
  case BinOp::Mul: return Value::ofF32(a * b);
  case BinOp::Div: return Value::ofF32(a / b);
  case BinOp::Lt: return Value::ofBool(a < b);
  case BinOp::Le: return Value::ofBool(a <= b);
  case BinOp::Gt: return Value::ofBool(a > b);
  case BinOp::Ge: return Value::ofBool(a >= b);
  case BinOp::Eq: return Value::ofBool(a == b);
  case BinOp::Ne: return Value::ofBool(a != b);
  case BinOp::Rem: // Sema allows % on i32 only
  case BinOp::And:
  case BinOp::Or: break;
  }
  fatal("bad f32 operator");
}

Value evalCall(const Expr &e, const Env &env) {
  using spec::Func;
  if (e.func == Func::Where) { // only the chosen branch is evaluated
    bool c = eval(*e.args[0], env).b;
    return eval(*e.args[c ? 1 : 2], env);
  }
  if (e.func == Func::Window)
    fatal("window() reached the reference (unchecked spec?)");

  Value x = eval(*e.args[0], env);
  switch (e.func) {
  case Func::Tanh: return Value::ofF32(std::tanh(x.f));
  case Func::Exp: return Value::ofF32(std::exp(x.f));
  case Func::Exp2: return Value::ofF32(std::exp2(x.f));
  case Func::Log: return Value::ofF32(std::log(x.f));
  case Func::Abs:
    if (x.type == Type::I32) // abs(INT32_MIN) wraps to INT32_MIN, like math.absi
      return Value::ofI32(wrap(x.i < 0 ? -int64_t(x.i) : int64_t(x.i)));
    return Value::ofF32(std::fabs(x.f));
  case Func::Min:
  case Func::Max: {
    Value y = eval(*e.args[1], env);
    bool isMin = e.func == Func::Min;
    if (x.type == Type::I32)
      return Value::ofI32(isMin ? std::min(x.i, y.i) : std::max(x.i, y.i));
    return Value::ofF32(isMin ? minimumF(x.f, y.f) : maximumF(x.f, y.f));
  }
  case Func::Where:
  case Func::Window: break;
  }
  fatal("bad function");
}

Value eval(const Expr &e, const Env &env) {
  switch (e.kind) {
  case Expr::Kind::IntLit: return Value::ofI32(wrap(e.ival));
  case Expr::Kind::FloatLit: return Value::ofF32(double(e.fval));
  case Expr::Kind::BoolLit: return Value::ofBool(e.bval);
  case Expr::Kind::Builtin: return evalBuiltin(e.builtin, env);
  case Expr::Kind::Param: return evalParam(e, env);
  case Expr::Kind::Unary: {
    Value x = eval(*e.args[0], env);
    if (e.unop == spec::UnOp::Not)
      return Value::ofBool(!x.b);
    if (x.type == Type::I32)
      return Value::ofI32(wrap(-int64_t(x.i)));
    return Value::ofF32(-x.f);
  }
  case Expr::Kind::Binary: return evalBinary(e, env);
  case Expr::Kind::Call: return evalCall(e, env);
  case Expr::Kind::ToF32: return Value::ofF32(double(eval(*e.args[0], env).i));
  case Expr::Kind::Name: break;
  }
  fatal("unresolved name '" + e.name + "' reached the reference (unchecked spec?)");
}

//===----------------------------------------------------------------------===//
// Random numbers
//===----------------------------------------------------------------------===//

/// splitmix64 (Steele, Lea, Flood 2014): small, fast, and good enough here.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double unit() { return double(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n) (n > 0; the modulo bias is irrelevant here).
  int64_t below(int64_t n) { return int64_t(next() % uint64_t(n)); }

private:
  uint64_t state;
};

} // namespace

detail::ParamRead detail::locateParam(const Expr &e, const Env &env) {
  if (!env.kernel || !env.params)
    fatal("expression reads param '" + e.name + "' but the Env has no params");
  const auto &decls = env.kernel->params;
  size_t pos = 0;
  while (pos < decls.size() && decls[pos].name != e.name)
    ++pos;
  if (pos == decls.size())
    fatal("undeclared param '" + e.name + "'");
  if (pos >= env.params->size())
    fatal("no value for param '" + e.name + "'");
  const ParamValue &pv = (*env.params)[pos];
  if (pv.dims.size() != e.args.size())
    fatal("param '" + e.name + "' has " + llvm::Twine(pv.dims.size()) + " dims but is read with " +
          llvm::Twine(e.args.size()) + " indices");

  // Row-major flat index; evaluate every index even after one is out of bounds.
  int64_t flat = 0;
  bool inBounds = true;
  for (size_t d = 0; d < e.args.size(); ++d) {
    int32_t idx = eval(*e.args[d], env).i;
    if (idx < 0 || idx >= pv.dims[d])
      inBounds = false;
    flat = flat * pv.dims[d] + idx;
  }
  if (!inBounds || flat < 0 || static_cast<size_t>(flat) >= pv.data.size())
    return {pos, -1};
  return {pos, flat};
}

void detail::checkInputs(const spec::KernelSpec &spec, const Shape &shape,
                         const std::vector<double> &q, const std::vector<double> &k,
                         const std::vector<double> &v, const std::vector<ParamValue> &params) {
  const int64_t B = shape.batch, Sq = shape.seqQ, Skv = shape.seqKV;
  const int64_t Hq = spec.headsQ, Hkv = spec.headsKV;
  const int64_t Dqk = spec.headDimQK, Dv = spec.headDimV;

  // Check the sizes: a mismatch is a bug in the test, not a numerics result.
  if (B < 0 || Sq < 0 || Skv < 0)
    fatal("negative shape");
  if (Hq <= 0 || Hkv <= 0 || Hq % Hkv != 0)
    fatal("heads " + llvm::Twine(Hq) + ":" + llvm::Twine(Hkv) + " are not a valid GQA grouping");
  if (Sq > std::numeric_limits<int32_t>::max() || Skv > std::numeric_limits<int32_t>::max())
    fatal("sequence lengths must fit in i32");
  auto expectSize = [](const char *what, size_t got, int64_t want) {
    if (got != static_cast<size_t>(want))
      fatal(llvm::Twine(what) + " has " + llvm::Twine(got) + " elements, expected " +
            llvm::Twine(want));
  };
  expectSize("q", q.size(), B * Sq * Hq * Dqk);
  expectSize("k", k.size(), B * Skv * Hkv * Dqk);
  expectSize("v", v.size(), B * Skv * Hkv * Dv);
  if (params.size() != spec.params.size())
    fatal("got " + llvm::Twine(params.size()) + " params, the spec declares " +
          llvm::Twine(spec.params.size()));
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string &name = spec.params[i].name;
    if (params[i].dims != paramDims(spec, spec.params[i], shape))
      fatal("param '" + name + "' has dims that do not match its declaration and the shape");
    expectSize(name.c_str(), params[i].data.size(), product(params[i].dims));
  }

  auto checkLens = [&](const std::vector<int64_t> &lens, int64_t max, const char *what) {
    if (lens.empty())
      return;
    if (lens.size() != static_cast<size_t>(B))
      fatal(llvm::Twine(what) + " must have one length per batch");
    for (int64_t n : lens)
      if (n < 0 || n > max)
        fatal(llvm::Twine(what) + " has a length outside [0, " + llvm::Twine(max) + "]");
  };
  checkLens(shape.lensQ, Sq, "lensQ");
  checkLens(shape.lensKV, Skv, "lensKV");
}

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

std::vector<int64_t> paramDims(const spec::KernelSpec &k, const spec::ParamDecl &p,
                               const Shape &shape) {
  std::vector<int64_t> dims;
  for (spec::Dim d : p.shape) {
    switch (d) {
    case spec::Dim::Batch: dims.push_back(shape.batch); break;
    case spec::Dim::Heads: dims.push_back(k.headsQ); break;
    case spec::Dim::KVHeads: dims.push_back(k.headsKV); break;
    case spec::Dim::Seq: dims.push_back(std::max(shape.seqQ, shape.seqKV)); break;
    case spec::Dim::SeqQ: dims.push_back(shape.seqQ); break;
    case spec::Dim::SeqKV: dims.push_back(shape.seqKV); break;
    }
  }
  return dims;
}

double evalExpr(const spec::Expr &e, const Env &env) { return eval(e, env).asDouble(); }

void attention(const spec::KernelSpec &spec, const Shape &shape, const std::vector<double> &q,
               const std::vector<double> &k, const std::vector<double> &v,
               const std::vector<ParamValue> &params, std::vector<double> &out,
               std::vector<double> &lse, uint64_t *undefinedOps,
               const std::vector<char> *onlyRows) {
  const int64_t B = shape.batch, Sq = shape.seqQ, Skv = shape.seqKV;
  if (onlyRows && onlyRows->size() != static_cast<size_t>(Sq))
    fatal("onlyRows must have seq_q entries");
  const int64_t Hq = spec.headsQ, Hkv = spec.headsKV;
  const int64_t Dqk = spec.headDimQK, Dv = spec.headDimV;

  detail::checkInputs(spec, shape, q, k, v, params);

  out.assign(static_cast<size_t>(B * Sq * Hq * Dv), 0.0);
  lse.assign(static_cast<size_t>(B * Hq * Sq), 0.0);

  Env env;
  env.kernel = &spec;
  env.params = &params;
  env.seqQ = static_cast<int32_t>(Sq);
  env.seqKV = static_cast<int32_t>(Skv);

  const int64_t group = Hq / Hkv;
  const double scale = spec.scale;
  const double negInf = -std::numeric_limits<double>::infinity();
  std::vector<double> s(static_cast<size_t>(Skv));
  std::vector<char> kept(static_cast<size_t>(Skv));
  std::vector<double> vWeight(static_cast<size_t>(Skv)); // v_descale per key
  std::vector<double> acc(static_cast<size_t>(Dv));

  for (int64_t b = 0; b < B; ++b) {
    env.b = static_cast<int32_t>(b);
    // This sequence's lengths (ragged batches: the rows after them stay 0).
    const int64_t sq = shape.lensQ.empty() ? Sq : shape.lensQ[b];
    const int64_t skv = shape.lensKV.empty() ? Skv : shape.lensKV[b];
    env.seqQ = static_cast<int32_t>(sq);
    env.seqKV = static_cast<int32_t>(skv);
    for (int64_t h = 0; h < Hq; ++h) {
      env.h = static_cast<int32_t>(h);
      const int64_t hkv = h / group;
      for (int64_t i = 0; i < sq; ++i) {
        if (onlyRows && !(*onlyRows)[i])
          continue;
        env.qIdx = static_cast<int32_t>(i);
        const double *qRow = &q[((b * Sq + i) * Hq + h) * Dqk];

        // Scores of the kept keys, and their maximum.
        double rowMax = negInf;
        bool anyKept = false;
        for (int64_t j = 0; j < skv; ++j) {
          env.kvIdx = static_cast<int32_t>(j);
          kept[j] = !spec.mask || evalExpr(*spec.mask, env) != 0;
          if (!kept[j])
            continue;
          anyKept = true;
          const double *kRow = &k[((b * Skv + j) * Hkv + hkv) * Dqk];
          double dot = 0;
          for (int64_t d = 0; d < Dqk; ++d)
            dot += qRow[d] * kRow[d];
          env.score = scale * dot;
          // e4m3 dequantization: q and k times their factors (section 4).
          // A negative q_descale / k_descale reads as NaN (docs/spec-language.md,
          // section 4): negative once in f32, as the kernels convert the factor.
          for (const spec::ExprPtr *d : {&spec.qDescale, &spec.kDescale})
            if (*d) {
              const double f = evalExpr(**d, env);
              env.score *= static_cast<float>(f) < 0 ? std::numeric_limits<double>::quiet_NaN() : f;
            }
          vWeight[j] = spec.vDescale ? evalExpr(*spec.vDescale, env) : 1.0;
          // A checked spec always has a score expression; a hand-built one may not.
          s[j] = spec.score ? evalExpr(*spec.score, env) : env.score;
          // The maximum propagates NaN (arith.maximumf, as in the kernel):
          // a NaN score makes the whole row NaN through exp(s - max) below.
          if (std::isnan(s[j]) || s[j] > rowMax)
            rowMax = s[j];
        }

        double *outRow = &out[((b * Sq + i) * Hq + h) * Dv];
        double &rowLse = lse[(b * Hq + h) * Sq + i];
        // An e4m3 output (out_dtype = e4m3): the row in the quantized domain,
        // clamp(out / o_descale, -448, 448) (NaN kept), as the kernel writes
        // it before rounding to e4m3; o_descale does not read kv_idx.
        auto quantize = [&] {
          if (spec.outType() != spec::DType::E4M3)
            return;
          const double f = spec.oDescale ? evalExpr(*spec.oDescale, env) : 1.0;
          for (int64_t d = 0; d < Dv; ++d) {
            double x = outRow[d] / f;
            outRow[d] = std::isnan(x) ? x : std::clamp(x, -448.0, 448.0);
          }
        };
        if (!anyKept || rowMax == negInf) { // nothing to attend to
          std::fill(outRow, outRow + Dv, 0.0);
          quantize();
          rowLse = negInf;
          continue;
        }

        // Softmax with max subtraction: weights exp(s_j - max) in (0, 1].
        double sum = 0;
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int64_t j = 0; j < skv; ++j) {
          if (!kept[j])
            continue;
          double w = std::exp(s[j] - rowMax);
          sum += w;
          const double *vRow = &v[((b * Skv + j) * Hkv + hkv) * Dv];
          // v_descale weighs the key's value row; a key scored -inf contributes nothing
          // through it (its factor is not read), as in the kernel.
          const double pw = s[j] == negInf ? 0.0 : w * vWeight[j];
          for (int64_t d = 0; d < Dv; ++d)
            acc[d] += pw * vRow[d];
        }
        for (int64_t d = 0; d < Dv; ++d)
          outRow[d] = acc[d] / sum;
        quantize();
        rowLse = rowMax + std::log(sum);
      }
    }
  }
  if (undefinedOps)
    *undefinedOps = env.undefinedOps;
}

double relL2(const std::vector<double> &a, const std::vector<double> &b) {
  if (a.size() != b.size())
    fatal("relL2 of vectors of different sizes (" + llvm::Twine(a.size()) + " and " +
          llvm::Twine(b.size()) + ")");
  const double inf = std::numeric_limits<double>::infinity();
  double diff2 = 0, ref2 = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) {
      if (std::isnan(a[i]) != std::isnan(b[i])) // NaN on one side only
        return inf;
      continue; // NaN on both sides (a NaN input propagated): equal, left out of the norms
    }
    if (std::isinf(a[i]) || std::isinf(b[i])) {
      if (a[i] != b[i]) // one infinite, or opposite infinities
        return inf;
      continue; // the same infinity on both sides: equal, and left out of the norms
    }
    double d = a[i] - b[i];
    diff2 += d * d;
    ref2 += b[i] * b[i];
  }
  double diff = std::sqrt(diff2), ref = std::sqrt(ref2);
  return ref == 0 ? diff : diff / ref;
}

std::vector<double> randomTensor(size_t n, uint64_t seed, double lo, double hi) {
  if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi))
    fatal("randomTensor needs a finite range lo < hi");
  SplitMix64 rng(seed);
  std::vector<double> x(n);
  for (double &e : x) {
    do
      e = lo + (hi - lo) * rng.unit();
    while (e == 0 || e >= hi); // no zeros; rounding may reach hi
  }
  return x;
}

ParamValue randomParam(const spec::KernelSpec &k, const spec::ParamDecl &p, const Shape &shape,
                       uint64_t seed) {
  SplitMix64 rng(seed);
  ParamValue pv;
  pv.dims = paramDims(k, p, shape);
  const int64_t n = product(pv.dims);
  pv.data.resize(static_cast<size_t>(n));

  if (p.elemType == Type::F32) {
    for (double &x : pv.data) {
      do
        x = double(static_cast<float>(0.01 + 0.99 * rng.unit()));
      while (x < 0.01 || x >= 1.0); // f32 rounding may leave the range
    }
    return pv;
  }

  const bool rank1 = p.shape.size() == 1;
  const spec::Dim d0 = rank1 ? p.shape[0] : spec::Dim::Batch;
  if (rank1 && (d0 == spec::Dim::Seq || d0 == spec::Dim::SeqQ || d0 == spec::Dim::SeqKV)) {
    // Document ids: 0 0 0 1 1 2 2 2 2 ..., documents of 1..max(1, n/3) tokens.
    const int64_t maxLen = std::max<int64_t>(1, n / 3);
    int64_t pos = 0, id = 0;
    while (pos < n) {
      int64_t len = std::min(1 + rng.below(maxLen), n - pos);
      std::fill(pv.data.begin() + pos, pv.data.begin() + pos + len, double(id));
      pos += len;
      ++id;
    }
  } else if (rank1 && d0 == spec::Dim::Batch) {
    // Per-sequence lengths such as a prefix: 0 ..= seqKV.
    for (double &x : pv.data)
      x = double(rng.below(shape.seqKV + 1));
  } else {
    for (double &x : pv.data)
      x = double(rng.below(4));
  }
  return pv;
}

} // namespace faattn::ref
