//===- AST.h - The spec language's abstract syntax tree ---------*- C++ -*-===//
//
// A parsed and checked attention spec. The parser fills the syntax; Sema
// resolves names, desugars `causal` / `window(l, r)`, inserts int->f32
// promotions and fills in defaults, so that downstream code (canonical form,
// IR frontend) sees one fully explicit shape.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_SPEC_AST_H
#define FAATTN_SPEC_AST_H

#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace faattn::spec {

/// Value types of the expression language.
enum class Type { Unknown, Bool, I32, F32 };
const char *typeName(Type t);

enum class BinOp { Add, Sub, Mul, Div, Rem, Lt, Le, Gt, Ge, Eq, Ne, And, Or };
enum class UnOp { Neg, Not };
/// Built-in functions; Window is sugar that Sema rewrites away.
enum class Func { Tanh, Exp, Exp2, Log, Abs, Min, Max, Where, Window };
const char *funcName(Func f);

/// Names that expressions can read without declaring them.
enum class Builtin { Score, Batch, Head, QIdx, KVIdx, SeqQ, SeqKV };
const char *builtinName(Builtin b);

struct Expr {
  enum class Kind {
    IntLit,   // ival
    FloatLit, // fval
    BoolLit,  // bval
    Name,     // unresolved identifier (parser only), name
    Builtin,  // builtin
    Param,    // name, args = indices (empty for a scalar param)
    Unary,    // unop, args[0]
    Binary,   // binop, args[0..1]
    Call,     // func (or name while unresolved), args
    ToF32,    // args[0] is i32; inserted by Sema
  };
  Kind kind;
  llvm::SMLoc loc;
  Type type = Type::Unknown;
  int64_t ival = 0;
  float fval = 0;
  bool bval = false;
  std::string name;
  Builtin builtin = Builtin::Score;
  BinOp binop = BinOp::Add;
  UnOp unop = UnOp::Neg;
  Func func = Func::Tanh;
  std::vector<std::unique_ptr<Expr>> args;

  Expr(Kind k, llvm::SMLoc l) : kind(k), loc(l) {}
  std::unique_ptr<Expr> clone() const;
};
using ExprPtr = std::unique_ptr<Expr>;

enum class DType { F16, BF16, E4M3 };
enum class Layout { BSHD, BHSD };
enum class Mode { Forward, Backward, Decode };
enum class Target { SM80, SM90a };
enum class Schedule { Auto, Cooperative, Pingpong };
/// The launch grid: one CTA per q-tile, or one per SM taking tiles in turn.
enum class Grid { Default, Persistent };
/// The order in which a sm_90a kernel's CTAs (or a persistent CTA's turns) take the
/// (batch, head, q-block) tiles: the compiler's choice, the last q-blocks of every
/// (batch, head) first, or sections of (batch, head) pairs whose K and V fit in L2.
enum class TileOrder { Auto, HeavyFirst, L2Sections };
/// What a sm_90a forward kernel's tensor-core products overlap within a warpgroup:
/// the compiler's choice (none so far), nothing, or the next block's softmax
/// (faattn-overlap-softmax: block j - 1's P V under block j's softmax, FA3's order).
enum class Overlap { Auto, None, Softmax };
const char *dtypeName(DType d);
const char *layoutName(Layout l);
const char *modeName(Mode m);
const char *targetName(Target t);
const char *scheduleName(Schedule s);
const char *gridName(Grid g);
const char *tileOrderName(TileOrder o);
const char *overlapName(Overlap o);

/// A dimension of a param's shape, named after a launch-time size.
enum class Dim { Batch, Heads, KVHeads, Seq, SeqQ, SeqKV };
const char *dimName(Dim d);

struct ParamDecl {
  std::string name;
  Type elemType = Type::F32; // F32 or I32
  std::vector<Dim> shape;    // empty: scalar
  llvm::SMLoc loc;
  /// `requires_grad`: the kernel's backward computes this param's gradient.
  bool requiresGrad = false;
  llvm::SMLoc gradLoc; // where `requires_grad` was written
};

struct KernelSpec {
  std::string name;
  llvm::SMLoc loc;     // the kernel's name
  llvm::SMLoc bodyLoc; // its '{'

  int headsQ = 0, headsKV = 0;
  int headDimQK = 0, headDimV = 0;
  DType dtype = DType::BF16;
  /// `kv_dtype`: K and V's element type; after Sema set only when it differs
  /// from `dtype` (e4m3 K and V under a bf16 / f16 Q: an e4m3 KV cache).
  std::optional<DType> kvDtype;
  DType kvType() const { return kvDtype.value_or(dtype); }
  /// `out_dtype`: the output's element type; after Sema set only when it
  /// differs from the default (`dtype`, bf16 for e4m3): e4m3, the output
  /// quantized by `o_descale` (docs/FP8.md).
  std::optional<DType> outDtype;
  DType outType() const {
    return outDtype.value_or(dtype == DType::E4M3 ? DType::BF16 : dtype);
  }
  Layout layout = Layout::BSHD;
  Mode mode = Mode::Forward;
  Target target = Target::SM90a;
  /// Softmax scale; Sema sets the default 1/sqrt(headDimQK).
  float scale = 0;
  bool scaleGiven = false;
  /// After Sema: never null (the identity `score` by default).
  ExprPtr score;
  /// After Sema: null means "no mask" (every element kept).
  ExprPtr mask;
  /// Dequantization factors of e4m3 inputs (`q_descale`, `k_descale`,
  /// `v_descale`), f32 after Sema; null: 1. The kernel attends over
  /// q * q_descale, k * k_descale and v * v_descale (docs/spec-language.md).
  ExprPtr qDescale, kDescale, vDescale;
  /// `o_descale` (with out_dtype = e4m3), f32 after Sema; null: 1. The kernel
  /// writes e4m3(clamp(out / o_descale, -448, 448)): out = out8 * o_descale.
  ExprPtr oDescale;
  std::vector<ParamDecl> params;
  bool returnLse = false;
  /// The `backward` flag of a forward kernel: it also yields its backward
  /// (backwardOf() in Spec.h) and so writes the LSE (Sema sets returnLse).
  bool backward = false;
  /// `deterministic`: the backward adds dQ in a fixed order (bit-reproducible
  /// gradients; docs/BACKWARD.md). A backward key: a `mode = backward` kernel's,
  /// or a forward kernel's with `backward` (its backward inherits it).
  bool deterministic = false;
  bool varlen = false;
  std::optional<int> pagedKVPage;
  std::optional<int> tileM, tileN;
  std::optional<int> stages;
  Schedule schedule = Schedule::Auto;
  Grid grid = Grid::Default;
  TileOrder tileOrder = TileOrder::Auto;
  Overlap overlap = Overlap::Auto;

  /// Where each key was written (for diagnostics); keyed by the key's name.
  std::map<std::string, llvm::SMLoc> keyLocs;
  /// Where the value of a key starts (for diagnostics about the value).
  std::map<std::string, llvm::SMLoc> valueLocs;

  const ParamDecl *findParam(const std::string &n) const {
    for (const ParamDecl &p : params)
      if (p.name == n)
        return &p;
    return nullptr;
  }
};

} // namespace faattn::spec

#endif // FAATTN_SPEC_AST_H
