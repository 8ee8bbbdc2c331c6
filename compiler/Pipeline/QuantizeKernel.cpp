//===- QuantizeKernel.cpp - the e4m3 quantization kernels -----------------===//
//
// The protocol and the semantics are in QuantizeKernel.h.
//
//===----------------------------------------------------------------------===//
#include "faattn/Pipeline/QuantizeKernel.h"
#include "faattn/Conversion/ElementCode.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Pipeline/Pipeline.h"
#include "faattn/Target/PTX.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <limits>

using namespace mlir;

namespace faattn {
namespace {

/// The sizes and the CTA's place, as i64 values, shared by both kernels.
struct Frame {
  Value x, amax;                                  // !llvm.ptr
  Value B, H, S, D, rows, granularity, bshd;      // i64 arguments
  Value chunk, head, batch, tid, threads, chunks; // i64
  Value elements;                                 // the CTA's: rows here x D
  Value group;                                    // amax's slot
};

class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, Type elt) : b(b), loc(loc), elt(elt) {}

  void buildAmax(gpu::GPUModuleOp module);
  void buildQuantize(gpu::GPUModuleOp module);

private:
  Value i64(int64_t v) { return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v); }
  Value f32(float v) { return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v)); }
  Value toI64(Value index) {
    return arith::IndexCastUIOp::create(b, loc, b.getI64Type(), index);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value eq(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  }
  Value at(Value ptr, Type t, Value i) {
    return LLVM::GEPOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext()), t, ptr,
                               ValueRange{i});
  }
  /// A kernel of `ptrs` pointer and 7 i64 arguments, the builder at its start.
  gpu::GPUFuncOp kernel(gpu::GPUModuleOp module, StringRef name, unsigned ptrs);
  /// The frame of a kernel whose first two pointers are x and amax and whose
  /// sizes follow its `ptrs` pointers.
  Frame frame(gpu::GPUFuncOp fn, unsigned ptrs);
  /// The memory index of element e of the CTA (row e / D of its chunk,
  /// column e % D), and whether it is column 0 and its row.
  struct Element {
    Value index, column0, row;
  };
  Element element(const Frame &f, Value e);
  /// scf.for over the CTA's elements (thread tid, tid + threads, ...).
  scf::ForOp elementLoop(const Frame &f, ValueRange inits);

  OpBuilder &b;
  Location loc;
  Type elt;
};

gpu::GPUFuncOp KernelBuilder::kernel(gpu::GPUModuleOp module, StringRef name, unsigned ptrs) {
  SmallVector<Type> args(ptrs, LLVM::LLVMPointerType::get(b.getContext()));
  args.append(7, b.getI64Type());
  b.setInsertionPointToEnd(module.getBody());
  auto fn = gpu::GPUFuncOp::create(b, loc, name, b.getFunctionType(args, {}));
  fn->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  fn.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr({int32_t(kQuantizeThreads), 1, 1}));
  b.setInsertionPointToStart(&fn.getBody().front());
  return fn;
}

Frame KernelBuilder::frame(gpu::GPUFuncOp fn, unsigned ptrs) {
  Frame f;
  f.x = fn.getArgument(0);
  f.amax = fn.getArgument(1);
  Value *sizes[] = {&f.B, &f.H, &f.S, &f.D, &f.rows, &f.granularity, &f.bshd};
  for (unsigned i = 0; i < 7; ++i)
    *sizes[i] = fn.getArgument(ptrs + i);
  f.chunk = toI64(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x));
  f.head = toI64(gpu::BlockIdOp::create(b, loc, gpu::Dimension::y));
  f.batch = toI64(gpu::BlockIdOp::create(b, loc, gpu::Dimension::z));
  f.chunks = toI64(gpu::GridDimOp::create(b, loc, gpu::Dimension::x));
  f.tid = toI64(gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x));
  f.threads = i64(kQuantizeThreads);
  // Rows [chunk * rows, min(chunk * rows + rows, S)) of (batch, head).
  Value first = mul(f.chunk, f.rows);
  Value left = arith::SubIOp::create(b, loc, f.S, first);
  Value here = arith::MinSIOp::create(b, loc, f.rows, arith::MaxSIOp::create(b, loc, left, i64(0)));
  f.elements = mul(here, f.D);
  // The group: 0 (tensor), b * H + h (head), (b * H + h) * chunks + chunk (block).
  Value bh = add(mul(f.batch, f.H), f.head);
  Value perBlock = add(mul(bh, f.chunks), f.chunk);
  f.group = arith::SelectOp::create(
      b, loc, eq(f.granularity, i64(0)), i64(0),
      arith::SelectOp::create(b, loc, eq(f.granularity, i64(1)), bh, perBlock));
  return f;
}

KernelBuilder::Element KernelBuilder::element(const Frame &f, Value e) {
  Value r = arith::DivUIOp::create(b, loc, e, f.D);
  Value d = arith::RemUIOp::create(b, loc, e, f.D);
  Value s = add(mul(f.chunk, f.rows), r);
  // bshd: ((b * S + s) * H + h) * D + d; bhsd: ((b * H + h) * S + s) * D + d.
  Value bshdRow = add(mul(add(mul(f.batch, f.S), s), f.H), f.head);
  Value bhsdRow = add(mul(add(mul(f.batch, f.H), f.head), f.S), s);
  Value row = arith::SelectOp::create(b, loc, eq(f.bshd, i64(1)), bshdRow, bhsdRow);
  return {add(mul(row, f.D), d), eq(d, i64(0)), s};
}

scf::ForOp KernelBuilder::elementLoop(const Frame &f, ValueRange inits) {
  auto loop = scf::ForOp::create(b, loc, f.tid, f.elements, f.threads, inits);
  b.setInsertionPointToStart(loop.getBody());
  return loop;
}

void KernelBuilder::buildAmax(gpu::GPUModuleOp module) {
  gpu::GPUFuncOp fn = kernel(module, kQuantizeAmaxEntry, 2);
  Frame f = frame(fn, 2);
  // This thread's max |x| (maximumf: a NaN wins, as torch.amax has it).
  auto loop = elementLoop(f, ValueRange{f32(0)});
  {
    Element el = element(f, loop.getInductionVar());
    Value x = LLVM::LoadOp::create(b, loc, elt, at(f.x, elt, el.index));
    if (!elt.isF32())
      x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
    Value m = arith::MaximumFOp::create(b, loc, loop.getRegionIterArg(0),
                                        math::AbsFOp::create(b, loc, x));
    scf::YieldOp::create(b, loc, m);
  }
  b.setInsertionPointAfter(loop);
  Value m = loop.getResult(0);
  Value width = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 32);
  for (int32_t offset : {16, 8, 4, 2, 1}) {
    Value o = arith::ConstantIntOp::create(b, loc, b.getI32Type(), offset);
    Value other = gpu::ShuffleOp::create(b, loc, m, o, width, gpu::ShuffleMode::XOR)
                      .getShuffleResult();
    m = arith::MaximumFOp::create(b, loc, m, other);
  }
  // Lane 0: the warp's max into the group's slot (u32 order of |x|'s bits).
  Value lane0 = eq(arith::RemUIOp::create(b, loc, f.tid, i64(32)), i64(0));
  auto ifLane0 = scf::IfOp::create(b, loc, lane0, /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifLane0.thenBlock());
  Value bits = arith::BitcastOp::create(b, loc, b.getI32Type(), m);
  LLVM::AtomicRMWOp::create(b, loc, LLVM::AtomicBinOp::umax, at(f.amax, b.getI32Type(), f.group),
                            bits, LLVM::AtomicOrdering::monotonic);
  b.setInsertionPointAfter(ifLane0);
  gpu::ReturnOp::create(b, loc);
}

void KernelBuilder::buildQuantize(gpu::GPUModuleOp module) {
  gpu::GPUFuncOp fn = kernel(module, kQuantizeEntry, 4);
  Frame f = frame(fn, 4);
  Value x8 = fn.getArgument(2), descale = fn.getArgument(3);
  Type f32Ty = b.getF32Type(), i8 = b.getI8Type();
  // The group's factor: amax / 448, at least the smallest normal f32 (NaN
  // stays NaN), 1 for a group of zeros.
  Value bits = LLVM::LoadOp::create(b, loc, b.getI32Type(), at(f.amax, b.getI32Type(), f.group));
  Value amax = arith::BitcastOp::create(b, loc, f32Ty, bits);
  Value factor = arith::MaximumFOp::create(
      b, loc, arith::DivFOp::create(b, loc, amax, f32(kE4M3Max)),
      f32(std::numeric_limits<float>::min()));
  Value zero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, amax, f32(0));
  factor = arith::SelectOp::create(b, loc, zero, f32(1), factor);
  auto loop = elementLoop(f, ValueRange{});
  {
    Element el = element(f, loop.getInductionVar());
    Value x = LLVM::LoadOp::create(b, loc, elt, at(f.x, elt, el.index));
    if (!elt.isF32())
      x = arith::ExtFOp::create(b, loc, f32Ty, x);
    Value y = arith::DivFOp::create(b, loc, x, factor);
    y = arith::MinimumFOp::create(b, loc, arith::MaximumFOp::create(b, loc, y, f32(-kE4M3Max)),
                                  f32(kE4M3Max));
    LLVM::StoreOp::create(b, loc, e4m3Byte(b, loc, y), at(x8, i8, el.index));
    // Block factors: each row's, by the thread of its column 0.
    Value rowFactor = arith::AndIOp::create(b, loc, eq(f.granularity, i64(2)), el.column0);
    auto ifRow = scf::IfOp::create(b, loc, rowFactor, /*withElseRegion=*/false);
    b.setInsertionPointToStart(ifRow.thenBlock());
    Value slot = add(mul(add(mul(f.batch, f.H), f.head), f.S), el.row);
    LLVM::StoreOp::create(b, loc, factor, at(descale, f32Ty, slot));
    b.setInsertionPointAfter(ifRow);
  }
  b.setInsertionPointAfter(loop);
  // Per tensor: CTA (0, 0, 0)'s thread 0; per (batch, head): chunk 0's.
  Value first = arith::AndIOp::create(b, loc, eq(f.tid, i64(0)), eq(f.chunk, i64(0)));
  Value bh = add(mul(f.batch, f.H), f.head);
  Value headFactor = arith::AndIOp::create(b, loc, first, eq(f.granularity, i64(1)));
  Value tensorFactor = arith::AndIOp::create(
      b, loc, arith::AndIOp::create(b, loc, first, eq(bh, i64(0))), eq(f.granularity, i64(0)));
  for (auto [cond, slot] : {std::pair{headFactor, bh}, std::pair{tensorFactor, i64(0)}}) {
    auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
    b.setInsertionPointToStart(ifOp.thenBlock());
    LLVM::StoreOp::create(b, loc, factor, at(descale, f32Ty, slot));
    b.setInsertionPointAfter(ifOp);
  }
  gpu::ReturnOp::create(b, loc);
}

} // namespace

llvm::Expected<std::string> quantizeKernelPTX(QuantizeInput input) {
  DialectRegistry registry;
  registerGpuDialects(registry);
  registry.insert<arith::ArithDialect, scf::SCFDialect, math::MathDialect>();
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  OpBuilder b(&ctx);
  Location loc = b.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  (*module)->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), b.getUnitAttr());
  b.setInsertionPointToStart(module->getBody());
  auto gpuModule = gpu::GPUModuleOp::create(b, loc, "faattn_quantize");
  Type elt = input == QuantizeInput::BF16  ? Type(b.getBF16Type())
             : input == QuantizeInput::F16 ? Type(b.getF16Type())
                                           : Type(b.getF32Type());
  KernelBuilder kb(b, loc, elt);
  kb.buildAmax(gpuModule);
  kb.buildQuantize(gpuModule);

  PassManager pm(&ctx);
  OpPassManager &g = pm.nest<gpu::GPUModuleOp>();
  g.addPass(createSCFToControlFlowPass());
  g.addPass(createConvertGpuOpsToNVVMOps());
  g.addPass(createConvertNVVMToLLVMPass());
  g.addPass(createReconcileUnrealizedCastsPass());
  std::string diagnostics;
  {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      diagnostics += d.str() + "\n";
      return success();
    });
    if (failed(module->verify()) || failed(pm.run(*module)))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "the e4m3 quantization kernels do not lower: " + diagnostics);
  }
  PTXOptions options;
  return emitPTX(gpuModule, options);
}

} // namespace faattn
