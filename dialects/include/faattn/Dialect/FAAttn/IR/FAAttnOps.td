//===- FAAttnOps.td - Operations of the faattn dialect -----*- tablegen -*-===//
#ifndef FAATTN_OPS_TD
#define FAATTN_OPS_TD

include "faattn/Dialect/FAAttn/IR/FAAttnDialect.td"
include "faattn/Dialect/FAAttn/IR/FAAttnTypes.td"
include "faattn/Dialect/FAAttn/IR/FAAttnAttrs.td"
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

    With `varlen`, Q, `out` (and K, V unless paged) hold every sequence
    packed along the sequence dimension with a batch dimension of 1;
    `cu_seqlens_q` / `cu_seqlens_kv` (batch + 1 i32 offsets) say where each
    sequence starts and ends, and the batch size is `size(cu_seqlens_q) - 1`.
    `lse` is then (1, heads, total_q). With `paged_kv_page = P`, K and V are
    pages (num_pages, P, kv_heads, dim) in layout order, `block_table`
    (batch, max_pages) i32 maps a sequence's page number to a physical page
    and `seqlens_kv` (batch) i32 gives each sequence's KV length (clamped to
    the table's capacity max_pages * P). q_idx and kv_idx count from each
    sequence's start; seq_q and seq_kv are that sequence's lengths.

    Both regions receive (b, h, q_idx, kv_idx, seq_q, seq_kv) as i32 and the
    params as memrefs; the score region receives the scaled score (f32)
    first and yields an f32, the mask region yields an i1. An empty mask
    region keeps every element.

    `requires_grad` lists the positions (in `params`) of the f32 params
    whose gradient a backward computes (the spec's `requires_grad`). The
    `grad` region, which faattn-score-grad builds from the score region,
    takes the score region's arguments and ends with a `faattn.grad_yield`
    of the score's value, its derivative with respect to the score, and the
    derivative with respect to each param element it reads (a param of
    `requires_grad`, at the indices it reads).

    A backward op (`mode = backward`) may carry its gradient operands, all
    or none: `dout` (dL/d out, shaped like `out`), `lse` (the forward's
    log-sum-exp, an input here), and the outputs `dq`, `dk`, `dv` (shaped
    like q, k, v) and `param_grads`, one per `requires_grad` position, each
    of its param's type (KernelABI.h's backward argument list).
    faattn-backward-to-loops lowers such an op on the CPU path.

    The `v_descale` region (e4m3 kernels with the spec's `v_descale`) takes
    the mask region's arguments and yields an f32 factor w(b, h, q_idx,
    kv_idx) by which V's row kv_idx is dequantized: out = sum_j p_j w_j V_j
    / sum_j p_j. (The spec's `q_descale` and `k_descale` are folded into the
    score region by the frontend: they scale the score.)

    The `o_descale` region (an e4m3 output, the spec's `out_dtype = e4m3`;
    the frontend writes 1.0 when the spec has no `o_descale`) takes the
    mask region's arguments and yields an f32 factor f(b, h, q_idx) that
    quantizes the output row: out8 = e4m3(clamp(out / f, -448, 448)), so
    that out = out8 * f. It does not read kv_idx (the spec's checks).

    `deterministic` (backward ops without `requires_grad`, the spec's key):
    the backward adds dQ in a fixed order, so its gradients are
    bit-reproducible (faattn-backward-tile's Q-block turns, faattn.turn_*).

    `tile` (block_m x block_n) and `head_group` are faattn-tune's choices for
    faattn-tile: with `head_group = G` (GQA packing, decode) a CTA's block_m
    query rows are G query heads of one KV group, block_m / G rows each.
  }];
  let arguments = (ins
    AnyMemRef:$q, AnyMemRef:$k, AnyMemRef:$v, AnyMemRef:$out,
    Optional<AnyMemRef>:$lse,
    Optional<AnyMemRef>:$cu_seqlens_q,
    Optional<AnyMemRef>:$cu_seqlens_kv,
    Optional<AnyMemRef>:$block_table,
    Optional<AnyMemRef>:$seqlens_kv,
    Variadic<AnyMemRef>:$params,
    Optional<AnyMemRef>:$dout,
    Optional<AnyMemRef>:$dq,
    Optional<AnyMemRef>:$dk,
    Optional<AnyMemRef>:$dv,
    Variadic<AnyMemRef>:$param_grads,
    ConfinedAttr<I64Attr, [IntPositive]>:$num_heads,
    ConfinedAttr<I64Attr, [IntPositive]>:$num_kv_heads,
    F32Attr:$scale,
    FAAttn_ModeAttr:$mode,
    FAAttn_LayoutAttr:$layout,
    UnitAttr:$varlen,
    OptionalAttr<I64Attr>:$paged_kv_page,
    OptionalAttr<DenseI64ArrayAttr>:$tile,
    OptionalAttr<DenseI64ArrayAttr>:$requires_grad,
    OptionalAttr<I64Attr>:$head_group,
    UnitAttr:$deterministic
  );
  let regions = (region SizedRegion<1>:$score, MaxSizedRegion<1>:$mask,
                        MaxSizedRegion<1>:$grad, MaxSizedRegion<1>:$v_descale,
                        MaxSizedRegion<1>:$o_descale);
  let assemblyFormat = [{
    `q` `(` $q `:` type($q) `)` `k` `(` $k `:` type($k) `)`
    `v` `(` $v `:` type($v) `)` `out` `(` $out `:` type($out) `)`
    (`lse` `(` $lse^ `:` type($lse) `)`)?
    (`cu_seqlens_q` `(` $cu_seqlens_q^ `:` type($cu_seqlens_q) `)`)?
    (`cu_seqlens_kv` `(` $cu_seqlens_kv^ `:` type($cu_seqlens_kv) `)`)?
    (`block_table` `(` $block_table^ `:` type($block_table) `)`)?
    (`seqlens_kv` `(` $seqlens_kv^ `:` type($seqlens_kv) `)`)?
    (`params` `(` $params^ `:` type($params) `)`)?
    (`dout` `(` $dout^ `:` type($dout) `)`)?
    (`dq` `(` $dq^ `:` type($dq) `)`)?
    (`dk` `(` $dk^ `:` type($dk) `)`)?
    (`dv` `(` $dv^ `:` type($dv) `)`)?
    (`param_grads` `(` $param_grads^ `:` type($param_grads) `)`)?
    attr-dict-with-keyword `score` $score (`mask` $mask^)? (`grad` $grad^)?
    (`v_descale` $v_descale^)? (`o_descale` $o_descale^)?
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$q, "::mlir::Value":$k, "::mlir::Value":$v,
                   "::mlir::Value":$out, "::mlir::Value":$lse,
                   "::faattn::SequenceOperands":$seqs,
                   "::mlir::ValueRange":$params, "int64_t":$numHeads,
                   "int64_t":$numKVHeads, "float":$scale, "::faattn::Mode":$mode,
                   "::faattn::Layout":$layout,
                   CArg<"const ::faattn::BackwardOperands &", "{}">:$backward)>
  ];
  let extraClassDeclaration = [{
    /// Number of leading region arguments before the params: the score
    /// region has the score first, then (b, h, q_idx, kv_idx, seq_q, seq_kv).
    static constexpr unsigned kNumIndexArgs = 6;
    bool hasMask() { return !getMask().empty(); }
    bool hasGrad() { return !getGrad().empty(); }
    bool hasVDescale() { return !getVDescale().empty(); }
    bool hasODescale() { return !getODescale().empty(); }
    int64_t getGroupSize() { return getNumHeads() / getNumKvHeads(); }
    /// Head dims from the static innermost sizes of Q and V.
    int64_t getHeadDimQK();
    int64_t getHeadDimV();
  }];
}

def FAAttn_YieldOp : FAAttn_Op<"yield", [Pure, Terminator,
    ParentOneOf<["AttentionOp", "TileScoreOp", "TileMaskOp", "TileMapOp"]>]> {
  let summary = "Yields the value of a score, mask or map region";
  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

def FAAttn_GradYieldOp : FAAttn_Op<"grad_yield", [Pure, Terminator,
    AttrSizedOperandSegments,
    ParentOneOf<["AttentionOp", "TileScoreGradOp", "TileParamGradOp"]>]> {
  let summary = "Yields the score, its derivatives and the param elements they belong to";
  let description = [{
    The terminator of an attention op's `grad` region, for one element
    (b, h, q_idx, kv_idx):

      faattn.grad_yield %value, %dscore
        params(%d0 -> %slopes[%i] : memref<16xf32>, %d1 -> %temp[] : memref<f32>)

    `value` is score'(score, ...), the score region's value; `dscore` is
    d score' / d score; each entry `%d -> %p[%idx...]` is d score' / d p[idx],
    the derivative with respect to the element of param `%p` (an argument of
    the region) at the indices `idx` (one per dimension of `%p`). A backward
    adds dS * %d into p's gradient at idx. Several entries may name one param
    (reads at different indices); an element that the region does not read
    along a differentiable path has no entry (its derivative is 0).
  }];
  let arguments = (ins F32:$value, F32:$dscore, Variadic<F32>:$dparams,
                       Variadic<AnyMemRef>:$param_refs, Variadic<Index>:$indices);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The indices of entry `i` (as many as its param's rank).
    ::mlir::OperandRange getIndicesOf(unsigned i);
  }];
}

//===----------------------------------------------------------------------===//
// Tile-level ops: the blocked algorithm, one CTA's view
//===----------------------------------------------------------------------===//

def FAAttn_Tile : Type<CPred<"::llvm::isa<::faattn::TileType>($_self)">, "faattn tile",
                       "::faattn::TileType">;

def FAAttn_TileLoadOp : FAAttn_Op<"tile_load", [
    AttrSizedOperandSegments, MemoryEffects<[MemRead]>]> {
  let summary = "Load a block of rows of one head";
  let description = [{
    `tile[r, d] = mem[batch, row0 + r, head, d]` for a 4-D Q/K/V memref in
    `layout` order; rows at or past the memref's sequence size read as 0.
    The tile has the memref's head dim D columns, or when D is a multiple of
    8, D rounded up to a multiple of 16 (a padded head dim, faattn-tile's
    `pad-head-dims`; paddedHeadDim): columns at or past D read as 0.
    For a 3-D (batch, heads, seq) memref the tile is Rx1 and
    `tile[r, 0] = mem[batch, head, row0 + r]`.

    Sequences that are not one dense row range (varlen, paged KV): with
    `limit`, rows `j = row0 + r` at or past `limit` read as 0; with `offset`,
    row `j` is at `offset + j` of the memref's sequence dimension; with
    `pages(table)` and `page_size = P`, row `j` of sequence `batch` is slot
    `j % P` of page `table[batch, j / P]` (the memref's batch dimension
    counts pages). An element whose position falls outside the memref or
    the table reads as 0, whatever the offsets and tables say.

    GQA packing: with `head_group = G` the tile's M rows are R = M / G rows
    of each of the G heads `head .. head + G - 1`: tile row r is row
    `row0 + r % R` of head `head + r / R` (G divides M).
  }];
  let arguments = (ins AnyMemRef:$mem, Index:$batch, Index:$head, Index:$row0,
                       Optional<Index>:$offset, Optional<Index>:$limit,
                       Optional<AnyMemRef>:$page_table,
                       FAAttn_LayoutAttr:$layout, OptionalAttr<I64Attr>:$page_size,
                       OptionalAttr<I64Attr>:$head_group);
  let results = (outs FAAttn_Tile:$result);
  let assemblyFormat = [{
    $mem `[` $batch `,` $head `,` $row0 `]` $layout
    (`offset` $offset^)? (`limit` $limit^)?
    (`pages` `(` $page_table^ `:` type($page_table) `)`)?
    attr-dict `:` type($mem) `->` type($result)
  }];
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$mem, "::mlir::Value":$batch,
                   "::mlir::Value":$head, "::mlir::Value":$row0, "::faattn::LayoutAttr":$layout),
    [{ build($_builder, $_state, result, mem, batch, head, row0, ::mlir::Value(),
             ::mlir::Value(), ::mlir::Value(), layout, ::mlir::IntegerAttr(),
             ::mlir::IntegerAttr()); }]>
  ];
}

def FAAttn_TileStoreOp : FAAttn_Op<"tile_store", [
    AttrSizedOperandSegments, MemoryEffects<[MemWrite]>]> {
  let summary = "Store a block of rows of one head (rows inside the sequence only)";
  let description = [{ The inverse of `faattn.tile_load` (without pages):
    rows at or past the sequence size (`limit` when given) are not written,
    nor rows whose position (`offset + j`) falls outside the memref, nor a
    padded tile's columns past the memref's head dim.
    `head_group = G`: the rows of G heads, as for `faattn.tile_load`.
    With `accumulate` the tile is added to memory (`mem[...] += value`, an
    f32 tile into an f32 memref): the backward's dQ, which the CTAs of
    several KV blocks add into (atomically on the GPU).
    With `col0 = C` the tile's N columns are the memref's head-dim columns
    C .. C + N - 1 (a 4-D memref; the backward's column chunks of a head dim
    over 128, faattn-backward-tile's `max-cols`). }];
  let arguments = (ins FAAttn_Tile:$value, AnyMemRef:$mem, Index:$batch, Index:$head,
                       Index:$row0, Optional<Index>:$offset, Optional<Index>:$limit,
                       FAAttn_LayoutAttr:$layout, OptionalAttr<I64Attr>:$head_group,
                       OptionalAttr<I64Attr>:$col0, UnitAttr:$accumulate);
  let assemblyFormat = [{
    $value `,` $mem `[` $batch `,` $head `,` $row0 `]` $layout
    (`offset` $offset^)? (`limit` $limit^)?
    attr-dict `:` type($value) `,` type($mem)
  }];
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$value, "::mlir::Value":$mem, "::mlir::Value":$batch,
                   "::mlir::Value":$head, "::mlir::Value":$row0, "::faattn::LayoutAttr":$layout),
    [{ build($_builder, $_state, value, mem, batch, head, row0, ::mlir::Value(),
             ::mlir::Value(), layout, ::mlir::IntegerAttr(), ::mlir::IntegerAttr(),
             ::mlir::UnitAttr()); }]>
  ];
}

def FAAttn_TileColumnsOp : FAAttn_Op<"tile_columns", [Pure]> {
  let summary = "Columns col0 .. col0 + N - 1 of a tile";
  let description = [{
    `result[r, c] = input[r, col0 + c]`: the backward's column chunks of Q,
    dO and K (faattn-backward-tile's `max-cols`), read by the products of
    dK, dV and dQ. The tensor-core lowering reads them in place from the
    input's buffer (no copy).
  }];
  let arguments = (ins FAAttn_Tile:$input, I64Attr:$col0);
  let results = (outs FAAttn_Tile:$result);
  let assemblyFormat = "$input `[` $col0 `]` attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def FAAttn_TileSplatOp : FAAttn_Op<"tile_splat", [Pure]> {
  let summary = "A tile with every element equal to `value`";
  let arguments = (ins F32Attr:$value);
  let results = (outs FAAttn_Tile:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def FAAttn_TileDotOp : FAAttn_Op<"tile_dot", [Pure]> {
  let summary = "Matrix product of two tiles with f32 accumulation";
  let description = [{
    `result = lhs * rhs`, with `lhs^T` for `transpose_lhs` and `rhs^T` for
    `transpose_rhs` (the backward's dV = P^T dO and dK = dS^T Q read their
    left operand transposed), products and sums in f32 whatever the
    operands' element type.
  }];
  let arguments = (ins FAAttn_Tile:$lhs, FAAttn_Tile:$rhs, UnitAttr:$transpose_lhs,
                       UnitAttr:$transpose_rhs);
  let results = (outs FAAttn_Tile:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def FAAttn_ReduceKind : I32EnumAttr<"ReduceKind", "row reduction", [
    I32EnumAttrCase<"max", 0>, I32EnumAttrCase<"sum", 1>]> {
  let cppNamespace = "::faattn";
  let genSpecializedAttr = 0;
}
def FAAttn_ReduceKindAttr : EnumAttr<FAAttn_Dialect, FAAttn_ReduceKind, "reduce"> {
  let assemblyFormat = "`<` $value `>`";
}

def FAAttn_TileReduceOp : FAAttn_Op<"tile_reduce", [Pure]> {
  let summary = "Reduce each row of an MxN f32 tile to an Mx1 tile";
  let arguments = (ins FAAttn_Tile:$input, FAAttn_ReduceKindAttr:$kind);
  let results = (outs FAAttn_Tile:$result);
  let assemblyFormat = "$kind $input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def FAAttn_TileMapOp : FAAttn_Op<"tile_map", [
    RecursiveMemoryEffects, SingleBlock]> {
  let summary = "Elementwise function of tiles, with Mx1 tiles broadcast along rows";
  let description = [{
    `result[r, c] = region(in_0[r, c'], in_1[r, c'], ...)` where `c'` is `c`
    for an MxN input and 0 for an Mx1 input. The region takes one scalar per
    input and yields one scalar of the result's element type.
  }];
  let arguments = (ins Variadic<FAAttn_Tile>:$inputs);
  let results = (outs FAAttn_Tile:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $inputs attr-dict `:` type($inputs) `->` type($result) $body
  }];
  let hasRegionVerifier = 1;
  let builders = [
    // The region from a callback that gets the input scalars and returns the
    // result scalar (the faattn.yield is added).
    OpBuilder<(ins "::faattn::TileType":$resultType, "::mlir::ValueRange":$inputs,
      "::llvm::function_ref<::mlir::Value(::mlir::OpBuilder &, ::mlir::Location, ::mlir::ValueRange)>":$body)>
  ];
}

defvar FAAttn_IndexedTileFormat = [{
    $input `at` `[` $batch `,` $head `,` $row0 `,` $col0 `]`
    `seq` `[` $seq_q `,` $seq_kv `]`
    (`params` `(` $params^ `:` type($params) `)`)?
    attr-dict `:` type($input)
  }];

class FAAttn_IndexedTileOp<string mnemonic, dag extraArgs> : FAAttn_Op<mnemonic, [
    IsolatedFromAbove, RecursiveMemoryEffects, AllTypesMatch<["input", "result"]>,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let arguments = !con(extraArgs, (ins FAAttn_Tile:$input, I32:$batch, I32:$head, I32:$row0,
                       I32:$col0, I32:$seq_q, I32:$seq_kv, Variadic<AnyMemRef>:$params,
                       OptionalAttr<I64Attr>:$head_group));
  let results = (outs FAAttn_Tile:$result);
  let assemblyFormat = FAAttn_IndexedTileFormat # "$region";
  let hasRegionVerifier = 1;
}

def FAAttn_TileScoreOp : FAAttn_IndexedTileOp<"tile_score", (ins F32Attr:$scale,
                                                                UnitAttr:$rows)> {
  let summary = "Apply the spec's score modification to a block of scores";
  let description = [{
    `result[r, c] = region(scale * input[r, c], batch, head, row0 + r,
    col0 + c, seq_q, seq_kv, params...)`: the attention op's score region,
    moved here by faattn-tile. With `head_group = G` (GQA packing, see
    `faattn.tile_load`) row r is query row `row0 + r % R` of head
    `head + r / R`, R = M / G.

    `rows`: the columns are not keys (an e4m3 output's o_descale over the
    output tile, a region that reads no kv_idx): the region gets kv_idx =
    col0 for every column, and only the row is checked against seq_q (where
    a lowering guards the region's param reads).
  }];
  let regions = (region SizedRegion<1>:$region);
}

def FAAttn_TileMaskOp : FAAttn_IndexedTileOp<"tile_mask", (ins)> {
  let summary = "Set masked and out-of-range scores of a block to -inf";
  let description = [{
    `result[r, c] = keep ? input[r, c] : -inf` with
    `keep = col0 + c < seq_kv && region(batch, head, row0 + r, col0 + c,
    seq_q, seq_kv, params...)`. An empty region keeps every in-range column.
    faattn-mask-analysis removes the op from blocks it proves full. Rows of
    a `head_group` as for `faattn.tile_score`.
  }];
  let regions = (region MaxSizedRegion<1>:$region);
  let assemblyFormat = FAAttn_IndexedTileFormat # "($region^)?";
}

def FAAttn_TileScoreGradOp : FAAttn_Op<"tile_score_grad", [
    IsolatedFromAbove, RecursiveMemoryEffects, AllTypesMatch<["input", "score", "dscore"]>,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "The score modification of a block and its derivative (the backward's)";
  let description = [{
    For element (r, c) at (q_idx, kv_idx) = (row0 + r, col0 + c) with
    q_idx < seq_q and kv_idx < seq_kv: the region (an attention op's `grad`
    region, faattn-score-grad's) at `scale * input[r, c]` gives
    `score[r, c]` (score') and `dscore[r, c]` (d score' / d score). Elements
    out of range get score = -inf and dscore = 0 (no probability, nothing
    flows), and the region is not evaluated there (it may read params
    indexed by q_idx and kv_idx). The region's param derivatives are not
    used here: faattn.tile_param_grad adds them.
  }];
  let arguments = (ins F32Attr:$scale, FAAttn_Tile:$input, I32:$batch, I32:$head, I32:$row0,
                       I32:$col0, I32:$seq_q, I32:$seq_kv, Variadic<AnyMemRef>:$params);
  let results = (outs FAAttn_Tile:$score, FAAttn_Tile:$dscore);
  let regions = (region SizedRegion<1>:$region);
  let assemblyFormat = [{
    $input `at` `[` $batch `,` $head `,` $row0 `,` $col0 `]`
    `seq` `[` $seq_q `,` $seq_kv `]`
    (`params` `(` $params^ `:` type($params) `)`)?
    attr-dict `:` type($input) $region
  }];
  let hasRegionVerifier = 1;
}

def FAAttn_TileParamGradOp : FAAttn_Op<"tile_param_grad", [
    IsolatedFromAbove, AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "Add a block's contributions to the learnable params' gradients";
  let description = [{
    For each in-range element (r, c) (as faattn.tile_score_grad's) whose
    `weight[r, c]` (dS', the gradient with respect to score') is not 0: the
    region at `scale * input[r, c]` yields d score' / d p[idx] for the param
    elements it reads; `weight[r, c] * d score'/d p[idx]` is added into
    `grads[k][idx]`, where k is the position in `requires_grad` (the param
    numbers with a gradient, as the attention op's) of the param the entry
    names. A weight of 0 adds nothing, so an infinite derivative where no
    gradient flows does not make a NaN. On the GPU the adds are atomic.

    With `partials` (the deterministic backward's, BackwardTile.cpp): no
    gradient is added here. Every entry's param element must be the same for
    the whole tile (its indices read neither the score, q_idx, kv_idx nor
    memory); entry e's contributions are added into
    `partials[batch, head, kv_block, slot * kParamGradEntries + e]`, where
    `slot` (below kParamGradSlots) is the lowering's: each slot is added to
    by one thread, in program order, so the partial sums are reproducible.
    The element's index in its gradient buffer (row-major) is stored at
    `partial_indices[batch, head, e]`; faattn.param_grad_sum adds the
    partials into the gradients after the grid.
  }];
  let arguments = (ins F32Attr:$scale, FAAttn_Tile:$input, FAAttn_Tile:$weight, I32:$batch,
                       I32:$head, I32:$row0, I32:$col0, I32:$seq_q, I32:$seq_kv,
                       Variadic<AnyMemRef>:$params, Variadic<AnyMemRef>:$grads,
                       Optional<MemRefRankOf<[F32], [4]>>:$partials,
                       Optional<MemRefRankOf<[I32], [3]>>:$partial_indices,
                       Optional<Index>:$kv_block,
                       DenseI64ArrayAttr:$requires_grad);
  let regions = (region SizedRegion<1>:$region);
  let assemblyFormat = [{
    $input `,` $weight `at` `[` $batch `,` $head `,` $row0 `,` $col0 `]`
    `seq` `[` $seq_q `,` $seq_kv `]`
    (`params` `(` $params^ `:` type($params) `)`)?
    `grads` `(` $grads `:` type($grads) `)`
    (`partials` `(` $partials^ `,` $partial_indices `:` type($partials) `,`
     type($partial_indices) `)` `kv_block` $kv_block)?
    attr-dict `:` type($input) `,` type($weight) $region
  }];
  let hasRegionVerifier = 1;
}

def FAAttn_ParamGradSumOp : FAAttn_Op<"param_grad_sum"> {
  let summary = "Add the deterministic backward's param-gradient partials, in a fixed order";
  let description = [{
    The second half of faattn.tile_param_grad's `partials` form, run once
    after the grid that filled them (BackwardTile.cpp puts it in the post
    grid's first CTA). For each (batch, head, entry e): the partials of
    every KV block and slot are summed in a fixed order (the CPU path: KV
    blocks, then slots; the GPU: a warp's lanes over them, then a shuffle
    tree), and a sum other than 0 is added into element
    `partial_indices[batch, head, e]` (row-major) of `grads[grad_of_entry[e]]`,
    by one thread in a fixed order (the CPU: batch, head, entry; the GPU:
    entry by entry over (batch, head), consecutive sums on one element
    added together first). A sum of 0 adds nothing (its index may never
    have been written); NaN is not 0 and propagates. The same partials give
    the same gradients, bit for bit, whatever order the grid's CTAs ran in.
  }];
  let arguments = (ins MemRefRankOf<[F32], [4]>:$partials,
                       MemRefRankOf<[I32], [3]>:$partial_indices,
                       Variadic<MemRefOf<[F32]>>:$grads, DenseI64ArrayAttr:$grad_of_entry);
  let assemblyFormat = [{
    $partials `,` $partial_indices `into` `(` $grads `:` type($grads) `)` attr-dict `:`
    type($partials) `,` type($partial_indices)
  }];
  let hasVerifier = 1;
}

// The deterministic backward's turns (faattn-backward-tile with an op's
// `deterministic`): the CTAs of one (batch, head)'s KV blocks add into a Q
// block's dQ rows in KV-block order, each waiting for the previous one's
// turn to end. `lock` is an i32 memref shaped as the LSE (batch, heads,
// seq): Q block k of (batch, head) is its element at row `offset + k *
// rows`. The turn of the CTA of KV block `turn` at block k begins when that
// element holds `turn` and ends when the CTA sets it to `turn + 1`; the grid
// before (faattn-backward-tile's "pre") sets them to 0.
class FAAttn_TurnOp<string mnemonic, dag blocks, list<Trait> traits = []>
    : FAAttn_Op<mnemonic, traits> {
  let arguments = !con((ins MemRefRankOf<[I32], [3]>:$lock, Index:$batch, Index:$head), blocks,
                       (ins Optional<Index>:$offset, Index:$turn,
                            ConfinedAttr<I64Attr, [IntPositive]>:$rows));
  let extraClassDeclaration = [{
    /// The memref indices of Q block `block`'s lock: (batch, head,
    /// offset + block * rows), built at `b`'s insertion point.
    ::llvm::SmallVector<::mlir::Value> lockIndices(::mlir::OpBuilder &b, ::mlir::Value block) {
      return turnLockIndices(b, getLoc(), getBatch(), getHead(), getOffset(), block,
                             static_cast<int64_t>(getRows()));
    }
  }];
}

def FAAttn_TurnPassOp : FAAttn_TurnOp<"turn_pass", (ins Index:$from, Index:$to)> {
  let summary = "Take and end this CTA's turn at Q blocks it adds nothing to";
  let description = [{
    For each Q block k in [from, to): wait for the turn `turn` at k, then
    end it (the element to `turn + 1`). The CTA passes the blocks its mask
    range skips, so that the order of the adds does not depend on the mask.
    The blocks' turns are independent: on the GPU the CTA's threads pass
    them in parallel, a block each.
  }];
  let assemblyFormat = [{
    $lock `[` $batch `,` $head `]` `blocks` `[` $from `,` $to `)` (`offset` $offset^)?
    `turn` $turn attr-dict `:` type($lock)
  }];
}

def FAAttn_TurnWaitOp : FAAttn_TurnOp<"turn_wait", (ins Index:$block)> {
  let summary = "Wait for this CTA's turn at a Q block";
  let description = [{
    Waits until the element of Q block `block` holds `turn`; on the GPU
    every thread of the CTA waits (one thread polls, then a CTA barrier),
    and the adds of the CTAs whose turns ended before are visible. `ready`
    is true once the turn has come. A lowering that runs the CTAs one after
    another (the CPU path's) does not wait: `ready` says whether the turn
    had come, so that a broken order shows (the tiler makes the block's
    adds NaN when it is false).
  }];
  let results = (outs I1:$ready);
  let assemblyFormat = [{
    $lock `[` $batch `,` $head `]` `block` $block (`offset` $offset^)?
    `turn` $turn attr-dict `:` type($lock)
  }];
}

def FAAttn_TurnEndOp : FAAttn_TurnOp<"turn_end", (ins Index:$block)> {
  let summary = "End this CTA's turn at a Q block, after its adds";
  let description = [{
    Sets the element of Q block `block` to `turn + 1` once every thread of
    the CTA has made its adds before this op (on the GPU: a CTA barrier,
    then one thread's fence and release store).
  }];
  let assemblyFormat = [{
    $lock `[` $batch `,` $head `]` `block` $block (`offset` $offset^)?
    `turn` $turn attr-dict `:` type($lock)
  }];
}

// faattn-split-kv's last-CTA combine (templates/common/SplitKVCombine.h):
// the split CTAs of a tile count their arrivals; the last one combines.
def FAAttn_SplitArriveOp : FAAttn_Op<"split_arrive"> {
  let summary = "Count a split-KV CTA's arrival at its tile; true in the last one";
  let description = [{
    Adds one to `count[batch, head, row]` once every thread of the CTA has
    made its stores before this op, and returns true, in every thread of
    the CTA, in the CTA whose add makes it `splits`: the stores of all the
    tile's CTAs before their arrival are then visible to it. That CTA sets
    the element back to 0, so that the counter is zero after every complete
    launch (the runtime also zeroes it before each launch). Every thread of the CTA
    must reach the op. On the CPU the CTAs run one after the other: a load,
    an add and a store. On the GPU (lowerSplitArrive): each thread's fence,
    a CTA barrier, one thread's atomic add, its fence when it is the last,
    and a barrier that broadcasts the result.
  }];
  let arguments = (ins Arg<MemRefRankOf<[I32], [3]>, "", [MemRead, MemWrite]>:$count,
                       Index:$batch, Index:$head, Index:$row, Index:$splits);
  let results = (outs I1:$last);
  let assemblyFormat = [{
    $count `[` $batch `,` $head `,` $row `]` `splits` $splits attr-dict `:` type($count)
  }];
}

def FAAttn_SoftmaxUpdateOp : FAAttn_Op<"softmax_update", [Pure, AttrSizedOperandSegments,
    AllTypesMatch<["acc", "new_acc"]>, AllTypesMatch<["row_max", "row_sum", "new_row_max",
    "new_row_sum"]>]> {
  let summary = "One step of the online softmax over a block of KV";
  let description = [{
    With `t = scale_log2` (the factor that takes scores to the log2 domain):
      m' = max(m, rowmax(s));  base = (m' == -inf) ? 0 : m' * t
      p = exp2(s * t - base);  alpha = exp2(m * t - base)
      l' = alpha * l + rowsum(p);  acc' = alpha * acc + p * v
    Rows whose scores are all -inf keep m = -inf, l = 0 and acc = 0.
    With `weight` (f32, shaped like the scores: V's dequantization factors,
    the attention op's `v_descale`), the product takes p * weight instead
    of p: acc' = alpha * acc + (p * weight) v; l' is unchanged.
    With `row_scale` (an Mx1 f32 tile, positive or NaN: the dequantization
    factors of the query rows folded out of the score by faattn-tile), row
    r takes t = scale_log2 * row_scale[r]: the scores are the row's scores
    divided by its factor, and the exponent stays one multiply-add.
  }];
  let arguments = (ins FAAttn_Tile:$scores, FAAttn_Tile:$v, FAAttn_Tile:$acc,
                       FAAttn_Tile:$row_max, FAAttn_Tile:$row_sum,
                       Optional<FAAttn_Tile>:$weight, Optional<FAAttn_Tile>:$row_scale,
                       F32Attr:$scale_log2);
  let results = (outs FAAttn_Tile:$new_acc, FAAttn_Tile:$new_row_max,
                      FAAttn_Tile:$new_row_sum);
  let assemblyFormat = [{
    $scores `,` $v `,` $acc `,` $row_max `,` $row_sum
    (`weight` `(` $weight^ `:` type($weight) `)`)?
    (`row_scale` `(` $row_scale^ `:` type($row_scale) `)`)? attr-dict `:`
    type($scores) `,` type($v) `,` type($acc) `,` type($row_max)
  }];
  let hasVerifier = 1;
}

def FAAttn_SoftmaxFinalizeOp : FAAttn_Op<"softmax_finalize", [Pure, AttrSizedOperandSegments,
    AllTypesMatch<["row_max", "row_sum", "lse"]>]> {
  let summary = "Normalize the accumulator and compute the log-sum-exp";
  let description = [{
    `out = l > 0 ? acc / l : 0` converted to the result's element type;
    `lse = l > 0 ? (m * scale_log2 + log2(l)) * ln(2) : -inf` (natural log).
    With `descale` (an f32 tile of the accumulator's shape: the attention
    op's o_descale per element), the output is quantized for e4m3:
    `out = clamp((l > 0 ? acc / l : 0) / descale, -448, 448)`, then
    converted (to e4m3, or kept f32 where the CPU path stores f32).
    With `row_scale` (softmax_update's), row r's lse takes
    t = scale_log2 * row_scale[r]. With `out_scale` (an Mx1 f32 tile: V's
    factors where they are the same for every key of a row, folded out of
    softmax_update's weight by faattn-fold-row-factors), row r's output is
    `l > 0 ? acc / l * out_scale[r] : 0` before the descale.
  }];
  let arguments = (ins FAAttn_Tile:$acc, FAAttn_Tile:$row_max, FAAttn_Tile:$row_sum,
                       Optional<FAAttn_Tile>:$descale, Optional<FAAttn_Tile>:$row_scale,
                       Optional<FAAttn_Tile>:$out_scale, F32Attr:$scale_log2);
  let results = (outs FAAttn_Tile:$out, FAAttn_Tile:$lse);
  let assemblyFormat = [{
    $acc `,` $row_max `,` $row_sum (`descale` $descale^ `:` type($descale))?
    (`row_scale` `(` $row_scale^ `:` type($row_scale) `)`)?
    (`out_scale` `(` $out_scale^ `:` type($out_scale) `)`)? attr-dict `:`
    type($acc) `,` type($row_max) `->` type($out)
  }];
  let hasVerifier = 1;
}

#endif // FAATTN_OPS_TD
