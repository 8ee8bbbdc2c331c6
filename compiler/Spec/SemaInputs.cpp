//===- SemaInputs.cpp - Element types, descale factors, gradients, mask ---===//
//
// The Checker's members for what the kernel's inputs are and what is derived
// from them: e4m3 inputs (`dtype`, `kv_dtype`), the dequantization factors
// (`q_descale`, `k_descale`, `v_descale`), the `requires_grad` params and the
// mask expression. The rest of the checker is in Sema.cpp.
//
//===----------------------------------------------------------------------===//
#include "Checker.h"

#include "faattn/Dialect/FAAttn/IR/ParamGradSlots.h"

#include <set>

namespace faattn::spec::sema {

// Target and dtype: e4m3 inputs (all of them, or K and V under `kv_dtype`).
void Checker::checkDtypes() {
  auto checkE4M3 = [&](const char *key) {
    llvm::SMLoc loc = valueLoc(key);
    if (k.target != Target::SM90a)
      diag.error(loc, llvm::Twine(key) + " e4m3 requires target = sm_90a");
    else if (k.mode == Mode::Backward)
      diag.error(loc, llvm::Twine(key) + " e4m3 is not supported with mode = backward");
    else if (k.backward && k.mode == Mode::Forward) // on another mode the flag is the error
      diag.error(loc, llvm::Twine(key) + " e4m3 is not supported with backward");
    else if (k.keyLocs.count("head_dim") &&
             (k.headDimQK != k.headDimV ||
              (k.headDimQK != 64 && k.headDimQK != 128 && k.headDimQK != 256)))
      diag.error(loc, llvm::Twine(key) + " e4m3 on sm_90a supports head_dim 64, 128 or 256 "
                                         "(equal for qk and v), got " +
                          llvm::Twine(k.headDimQK) + ":" + llvm::Twine(k.headDimV));
  };
  if (k.dtype == DType::E4M3)
    checkE4M3("dtype");
  if (k.kvDtype && *k.kvDtype == k.dtype) {
    k.kvDtype.reset(); // writing the default
  } else if (k.kvDtype) {
    if (*k.kvDtype != DType::E4M3 || k.dtype == DType::E4M3)
      diag.error(valueLoc("kv_dtype"),
                 llvm::Twine("kv_dtype = ") + dtypeName(*k.kvDtype) + " with dtype = " +
                     dtypeName(k.dtype) +
                     " is not supported (K and V may differ from Q only as e4m3 under a bf16 "
                     "or f16 Q)");
    else
      checkE4M3("kv_dtype");
  }
  // The output: the default, or e4m3 under an e4m3 dtype (quantized by o_descale).
  DType defaultOut = k.dtype == DType::E4M3 ? DType::BF16 : k.dtype;
  if (k.outDtype && *k.outDtype == defaultOut) {
    k.outDtype.reset(); // writing the default
  } else if (k.outDtype && *k.outDtype != DType::E4M3) {
    diag.error(valueLoc("out_dtype"), llvm::Twine("out_dtype = ") + dtypeName(*k.outDtype) +
                                          " with dtype = " + dtypeName(k.dtype) +
                                          " is not supported (the output is " +
                                          dtypeName(defaultOut) + ", or e4m3 under dtype = e4m3)");
  } else if (k.outDtype) {
    if (k.dtype != DType::E4M3)
      diag.error(valueLoc("out_dtype"), llvm::Twine("out_dtype = e4m3 requires dtype = e4m3, got ") +
                                            dtypeName(k.dtype));
    else if (k.mode == Mode::Decode)
      diag.error(valueLoc("out_dtype"),
                 "out_dtype = e4m3 is not supported with mode = decode yet (split-KV's combine "
                 "writes the output)");
  }
}

namespace {

/// The first node of `e` that reads builtin `b`, or null.
const Expr *findBuiltin(const Expr &e, Builtin b) {
  if (e.kind == Expr::Kind::Builtin && e.builtin == b)
    return &e;
  for (const ExprPtr &a : e.args)
    if (const Expr *found = findBuiltin(*a, b))
      return found;
  return nullptr;
}

} // namespace

void Checker::checkE4M3Overlap() {
  // V's factors that vary over the keys weigh P V's rows (docs/FP8.md, "The
  // FP8 mainloop"): a form of O's update faattn-overlap-softmax's rotated
  // loops do not take yet.
  if (k.overlap != Overlap::Softmax || k.dtype != DType::E4M3 || !k.vDescale)
    return;
  if (const Expr *read = findBuiltin(*k.vDescale, Builtin::KVIdx))
    diag.error(read->loc, "v_descale cannot read kv_idx with overlap = softmax yet (the rotated "
                          "loops do not take V's row weights)");
}

void Checker::checkDescale(ExprPtr &e, const char *key, DType scaled, const char *requirement,
                           bool kvTyped, Builtin forbidden, const char *rowOf) {
  if (!e)
    return;
  if (scaled != DType::E4M3) {
    if (kvTyped && k.kvDtype)
      return; // K and V's type is kv_dtype's own error (any kv_dtype left here is one)
    diag.error(k.keyLocs.at(key), llvm::Twine(key) + " requires " + requirement + ", got " +
                                      dtypeName(scaled));
    return;
  }
  Type t = checkExpr(e);
  if (t == Type::Unknown)
    return;
  if (t == Type::Bool) {
    diag.error(valueLoc(key), llvm::Twine(key) + " must be a numeric expression, got bool");
    return;
  }
  toF32(e);
  if (const Expr *read = findBuiltin(*e, forbidden))
    diag.error(read->loc, llvm::Twine(key) + " cannot read " + builtinName(forbidden) +
                              ": it scales " + rowOf);
}

namespace {

/// How an expression reads param `name`: not at all, only where nothing is
/// differentiated (a comparison, a condition, an i32 conversion), or along
/// a path of f32 arithmetic and functions to its value.
enum class Read { None, NoGradient, Differentiable };

Read combine(Read a, Read b) { return a > b ? a : b; }

/// Calls `fn(read, differentiable)` for each param read in `e`, in order:
/// `differentiable` when a gradient flows to it along a path of f32
/// arithmetic and functions from `e`'s value (`e` itself taking one when
/// `differentiable` is set).
void walkParamReads(const Expr &e, bool differentiable,
                    llvm::function_ref<void(const Expr &, bool)> fn) {
  if (e.kind == Expr::Kind::Param)
    fn(e, differentiable && e.type == Type::F32);
  for (size_t i = 0; i < e.args.size(); ++i) {
    // Gradients flow into the f32 operands of + - * /, unary -, the f32
    // functions and min / max, and into the branches of where (not its
    // condition); into nothing else (comparisons, && || !, %, indices,
    // conversions from i32).
    bool through = differentiable && e.type == Type::F32;
    switch (e.kind) {
    case Expr::Kind::Binary:
      through &= e.binop == BinOp::Add || e.binop == BinOp::Sub || e.binop == BinOp::Mul ||
                 e.binop == BinOp::Div;
      break;
    case Expr::Kind::Unary: through &= e.unop == UnOp::Neg; break;
    case Expr::Kind::Call: through &= e.func != Func::Where || i > 0; break;
    default: through = false; break; // a param's indices, an i32 conversion
    }
    walkParamReads(*e.args[i], through, fn);
  }
}

Read readsParam(const Expr &e, const std::string &name, bool differentiable) {
  Read r = Read::None;
  walkParamReads(e, differentiable, [&](const Expr &read, bool flows) {
    if (read.name == name)
      r = combine(r, flows ? Read::Differentiable : Read::NoGradient);
  });
  return r;
}

/// What in `index` (a learnable param's index, under deterministic) keeps it
/// from being the same over a block of the backward: q_idx, kv_idx, the
/// score, a param read, or a division by anything but a number (lowered with
/// a guard that the backward's analysis does not see through); else null.
const Expr *findTileVarying(const Expr &index, std::string &what) {
  if (index.kind == Expr::Kind::Builtin &&
      (index.builtin == Builtin::QIdx || index.builtin == Builtin::KVIdx ||
       index.builtin == Builtin::Score)) {
    what = std::string("reads ") + builtinName(index.builtin);
    return &index;
  }
  if (index.kind == Expr::Kind::Param) {
    what = "reads param '" + index.name + "'";
    return &index;
  }
  if (index.kind == Expr::Kind::Binary &&
      (index.binop == BinOp::Div || index.binop == BinOp::Rem) &&
      index.args[1]->kind != Expr::Kind::IntLit) {
    what = "divides by an expression (only by numbers)";
    return index.args[1].get();
  }
  for (const ExprPtr &a : index.args)
    if (const Expr *found = findTileVarying(*a, what))
      return found;
  return nullptr;
}

} // namespace

void Checker::checkDeterministicReads(const Expr &e, const std::string &name) {
  walkParamReads(e, /*differentiable=*/true, [&](const Expr &read, bool flows) {
    if (!flows || read.name != name)
      return; // no gradient: nothing to order
    for (const ExprPtr &index : read.args) {
      std::string what;
      if (const Expr *varying = findTileVarying(*index, what)) {
        diag.error(varying->loc, "deterministic needs param '" + name +
                                     "' (which requires a gradient) read at indices of b, h, "
                                     "seq_q, seq_kv and numbers, but this index " + what);
        return;
      }
    }
  });
}

void Checker::checkDeterministicEntries() {
  // The distinct reads (by their canonical text) where a gradient flows to a
  // param that requires one: the partials' entries.
  std::set<std::string> reads;
  walkParamReads(*k.score, /*differentiable=*/true, [&](const Expr &read, bool flows) {
    if (const ParamDecl *p = k.findParam(read.name); flows && p && p->requiresGrad)
      reads.insert(canonicalExpr(read));
  });
  if (reads.empty())
    return;
  // The SIMT backward (sm_80, head dims not multiples of 16) adds param
  // gradients by atomics in no fixed order; only the tensor-core one orders them.
  if (k.target != Target::SM90a || k.headDimQK % 16 != 0 || k.headDimV % 16 != 0)
    diag.error(k.keyLocs["deterministic"],
               "deterministic with params that require a gradient needs the tensor-core "
               "backward: target sm_90a and head dims multiples of 16");
  else if (static_cast<int64_t>(reads.size()) > kParamGradEntries)
    diag.error(k.keyLocs["deterministic"],
               "deterministic takes at most " + llvm::Twine(kParamGradEntries) +
                   " distinct reads of params that require a gradient, the score has " +
                   llvm::Twine(reads.size()));
}

void Checker::checkGradients(bool scoreOk) {
  // (A kernel without a backward has its error already.)
  if (scoreOk && k.deterministic && k.score && (k.mode == Mode::Backward || k.backward))
    checkDeterministicEntries();
  for (const ParamDecl &p : k.params) {
    if (!p.requiresGrad || isReservedName(p.name))
      continue; // a reserved name is an error already
    if (p.elemType != Type::F32) {
      diag.error(p.gradLoc, "param '" + p.name + "' is " + typeName(p.elemType) +
                                " and cannot require a gradient (only f32 params can)");
      continue;
    }
    if (k.mode != Mode::Backward && !k.backward) {
      diag.error(p.gradLoc, "param '" + p.name + "' requires a gradient, but kernel '" + k.name +
                                "' has no backward (add 'backward', or set mode = backward)");
      continue;
    }
    if (!scoreOk)
      continue; // the score's errors are reported already
    Read r = readsParam(*k.score, p.name, /*differentiable=*/true);
    if (r == Read::Differentiable) {
      if (k.deterministic)
        checkDeterministicReads(*k.score, p.name);
      continue;
    }
    if (r == Read::NoGradient)
      diag.error(p.gradLoc, "param '" + p.name + "' requires a gradient, but the score reads it "
                                "only where nothing is differentiated (comparisons, conditions)");
    else if (k.mask && readsParam(*k.mask, p.name, false) != Read::None)
      diag.error(p.gradLoc, "param '" + p.name +
                                "' requires a gradient, but only the mask reads it, and masks "
                                "have no gradient");
    else
      diag.error(p.gradLoc,
                 "param '" + p.name + "' requires a gradient, but the score does not read it");
  }
}

void Checker::checkMask() {
  if (!k.mask)
    return;
  Type t = checkExpr(k.mask);
  if (t == Type::I32 || t == Type::F32)
    diag.error(valueLoc("mask"), llvm::Twine("mask must be a boolean expression, got ") +
                                     typeName(t));
  else if (t == Type::Bool && k.mask->kind == Expr::Kind::BoolLit && k.mask->bval)
    k.mask.reset(); // `mask = true` is no mask
}

} // namespace faattn::spec::sema
