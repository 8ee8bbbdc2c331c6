//===- WgmmaBuilder.cpp - wgmma descriptors, instructions, waits ---------===//
//
// The pieces of a wgmma product: shared-memory matrix descriptors (start
// address, leading and stride byte offsets, swizzle mode) for the canonical
// K-major layout and for the 128-byte-swizzled TMA tiles (K-major Q and K,
// MN-major V); the register-A form (RS, inline PTX: NVVM's op takes A from
// shared memory only) next to NVVM's SS op; the accumulator's fragments; and
// the retire protocol of products left in flight (awaitBefore / retire:
// wgmma.wait_group N, then each product's release, and a register fence,
// CUTLASS's warpgroup_fence_operand, so that no use moves above the wait).
//
//===----------------------------------------------------------------------===//

#include "faattn/Conversion/TilesToWGMMA/WgmmaLowering.h"
namespace faattn {
namespace hopper {

Value WgmmaLowering::descriptor(OpBuilder &b, Value addr, int64_t lbo, int64_t sbo, int64_t swizzle) {
  Location loc = fn.getLoc();
  // bits 0-13: address >> 4; 16-29: LBO >> 4; 32-45: SBO >> 4; 62-63: swizzle.
  Value start = arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, addr, c64(b, 4)),
                                      c64(b, 0x3FFF));
  int64_t fields = ((lbo >> 4) << 16) | ((sbo >> 4) << 32) | (swizzle << 62);
  return arith::OrIOp::create(b, loc, start, c64(b, fields));
}

int64_t WgmmaLowering::swizzleMode(int64_t bytes) {
  switch (bytes) {
  case 128: return 1;
  case 64: return 2;
  case 32: return 3;
  default: return 0;
  }
}

Value WgmmaLowering::address(OpBuilder &b, int64_t at, Value extra) {
  Location loc = fn.getLoc();
  Value addr = arith::AddIOp::create(b, loc, smemBase, c64(b, at));
  if (extra)
    addr = arith::AddIOp::create(b, loc, addr,
                                 arith::IndexCastOp::create(b, loc, b.getI64Type(), extra));
  return addr;
}

std::pair<Value, Value> WgmmaLowering::descriptors(OpBuilder &b, bool qk, int64_t k, int64_t kdim,
                                    Value ring) {
  Location loc = fn.getLoc();
  if (!tma) {
    // Canonical K-major without swizzle: core matrices of 8 x 16 bytes,
    // LBO 128 (next 8 reduction elements), SBO (kdim / 8) * 128 (next 8
    // rows); k-step k is two core matrices (256 bytes) on.
    int64_t sbo = (kdim / 8) * 128;
    Value aRows = arith::MulIOp::create(b, loc, wgIdx, cIdx(b, 8 * sbo));
    Value descA = qk ? descriptor(b, address(b, qAt + k * 256, aRows), 128, sbo, 0) : Value();
    Value descB = descriptor(b, address(b, (qk ? kAt : vAt) + k * 256, Value()), 128, sbo, 0);
    return {descA, descB};
  }
  // Swizzled TMA tiles (S = 128, 64 or 32 bytes): the tile is stored as
  // column chunks of S / 2 elements (one TMA box each), rows of S bytes,
  // SBO 8 S (the next 8 rows: the swizzle pattern's repeat).
  if (qk) {
    // K-major A (Q) and B (K): S / 32 k-steps of 32 bytes per chunk (16
    // elements of 16 bits, or 32 of e4m3).
    int64_t s = p.swizzleQK, mode = swizzleMode(s);
    int64_t chunk = k / (s / 32), step = (k % (s / 32)) * 32;
    Value aRows = arith::MulIOp::create(b, loc, wgIdx, cIdx(b, 64 * s));
    Value descA = descriptor(b, address(b, qAt + chunk * p.bm * s + step, aRows), 16, 8 * s, mode);
    Value kStage = arith::MulIOp::create(b, loc, ring, cIdx(b, p.bn * p.d * (p.fp8 ? 1 : 2)));
    Value descB =
        descriptor(b, address(b, kReadAt + chunk * p.bn * s + step, kStage), 16, 8 * s, mode);
    return {descA, descB};
  }
  if (p.fp8) {
    // V transposed (transposeStage): a K-major B of dv rows of bn e4m3 keys,
    // as K is; k-step k is 32 keys.
    int64_t s = p.swizzleVt;
    int64_t chunk = k / (s / 32), step = (k % (s / 32)) * 32;
    Value vtStage = arith::MulIOp::create(b, loc, ring, cIdx(b, p.bn * p.dv));
    return {Value(), descriptor(b, address(b, vReadAt + chunk * p.dv * s + step, vtStage), 16,
                                8 * s, swizzleMode(s))};
  }
  // MN-major B (V as stored, rows = reduction): k-step k is 16 rows (16 S
  // bytes) on; LBO is the distance between column chunks, SBO the next 8 rows.
  int64_t s = p.swizzleV;
  Value vBytes = arith::MulIOp::create(b, loc, ring, cIdx(b, p.bn * p.dv * 2));
  Value descB =
      descriptor(b, address(b, vReadAt + k * 16 * s, vBytes), p.bn * s, 8 * s, swizzleMode(s));
  return {Value(), descB};
}

Value WgmmaLowering::wgmmaRS(OpBuilder &b, Value acc, ArrayRef<Value> a, Value descB, int64_t n,
              bool accumulate, bool transposeB) {
  Location loc = fn.getLoc();
  int64_t m = n / 2;
  // e4m3 (Plan::fp8): k32, and no transpose immediates (FP8 B is K-major).
  std::string type = p.fp8 ? "e4m3" : p.elt.isBF16() ? "bf16" : "f16";
  std::string asmStr = "{\n.reg .pred p;\nsetp.ne.b32 p, $" + std::to_string(2 * m + 5) +
                       ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(n) + "k" +
                       std::to_string(p.kStep()) + ".f32." + type + "." + type + " {";
  std::string constraints;
  for (int64_t i = 0; i < m; ++i) {
    asmStr += (i ? ", $" : "$") + std::to_string(i);
    constraints += (i ? ",=f" : "=f");
  }
  asmStr += "}, {$" + std::to_string(2 * m) + ", $" + std::to_string(2 * m + 1) + ", $" +
            std::to_string(2 * m + 2) + ", $" + std::to_string(2 * m + 3) + "}, $" +
            std::to_string(2 * m + 4) + ", p, 1, 1" +
            (p.fp8 ? "" : transposeB ? ", 1" : ", 0") + ";\n}\n";
  SmallVector<Value> operands;
  for (int64_t i = 0; i < m; ++i) {
    operands.push_back(LLVM::ExtractValueOp::create(b, loc, acc, i));
    constraints += "," + std::to_string(i);
  }
  for (Value r : a)
    operands.push_back(r);
  operands.push_back(descB);
  operands.push_back(c32(b, accumulate ? 1 : 0));
  constraints += ",r,r,r,r,l,r";
  auto op = LLVM::InlineAsmOp::create(
      b, loc, acc.getType(), operands, asmStr, constraints, /*has_side_effects=*/true,
      /*is_align_stack=*/false, LLVM::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT), ArrayAttr());
  return op.getResult(0);
}

Value WgmmaLowering::fragmentsOf(OpBuilder &b, Value acc, TileType t) {
  SmallVector<Value> out;
  for (int64_t i = 0; i < elems(t); ++i)
    out.push_back(LLVM::ExtractValueOp::create(b, fn.getLoc(), acc, i));
  return vector::FromElementsOp::create(b, fn.getLoc(), vecOf(t), out);
}

/// An index made by `text` (PTX writing the 64-bit $0) in an inline asm with
/// side effects, which LLVM neither hoists nor sees through.
static Value opaqueIndex(OpBuilder &b, Location loc, StringRef text) {
  auto op = LLVM::InlineAsmOp::create(
      b, loc, b.getI64Type(), ValueRange{}, text, "=l", /*has_side_effects=*/true,
      /*is_align_stack=*/false, LLVM::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT), ArrayAttr());
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), op.getResult(0));
}

Value WgmmaLowering::opaqueZero(OpBuilder &b) {
  return opaqueIndex(b, fn.getLoc(), "mov.u64 $0, 0;");
}

Value WgmmaLowering::opaqueWarpgroupBytes(OpBuilder &b, int64_t bytes) {
  return opaqueIndex(b, fn.getLoc(),
                     "{ .reg .u32 w; mov.u32 w, %tid.x; shr.u32 w, w, 7; mul.wide.u32 $0, w, " +
                         std::to_string(bytes) + "; }");
}

SmallVector<Value> WgmmaLowering::fenced(OpBuilder &b, ValueRange values) {
  Location loc = fn.getLoc();
  std::string constraints;
  for (size_t i = 0; i < values.size(); ++i)
    constraints += i ? ",=f" : "=f";
  for (size_t i = 0; i < values.size(); ++i)
    constraints += "," + std::to_string(i);
  auto ty = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                             SmallVector<Type>(values.size(), f32));
  auto op = LLVM::InlineAsmOp::create(
      b, loc, ty, values, "", constraints, /*has_side_effects=*/true,
      /*is_align_stack=*/false, LLVM::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT), ArrayAttr());
  SmallVector<Value> out;
  for (size_t i = 0; i < values.size(); ++i)
    out.push_back(LLVM::ExtractValueOp::create(b, loc, op.getResult(0), i));
  return out;
}

void WgmmaLowering::awaitBefore(OpBuilder &b, Operation *op) {
  bool makesA = llvm::any_of(op->getResultTypes(), [](Type t) {
    auto tt = dyn_cast<TileType>(t);
    return tt && isa_and_nonnull<WgmmaOperandALayoutAttr>(tt.getEncoding());
  });
  bool all = makesA || op->hasTrait<OpTrait::IsTerminator>() ||
             (op->getNumRegions() > 0 && !isa<FAAttnDialect>(op->getDialect()));
  int64_t upTo = -1;
  for (InFlight &f : inFlight)
    if (all || llvm::is_contained(op->getOperands(), f.result))
      upTo = std::max(upTo, f.group);
  if (upTo >= 0)
    retire(b, upTo, makesA ? op : nullptr);
}

void WgmmaLowering::retire(OpBuilder &b, int64_t upTo, Operation *reader) {
  Location loc = fn.getLoc();
  int64_t younger = llvm::count_if(inFlight, [&](const InFlight &f) { return f.group > upTo; });
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, younger);
  SmallVector<InFlight> left;
  for (InFlight &f : inFlight) {
    if (f.group > upTo) {
      left.push_back(std::move(f));
      continue;
    }
    f.done(b);
    SmallVector<Value> values;
    for (int64_t i = 0; i < elems(f.type); ++i)
      values.push_back(LLVM::ExtractValueOp::create(b, loc, f.acc, i));
    frag[f.result] = vector::FromElementsOp::create(b, loc, vecOf(f.type), fenced(b, values));
  }
  inFlight = std::move(left);
  if (!reader)
    return;
  for (Value in : reader->getOperands()) {
    auto t = dyn_cast<TileType>(in.getType());
    Value v = frag.lookup(in);
    if (!t || !v || !t.getElementType().isF32())
      continue;
    SmallVector<Value> values;
    for (int64_t i = 0; i < elems(t); ++i)
      values.push_back(vector::ExtractOp::create(b, loc, v, i));
    frag[in] = vector::FromElementsOp::create(b, loc, vecOf(t), fenced(b, values));
  }
}

} // namespace hopper
} // namespace faattn
