//===- BackwardToGPU.cpp - faattn-backward-to-gpu: SIMT backward kernels --===//
//
// The first GPU backward: each `mode = backward` faattn.attention op becomes
// two kernel gpu.funcs in `gpu.module @faattn_kernels` that compute what the
// CPU path computes (BackwardCode.h builds the same per-pair code for both),
// on CUDA cores, in f32, without atomics on dq, dk or dv (the FA2 backward
// split in two as Triton's tutorial splits it, so each output row has one
// owner):
//
//   `name`_dq   grid (batch, heads, ceil(max seq_q / rows)), a thread per
//               query row i (grid-stride: every row of a longer sequence
//               too): D_i = dO_i . O_i into the workspace, then over
//               the keys j the mask keeps: dq_i += scale dS k_j, and each
//               param gradient += dS' d s'/d p[idx] (f32 atomics, a
//               thread's run of equal indices added once: slopes[h] takes
//               one atomic a row);
//   `name`      grid (batch, KV heads, ceil(max seq_kv / rows)), a thread
//               per key row j: over the group's query heads and the query
//               rows, dv_j += P dO_i and dk_j += scale dS q_i (reading D_i).
//
// Launched in this order on one stream (`name`_dq writes D, `name` reads
// it), after the runtime zeroes the param gradients (and, varlen, dq, dk and
// dv: rows outside every sequence have no owner). Both take the kernel's
// arguments (KernelABI's kernelArgs: q ... dv, sequence operands, params,
// gradients) and then `workspace:delta` (f32, shaped as the LSE). A fully
// masked row (lse = -inf) gets dq = 0 and adds nothing elsewhere. The thread's
// own row (q_i and dO_i, or k_j and v_j) and its accumulators are private
// arrays. Correctness first: the tensor-core backward (docs/BACKWARD.md)
// replaces it.
//
//===----------------------------------------------------------------------===//
#include "faattn/Conversion/BackwardCode.h"
#include "faattn/Conversion/GpuOutline.h"
#include "faattn/Conversion/Passes.h"
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace faattn {
#define GEN_PASS_DEF_FAATTNBACKWARDTOGPU
#include "faattn/Conversion/Passes.h.inc"
} // namespace faattn

using namespace mlir;

namespace faattn {
namespace {

/// The body of one of the two kernels, at the start of `gfn`.
class BackwardKernel : BackwardCode {
public:
  BackwardKernel(AttentionOp op, gpu::GPUFuncOp gfn, IRMapping args, Value delta)
      : BackwardCode(op, OpBuilder::atBlockBegin(&gfn.getBody().front()), std::move(args)),
        delta(delta) {}

  /// `name`_dq: a thread per query row.
  void buildDQ(int64_t rows);
  /// `name`: a thread per key row.
  void buildDKDV(int64_t rows);

private:
  /// A private f32 array of `n` elements, zeroed or filled from `from`.
  Value privateArray(int64_t n, std::function<Value(Value)> from = {});
  std::function<Value(Value)> element(Value array) {
    return [this, array](Value c) { return memref::LoadOp::create(b, loc, array, ValueRange{c}); };
  }
  /// array[c] += x(c) * factor for c < n.
  void axpy(Value array, int64_t n, Value factor, std::function<Value(Value)> x);
  /// Row `i`'s elements of `mem` set from array (truncated to its type).
  void storeRow(Value array, int64_t n, Value mem, Value bi, Value h, Value r);
  /// The rows handled by this thread: block z * rows + thread x.
  Value threadRow(int64_t rows) {
    Value z = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
    Value t = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    return arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, z, cIdx(rows)), t);
  }
  Value blockId(gpu::Dimension d) { return gpu::BlockIdOp::create(b, loc, d); }
  Value less(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }

  Value delta;
};

Value BackwardKernel::privateArray(int64_t n, std::function<Value(Value)> from) {
  Value a = memref::AllocaOp::create(b, loc, MemRefType::get({n}, b.getF32Type()));
  loop(cIdx(0), cIdx(n), {}, [&](Value c, ValueRange) -> SmallVector<Value> {
    memref::StoreOp::create(b, loc, from ? from(c) : cF32(0), a, ValueRange{c});
    return {};
  });
  return a;
}

void BackwardKernel::axpy(Value array, int64_t n, Value factor, std::function<Value(Value)> x) {
  loop(cIdx(0), cIdx(n), {}, [&](Value c, ValueRange) -> SmallVector<Value> {
    Value old = memref::LoadOp::create(b, loc, array, ValueRange{c});
    Value add = arith::MulFOp::create(b, loc, factor, x(c));
    memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, add), array,
                            ValueRange{c});
    return {};
  });
}

void BackwardKernel::storeRow(Value array, int64_t n, Value mem, Value bi, Value h, Value r) {
  loop(cIdx(0), cIdx(n), {}, [&](Value c, ValueRange) -> SmallVector<Value> {
    store(memref::LoadOp::create(b, loc, array, ValueRange{c}), mem, at(mem, bi, h, r, c));
    return {};
  });
}

void BackwardKernel::buildDQ(int64_t rows) {
  Value q = operand(op.getQ()), k = operand(op.getK()), v = operand(op.getV());
  Value out = operand(op.getOut()), lse = operand(op.getLse()), dout = operand(op.getDout());
  Value dq = operand(op.getDq());
  int64_t dimQK = op.getHeadDimQK(), dimV = op.getHeadDimV();
  Value memQ = seqQ(), memKV = seqKV();
  Value seq = blockId(gpu::Dimension::x), h = blockId(gpu::Dimension::y);
  Value first = threadRow(rows);
  when(less(seq, batches()), [&] {
    Sequence s = sequence(seq, memQ, memKV);
    // Grid-stride over the sequence's rows: with a max_seqlen_q below the
    // longest sequence (a caller's mistake) every row still gets its D,
    // which the dk / dv kernel reads for every row.
    Value stride = arith::MulIOp::create(
        b, loc, gpu::GridDimOp::create(b, loc, gpu::Dimension::z), cIdx(rows));
    auto rowLoop = scf::ForOp::create(b, loc, first, s.lenQ, stride);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(rowLoop.getBody()->getTerminator());
    Value iSeq = rowLoop.getInductionVar();
    {
      auto [i, qInside] = rowOf(s.qStart, iSeq, memQ);
      guarded(qInside, [&, i = i] {
        Value bi = s.bi;
        Value kvh = arith::DivUIOp::create(b, loc, h, cIdx(op.getGroupSize()));
        Value d = dot(row(dout, bi, h, i), row(out, bi, h, i), dimV);
        memref::StoreOp::create(b, loc, d, delta, ValueRange{bi, h, i});
        Value lseI = load(lse, ValueRange{bi, h, i});
        Value qi = privateArray(dimQK, row(q, bi, h, i));
        Value doi = privateArray(dimV, row(dout, bi, h, i));
        Value acc = privateArray(dimQK);
        // Each param element's pending sum: its indices, its value, whether
        // one is pending; flushed with one atomic when the index changes.
        struct Pending {
          Value indices, value, has, buffer;
          int64_t rank;
        };
        SmallVector<Pending> pending;
        auto yield = cast<GradYieldOp>(op.getGrad().front().getTerminator());
        for (unsigned e = 0; e < numParamRefs(); ++e) {
          Pending p;
          p.buffer = paramGradBuffer(e);
          p.rank = static_cast<int64_t>(yield.getIndicesOf(e).size());
          p.indices = memref::AllocaOp::create(
              b, loc, MemRefType::get({std::max<int64_t>(p.rank, 1)}, b.getIndexType()));
          p.value = memref::AllocaOp::create(b, loc, MemRefType::get({1}, b.getF32Type()));
          p.has = memref::AllocaOp::create(b, loc, MemRefType::get({1}, b.getI1Type()));
          memref::StoreOp::create(b, loc, arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0),
                                  p.has, ValueRange{cIdx(0)});
          pending.push_back(p);
        }
        auto flush = [&](const Pending &p) {
          Value has = memref::LoadOp::create(b, loc, p.has, ValueRange{cIdx(0)});
          when(has, [&] {
            SmallVector<Value> idx;
            for (int64_t r = 0; r < p.rank; ++r)
              idx.push_back(memref::LoadOp::create(b, loc, p.indices, ValueRange{cIdx(r)}));
            Value val = memref::LoadOp::create(b, loc, p.value, ValueRange{cIdx(0)});
            memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::addf, val, p.buffer, idx);
          });
        };
        Value live = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, lseI, minusInf);
        when(live, [&] {
          loop(cIdx(0), s.lenKV, {}, [&](Value jSeq, ValueRange) -> SmallVector<Value> {
            auto [j, kvInside] = rowOf(s.kvStart, jSeq, memKV);
            guarded(kvInside, [&, j = j] {
              auto qk = [&] { return dot(element(qi), row(k, bi, kvh, j), dimQK); };
              auto dOv = [&] { return dot(element(doi), row(v, bi, kvh, j), dimV); };
              pair(s, seq, h, iSeq, jSeq, lseI, d, qk, dOv, [&](Pair &pr) {
                axpy(acc, dimQK, pr.scaledDS, row(k, bi, kvh, j));
                for (unsigned e = 0; e < pending.size(); ++e) {
                  ParamTerm t = paramTerm(pr, e);
                  const Pending &p = pending[e];
                  // Same element as the pending one: add to it; else flush
                  // it and start this one.
                  Value same = memref::LoadOp::create(b, loc, p.has, ValueRange{cIdx(0)});
                  for (int64_t r = 0; r < p.rank; ++r) {
                    Value old = memref::LoadOp::create(b, loc, p.indices, ValueRange{cIdx(r)});
                    Value eq = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, old,
                                                     t.indices[r]);
                    same = arith::AndIOp::create(b, loc, same, eq);
                  }
                  Value old = memref::LoadOp::create(b, loc, p.value, ValueRange{cIdx(0)});
                  auto ifOp = scf::IfOp::create(b, loc, same, /*withElseRegion=*/true);
                  {
                    OpBuilder::InsertionGuard guard(b);
                    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
                    memref::StoreOp::create(b, loc,
                                            arith::AddFOp::create(b, loc, old, t.contribution),
                                            p.value, ValueRange{cIdx(0)});
                    b.setInsertionPointToStart(&ifOp.getElseRegion().front());
                    flush(p);
                    for (int64_t r = 0; r < p.rank; ++r)
                      memref::StoreOp::create(b, loc, t.indices[r], p.indices,
                                              ValueRange{cIdx(r)});
                    memref::StoreOp::create(b, loc, t.contribution, p.value, ValueRange{cIdx(0)});
                    memref::StoreOp::create(
                        b, loc, arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1), p.has,
                        ValueRange{cIdx(0)});
                  }
                }
              });
            });
            return {};
          });
          for (const Pending &p : pending)
            flush(p);
        });
        storeRow(acc, dimQK, dq, bi, h, i);
      });
    }
  });
}

void BackwardKernel::buildDKDV(int64_t rows) {
  Value q = operand(op.getQ()), k = operand(op.getK()), v = operand(op.getV());
  Value dout = operand(op.getDout());
  Value dk = operand(op.getDk()), dv = operand(op.getDv());
  int64_t dimQK = op.getHeadDimQK(), dimV = op.getHeadDimV();
  int64_t group = op.getGroupSize();
  Value memQ = seqQ(), memKV = seqKV();
  Value seq = blockId(gpu::Dimension::x), kvh = blockId(gpu::Dimension::y);
  Value jSeq = threadRow(rows);
  when(less(seq, batches()), [&] {
    Sequence s = sequence(seq, memQ, memKV);
    when(less(jSeq, s.lenKV), [&] {
      auto [j, kvInside] = rowOf(s.kvStart, jSeq, memKV);
      guarded(kvInside, [&, j = j] {
        Value bi = s.bi;
        Value kj = privateArray(dimQK, row(k, bi, kvh, j));
        Value vj = privateArray(dimV, row(v, bi, kvh, j));
        Value dkAcc = privateArray(dimQK), dvAcc = privateArray(dimV);
        loop(cIdx(0), cIdx(group), {}, [&](Value g, ValueRange) -> SmallVector<Value> {
          Value h = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, kvh, cIdx(group)),
                                          g);
          forLiveRows(s, h, memQ, [&](Value i, Value iSeq, Value lseI) {
            Value d = memref::LoadOp::create(b, loc, delta, ValueRange{bi, h, i});
            auto qk = [&] { return dot(row(q, bi, h, i), element(kj), dimQK); };
            auto dOv = [&] { return dot(row(dout, bi, h, i), element(vj), dimV); };
            pair(s, seq, h, iSeq, jSeq, lseI, d, qk, dOv, [&](Pair &pr) {
              axpy(dvAcc, dimV, pr.p, row(dout, bi, h, i));
              axpy(dkAcc, dimQK, pr.scaledDS, row(q, bi, h, i));
            });
          });
          return {};
        });
        storeRow(dkAcc, dimQK, dk, bi, kvh, j);
        storeRow(dvAcc, dimV, dv, bi, kvh, j);
      });
    });
  });
}

struct BackwardToGPUPass : impl::FAAttnBackwardToGPUBase<BackwardToGPUPass> {
  using Base::Base;

  LogicalResult lower(AttentionOp op) {
    if (!op.getDout() || !op.hasGrad())
      return op.emitOpError() << "faattn-backward-to-gpu lowers a complete backward op with its "
                                 "'grad' region (run faattn-score-grad first)";
    if (op.getPagedKvPage())
      return op.emitOpError() << "faattn-backward-to-gpu does not lower paged_kv backward ops";
    // Its param gradients are atomics in no fixed order (BackwardTile.cpp's
    // partials order them).
    if (op.getDeterministic() && !op.getParamGrads().empty())
      return op.emitOpError() << "deterministic param gradients need the tensor-core backward "
                                 "(sm_90a, head dims multiples of 16); the SIMT backward adds "
                                 "them in no fixed order";
    auto fn = op->getParentOfType<func::FuncOp>();
    for (Value v : op->getOperands())
      if (auto arg = dyn_cast<BlockArgument>(v); !arg || arg.getOwner() != &fn.getBody().front())
        return op.emitOpError() << "faattn-backward-to-gpu needs every operand to be an "
                                   "argument of the kernel function";
    auto lseType = cast<MemRefType>(op.getLse().getType());
    // workspace:delta, shaped as the LSE (f32).
    SmallVector<Type> inputs(fn.getArgumentTypes());
    inputs.push_back(lseType);
    auto type = FunctionType::get(fn.getContext(), inputs, {});
    gpu::GPUModuleOp gpuModule = kernelModule(fn->getParentOfType<ModuleOp>());
    for (bool dq : {true, false}) {
      OpBuilder b = OpBuilder::atBlockEnd(gpuModule.getBody());
      std::string name = fn.getName().str() + (dq ? "_dq" : "");
      auto gfn = gpu::GPUFuncOp::create(b, fn.getLoc(), name, type);
      gfn->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
      gfn.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr({static_cast<int32_t>(rows), 1, 1}));
      for (NamedAttribute attr : fn->getDiscardableAttrs())
        if (attr.getName().getValue().starts_with("faattn."))
          gfn->setAttr(attr.getName(), attr.getValue());
      gfn->setAttr(FAAttnDialect::getBlockMAttrName(), b.getI64IntegerAttr(rows));
      Block &entry = gfn.getBody().front();
      IRMapping args;
      args.map(fn.getArguments(), entry.getArguments().drop_back());
      BackwardKernel kernel(op, gfn, std::move(args), entry.getArguments().back());
      if (dq)
        kernel.buildDQ(rows);
      else
        kernel.buildDKDV(rows);
      OpBuilder end = OpBuilder::atBlockEnd(&entry);
      gpu::ReturnOp::create(end, fn.getLoc());
    }
    op.erase();
    return success();
  }

  void runOnOperation() override {
    for (AttentionOp op : backwardOps(getOperation()))
      if (failed(lower(op)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace faattn
