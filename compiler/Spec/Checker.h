//===- Checker.h - The per-kernel checker of Sema (internal) -----*- C++ -*-===//
//
// Sema.cpp checks structure, keys and expressions; SemaInputs.cpp the input
// element types, the dequantization factors, the gradients and the mask.
// Both define members of this class. Internal to compiler/Spec.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_SPEC_CHECKER_H
#define FAATTN_SPEC_CHECKER_H

#include "faattn/Spec/Spec.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

namespace faattn::spec::sema {

/// Built-in and function names, `true`, `false`, `causal`, `param`, `kernel`.
bool isReservedName(llvm::StringRef n);

class Checker {
public:
  Checker(KernelSpec &k, Diagnostics &diag) : k(k), diag(diag) {}
  void run();

private:
  /// Checks `e` in place (it may be replaced when desugared or promoted) and
  /// returns its type; Unknown after an error (already reported).
  Type checkExpr(ExprPtr &e);
  Type checkName(ExprPtr &e);
  Type checkParam(ExprPtr &e);
  Type checkCall(ExprPtr &e);
  Type checkBinary(ExprPtr &e);
  void toF32(ExprPtr &e);
  /// Promotes numeric operands to their common type and returns it.
  Type unifyNumeric(ExprPtr &a, ExprPtr &b);
  Type error(llvm::SMLoc loc, const llvm::Twine &msg) {
    diag.error(loc, msg);
    return Type::Unknown;
  }
  llvm::SMLoc valueLoc(const char *key) {
    auto it = k.valueLocs.find(key);
    return it != k.valueLocs.end() ? it->second : k.loc;
  }
  void checkHeadDim(int d, llvm::SMLoc loc);
  /// e4m3 inputs (`dtype`, and `kv_dtype` for K and V): their targets and
  /// limits (SemaInputs.cpp).
  void checkDtypes();
  void checkMask();
  /// `q_descale` / `k_descale` / `v_descale` / `o_descale`: only where what
  /// they scale is e4m3 (`scaled` is its element type; `requirement` names
  /// the key that makes it so, for the error), numeric (f32 after the check),
  /// and not reading the index of the other side (`forbidden`). `kvTyped`:
  /// K and V's type, whose kv_dtype has its own error (SemaInputs.cpp).
  void checkDescale(ExprPtr &e, const char *key, DType scaled, const char *requirement,
                    bool kvTyped, Builtin forbidden, const char *rowOf);
  /// overlap = softmax with e4m3 Q, K and V (experimental): V's factors that
  /// vary over the keys are refused (after the descales are checked).
  void checkE4M3Overlap();
  /// The `requires_grad` params: f32, a kernel with a backward, read by the
  /// score where a gradient flows (after the score is checked).
  void checkGradients(bool scoreOk);
  /// deterministic: each read of learnable param `name` in `e` is indexed by
  /// what is the same over a tile of the backward (not q_idx, kv_idx, the
  /// score or another param), so its gradient has one element a tile.
  void checkDeterministicReads(const Expr &e, const std::string &name);
  /// deterministic: at most kParamGradEntries distinct learnable reads.
  void checkDeterministicEntries();

  KernelSpec &k;
  Diagnostics &diag;
  bool inScore = false;
};

} // namespace faattn::spec::sema

#endif // FAATTN_SPEC_CHECKER_H
