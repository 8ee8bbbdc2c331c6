//===- FastMath.cpp - faattn-fast-math: the SFU's f32 math on Hopper -------===//
//
// The tensor-core kernels (faattn.mapping = "wgmma", made by
// faattn-tiles-to-wgmma) compute their score, softmax and normalization in
// f32 and feed P to the tensor cores in bf16 / f16; this pass trades IEEE
// exactness that P's rounding (2^-8) throws away for short instruction
// sequences:
//
//   * f32 arith.divf: by a constant, a product with its reciprocal (within
//     1.5 ulp); otherwise llvm.nvvm.div.full (div.full.f32, within 2 ulp, no
//     branch), as Triton's `/` does; LLVM's fdiv would be IEEE div.rn.f32, a
//     range check and a slow-path call per element;
//   * f32 math.exp2 (the online softmax's, with the scale folded in):
//     llvm.nvvm.ex2.approx.ftz.f32 (results below 2^-126 flush to 0, far
//     below what P's rounding keeps next to the row maximum's 1); libdevice's
//     exp2f is ex2.approx with a range fix-up, a compare and two multiplies
//     per element. Not in a kernel marked faattn.ctas_per_sm = 2 (the
//     resource plan's two CTAs per SM at 128 registers a thread, which
//     libdevice's version fits and the approximation does not);
//   * f32 math.tanh (softcapping): tanh.approx.f32 on the SFU, relative error
//     at most 2^-11; libdevice's tanhf is a long sequence per score element.
//
// The SIMT kernels keep IEEE math (the CPU path is their oracle).
//
//===----------------------------------------------------------------------===//

#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

namespace faattn {
#define GEN_PASS_DEF_FAATTNFASTMATH
#include "faattn/Conversion/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

struct FastMathPass : impl::FAAttnFastMathBase<FastMathPass> {
  void runOnOperation() override {
    for (auto gfn : getOperation().getOps<gpu::GPUFuncOp>()) {
      auto mapping = gfn->getAttrOfType<StringAttr>(FAAttnDialect::getMappingAttrName());
      if (!mapping || mapping.getValue() != "wgmma")
        continue;
      auto ctas = gfn->getAttrOfType<IntegerAttr>(FAAttnDialect::getCtasPerSmAttrName());
      bool twoCtasPerSM = ctas && ctas.getInt() == 2;
      gfn.walk([&](arith::DivFOp div) {
        if (!div.getType().isF32())
          return;
        OpBuilder db(div);
        Location loc = div.getLoc();
        Value result;
        FloatAttr c;
        if (matchPattern(div.getRhs(), m_Constant(&c)) && std::isnormal(c.getValueAsDouble())) {
          float r = 1.0f / static_cast<float>(c.getValueAsDouble());
          if (std::isnormal(r))
            result = arith::MulFOp::create(
                db, loc, div.getLhs(),
                arith::ConstantOp::create(db, loc, db.getF32FloatAttr(r)));
        }
        if (!result) // the intrinsic of div.full.f32 (LLVM schedules it, unlike inline PTX)
          result = LLVM::CallIntrinsicOp::create(db, loc, db.getF32Type(),
                                                 db.getStringAttr("llvm.nvvm.div.full"),
                                                 ValueRange{div.getLhs(), div.getRhs()})
                       .getResult(0);
        div.replaceAllUsesWith(result);
        div.erase();
      });
      gfn.walk([&](math::Exp2Op exp2) {
        if (!exp2.getType().isF32() || twoCtasPerSM)
          return;
        OpBuilder eb(exp2);
        // The intrinsic, not inline PTX: LLVM schedules it like any other op
        // (inline asm here raised head_dim 64's registers from 128 to 164).
        auto asmOp = LLVM::CallIntrinsicOp::create(
            eb, exp2.getLoc(), eb.getF32Type(), eb.getStringAttr("llvm.nvvm.ex2.approx.ftz.f32"),
            ValueRange{exp2.getOperand()});
        exp2.replaceAllUsesWith(asmOp.getResult(0));
        exp2.erase();
      });
      gfn.walk([&](math::TanhOp tanh) {
        if (!tanh.getType().isF32())
          return;
        OpBuilder tb(tanh);
        auto asmOp = LLVM::InlineAsmOp::create(
            tb, tanh.getLoc(), tb.getF32Type(), ValueRange{tanh.getOperand()},
            "tanh.approx.f32 $0, $1;", "=f,f", /*has_side_effects=*/false,
            /*is_align_stack=*/false, LLVM::TailCallKind::None,
            LLVM::AsmDialectAttr::get(tb.getContext(), LLVM::AsmDialect::AD_ATT), ArrayAttr());
        tanh.replaceAllUsesWith(asmOp.getResult(0));
        tanh.erase();
      });
    }
  }
};

} // namespace
} // namespace faattn
