//===- FAAttnOps.td - Operations of the faattn dialect -----*- tablegen -*-===//
#ifndef FAATTN_OPS_TD
#define FAATTN_OPS_TD

include "faattn/Dialect/FAAttn/IR/FAAttnDialect.td"
include "faattn/Dialect/FAAttn/IR/FAAttnTypes.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"

def FAAttn_AttentionOp : FAAttn_Op<"attention", [
    AttrSizedOperandSegments, IsolatedFromAbove,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "One attention variant over Q, K, V: out = softmax(mod(scale * Q K^T)) V";
  let description = [{
    Computes, for every batch `b`, query head `h`, query row `i`:

      s_j   = score(scale * dot(Q[b, i, h], K[b, j, h / (heads / kv_heads)]), b, h, i, j)
      keep  = mask(b, h, i, j)
      out   = sum_j softmax_j(s_j | keep) V[b, j, h / group]

    with rows whose every key is masked yielding 0 and LSE -inf. Q, K, V and
    `out` are 4-D memrefs in `layout` order (bshd: batch, seq, head, dim;
    bhsd: batch, head, seq, dim). `lse`, when present, is (batch, heads,
    seq_q) f32. `params` are the spec's extra tensors.

    Both regions receive (b, h, q_idx, kv_idx, seq_q, seq_kv) as i32 and the
    params as memrefs; the score region receives the scaled score (f32)
    first and yields an f32, the mask region yields an i1. An empty mask
    region keeps every element.
  }];
  let arguments = (ins
    AnyMemRef:$q, AnyMemRef:$k, AnyMemRef:$v, AnyMemRef:$out,
    Optional<AnyMemRef>:$lse,
    Variadic<AnyMemRef>:$params,
    ConfinedAttr<I64Attr, [IntPositive]>:$num_heads,
    ConfinedAttr<I64Attr, [IntPositive]>:$num_kv_heads,
    F32Attr:$scale,
    FAAttn_ModeAttr:$mode,
    FAAttn_LayoutAttr:$layout,
    UnitAttr:$varlen,
    OptionalAttr<I64Attr>:$paged_kv_page,
    OptionalAttr<DenseI64ArrayAttr>:$tile
  );
  let regions = (region SizedRegion<1>:$score, MaxSizedRegion<1>:$mask);
  let assemblyFormat = [{
    `q` `(` $q `:` type($q) `)` `k` `(` $k `:` type($k) `)`
    `v` `(` $v `:` type($v) `)` `out` `(` $out `:` type($out) `)`
    (`lse` `(` $lse^ `:` type($lse) `)`)?
    (`params` `(` $params^ `:` type($params) `)`)?
    attr-dict-with-keyword `score` $score (`mask` $mask^)?
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$q, "::mlir::Value":$k, "::mlir::Value":$v,
                   "::mlir::Value":$out, "::mlir::Value":$lse,
                   "::mlir::ValueRange":$params, "int64_t":$numHeads,
                   "int64_t":$numKVHeads, "float":$scale, "::faattn::Mode":$mode,
                   "::faattn::Layout":$layout)>
  ];
  let extraClassDeclaration = [{
    /// Number of leading region arguments before the params: the score
    /// region has the score first, then (b, h, q_idx, kv_idx, seq_q, seq_kv).
    static constexpr unsigned kNumIndexArgs = 6;
    bool hasMask() { return !getMask().empty(); }
    int64_t getGroupSize() { return getNumHeads() / getNumKvHeads(); }
    /// Head dims from the static innermost sizes of Q and V.
    int64_t getHeadDimQK();
    int64_t getHeadDimV();
  }];
}

def FAAttn_YieldOp : FAAttn_Op<"yield", [Pure, Terminator,
    ParentOneOf<["AttentionOp"]>]> {
  let summary = "Yields the value of a score or mask region";
  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

#endif // FAATTN_OPS_TD
