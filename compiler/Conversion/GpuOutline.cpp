//===- GpuOutline.cpp - Kernel functions' grids to gpu.func ----------------===//
#include "faattn/Dialect/FAAttn/IR/FAAttn.h"
#include "faattn/Conversion/GpuOutline.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace faattn {

FailureOr<SmallVector<scf::ForallOp>> kernelGrids(func::FuncOp fn) {
  SmallVector<scf::ForallOp> grids;
  bool other = !llvm::hasSingleElement(fn.getBody());
  for (Operation &op : fn.getBody().front()) {
    auto g = dyn_cast<scf::ForallOp>(op);
    if (g && (g->hasAttr(FAAttnDialect::getGridAttrName()) || g->hasAttr(FAAttnDialect::getSplitKvCombineAttrName()))) {
      grids.push_back(g);
    } else if (g || (!isa<func::ReturnOp>(op) && !isMemoryEffectFree(&op))) {
      // Another loop nest, or work that is more than sizes (each kernel
      // recomputes the sizes before its grid: outlineGrid's preamble).
      other = true;
    }
  }
  if (grids.empty() && !other)
    return grids;
  bool plain = grids.size() == 1 && grids[0].getRank() == 3 &&
               !grids[0]->hasAttr(FAAttnDialect::getSplitKvAttrName());
  auto isCombine = [](scf::ForallOp g) {
    return g->hasAttr(FAAttnDialect::getSplitKvCombineAttrName()) && g.getRank() == 3;
  };
  bool split = grids.size() == 2 && grids[0]->hasAttr(FAAttnDialect::getSplitKvAttrName()) &&
               grids[0].getRank() == 4 && isCombine(grids[1]);
  // faattn-split-kv's last-cta-combine: the split grid combines in its last
  // CTA of a tile; no combine grid.
  bool lastCta = grids.size() == 1 && grids[0]->hasAttr(FAAttnDialect::getSplitKvAttrName()) &&
                 grids[0].getRank() == 4;
  // faattn-tiles-to-wgmma took the split grid: the combine grid is left.
  bool combineLeft = grids.size() == 1 && isCombine(grids[0]) &&
                     fn->hasAttr(FAAttnDialect::getSplitKvAttrName());
  // faattn-backward-tile's grids (its GPU form, workspace-args): pre, main and
  // post, or pre and post once faattn-tiles-to-wgmma took the main grid.
  auto roles = [&](ArrayRef<StringRef> want) {
    if (grids.size() != want.size())
      return false;
    for (auto [g, role] : llvm::zip(grids, want)) {
      auto a = g->getAttrOfType<StringAttr>(FAAttnDialect::getBackwardGridAttrName());
      if (!a || a.getValue() != role || g.getRank() != 3)
        return false;
    }
    return true;
  };
  bool backward = roles({"pre", "main", "post"}) || roles({"pre", "post"});
  if (other || (!plain && !split && !lastCta && !combineLeft && !backward)) {
    fn.emitError() << "the GPU (SIMT) path maps a (batch, head, q-block) grid, or a split-KV "
                      "grid and its combine grid, per kernel; this kernel has another shape "
                      "(kv-outer loop order, or a split-KV workspace allocated in the "
                      "function), which is CPU-only";
    return failure();
  }
  return grids;
}

gpu::GPUModuleOp kernelModule(ModuleOp module) {
  for (auto m : module.getOps<gpu::GPUModuleOp>())
    if (m.getName() == "faattn_kernels")
      return m;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto gpuModule = gpu::GPUModuleOp::create(b, module.getLoc(), "faattn_kernels");
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), b.getUnitAttr());
  return gpuModule;
}

std::string kernelName(func::FuncOp fn, scf::ForallOp grid) {
  if (auto role = grid->getAttrOfType<StringAttr>(FAAttnDialect::getBackwardGridAttrName());
      role && role.getValue() != "main")
    return fn.getName().str() + "_" + role.getValue().str(); // the backward's pre / post
  return fn.getName().str() +
         (grid->hasAttr(FAAttnDialect::getSplitKvCombineAttrName()) ? "_combine" : "");
}

bool hasRotatedKVLoop(Operation *root) {
  return root
      ->walk([](scf::ForOp loop) {
        return loop->hasAttr(FAAttnDialect::getRotatedAttrName()) ? WalkResult::interrupt() : WalkResult::advance();
      })
      .wasInterrupted();
}

std::array<Value, 3> tileCoords(OpBuilder &b, Location loc, Value t, Value batches,
                                Value heads, Value pairs, Value qBlocks, int64_t sectionTiles) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v).getResult(); };
  if (sectionTiles == 0) {
    Value zRev = arith::DivUIOp::create(b, loc, t, pairs);
    Value rest = arith::RemUIOp::create(b, loc, t, pairs);
    Value last = arith::SubIOp::create(b, loc, qBlocks, c(1));
    return {arith::RemUIOp::create(b, loc, rest, batches),
            arith::DivUIOp::create(b, loc, rest, batches),
            arith::SubIOp::create(b, loc, last, zRev)};
  }
  // G = 2^floor(log2(max(1, sectionTiles / qBlocks))), at most the pairs.
  // (One op per statement: the order the ops are created in is the IR's.)
  Value g = arith::DivUIOp::create(b, loc, c(sectionTiles), qBlocks);
  g = arith::MaxUIOp::create(b, loc, g, c(1));
  // Every bit below the highest set, then the highest alone (g < 2^32).
  for (int64_t shift : {1, 2, 4, 8, 16})
    g = arith::OrIOp::create(b, loc, g, arith::ShRUIOp::create(b, loc, g, c(shift)));
  g = arith::SubIOp::create(b, loc, g, arith::ShRUIOp::create(b, loc, g, c(1)));
  g = arith::MinUIOp::create(b, loc, g, pairs);
  Value perSection = arith::MulIOp::create(b, loc, g, qBlocks);
  Value section = arith::DivUIOp::create(b, loc, t, perSection);
  Value r = arith::RemUIOp::create(b, loc, t, perSection);
  Value first = arith::MulIOp::create(b, loc, section, g);
  Value size = arith::MinUIOp::create(b, loc, g, arith::SubIOp::create(b, loc, pairs, first));
  Value pair = arith::AddIOp::create(b, loc, first, arith::RemUIOp::create(b, loc, r, size));
  Value zRev = arith::DivUIOp::create(b, loc, r, size);
  Value last = arith::SubIOp::create(b, loc, qBlocks, c(1));
  return {arith::DivUIOp::create(b, loc, pair, heads), arith::RemUIOp::create(b, loc, pair, heads),
          arith::SubIOp::create(b, loc, last, zRev)};
}

gpu::GPUFuncOp outlineGrid(func::FuncOp fn, scf::ForallOp grid, StringRef name,
                           gpu::GPUModuleOp gpuModule, int64_t threads, bool persistent,
                           int64_t sectionTiles) {
  OpBuilder b = OpBuilder::atBlockEnd(gpuModule.getBody());
  auto gfn = gpu::GPUFuncOp::create(b, fn.getLoc(), name, fn.getFunctionType());
  gfn->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  gfn.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr({static_cast<int32_t>(threads), 1, 1}));
  for (NamedAttribute attr : fn->getDiscardableAttrs())
    if (attr.getName().getValue().starts_with("faattn."))
      gfn->setAttr(attr.getName(), attr.getValue());
  // GQA packing: the grid's Q block holds a head group (its tile_load says).
  std::optional<uint64_t> headGroup;
  grid.walk([&](TileLoadOp load) {
    if (load.getHeadGroup())
      headGroup = load.getHeadGroup();
  });
  if (headGroup)
    gfn->setAttr(FAAttnDialect::getHeadGroupAttrName(), b.getI64IntegerAttr(*headGroup));
  Block &entry = gfn.getBody().front();
  OpBuilder eb = OpBuilder::atBlockEnd(&entry);
  IRMapping map;
  map.map(fn.getArguments(), entry.getArguments());
  // The preamble (everything but the grids) computes the sizes each grid uses.
  for (Operation &op : fn.getBody().front()) {
    if (&op == grid.getOperation())
      break;
    if (!isa<scf::ForallOp>(op))
      eb.clone(op, map);
  }
  Location loc = grid.getLoc();
  if (persistent && grid.getRank() == 3) {
    Value ub[3];
    for (unsigned i = 0; i < 3; ++i)
      ub[i] = map.lookupOrDefault(
          getValueOrCreateConstantIndexOp(eb, loc, grid.getMixedUpperBound()[i]));
    Value xy = arith::MulIOp::create(eb, loc, ub[0], ub[1]);
    Value tiles = arith::MulIOp::create(eb, loc, xy, ub[2]);
    Value zero = arith::ConstantIndexOp::create(eb, loc, 0);
    Value first = gpu::BlockIdOp::create(eb, loc, gpu::Dimension::x);
    Type index = eb.getIndexType();
    auto loop = scf::WhileOp::create(eb, loc, TypeRange{index, index, index},
                                     ValueRange{first, zero, zero});
    loop->setAttr(FAAttnDialect::getTileLoopAttrName(), eb.getUnitAttr());
    Block *before = eb.createBlock(&loop.getBefore(), {}, {index, index, index}, {loc, loc, loc});
    Value more = arith::CmpIOp::create(eb, loc, arith::CmpIPredicate::ult, before->getArgument(0),
                                       tiles);
    scf::ConditionOp::create(eb, loc, more, before->getArguments());
    Block *after = eb.createBlock(&loop.getAfter(), {}, {index, index, index}, {loc, loc, loc});
    std::array<Value, 3> tile =
        tileCoords(eb, loc, after->getArgument(0), ub[0], ub[1], xy, ub[2], sectionTiles);
    for (unsigned i = 0; i < 3; ++i)
      map.map(grid.getInductionVar(i), tile[i]);
    for (Operation &op : grid.getBody()->without_terminator())
      eb.clone(op, map);
    scf::YieldOp::create(eb, loc, ValueRange{tiles, after->getArgument(1), after->getArgument(2)});
    eb.setInsertionPointAfter(loop);
    gpu::ReturnOp::create(eb, fn.getLoc());
    return gfn;
  }
  gpu::Dimension dims[3] = {gpu::Dimension::x, gpu::Dimension::y, gpu::Dimension::z};
  if (sectionTiles > 0 && grid.getRank() == 3) {
    // The CTA's place in the hardware's start order, x fastest.
    Value id[3], count[3];
    for (unsigned i = 0; i < 3; ++i) {
      id[i] = gpu::BlockIdOp::create(eb, loc, dims[i]);
      count[i] = gpu::GridDimOp::create(eb, loc, dims[i]);
    }
    Value yz = arith::AddIOp::create(eb, loc, id[1], arith::MulIOp::create(eb, loc, count[1], id[2]));
    Value t = arith::AddIOp::create(eb, loc, id[0], arith::MulIOp::create(eb, loc, count[0], yz));
    Value pairs = arith::MulIOp::create(eb, loc, count[0], count[1]);
    std::array<Value, 3> tile =
        tileCoords(eb, loc, t, count[0], count[1], pairs, count[2], sectionTiles);
    for (unsigned i = 0; i < 3; ++i)
      map.map(grid.getInductionVar(i), tile[i]);
    for (Operation &op : grid.getBody()->without_terminator())
      eb.clone(op, map);
    gpu::ReturnOp::create(eb, fn.getLoc());
    return gfn;
  }
  for (unsigned i = 0; i < 3; ++i)
    map.map(grid.getInductionVar(i), gpu::BlockIdOp::create(eb, loc, dims[i]));
  if (grid.getRank() == 4) {
    // Split-KV: block z = q-block * splits + split.
    Value z = map.lookup(grid.getInductionVar(2));
    Value splits = getValueOrCreateConstantIndexOp(eb, loc, grid.getMixedUpperBound()[3]);
    splits = map.lookupOrDefault(splits);
    map.map(grid.getInductionVar(2), arith::DivUIOp::create(eb, loc, z, splits));
    map.map(grid.getInductionVar(3), arith::RemUIOp::create(eb, loc, z, splits));
  }
  for (Operation &op : grid.getBody()->without_terminator())
    eb.clone(op, map);
  gpu::ReturnOp::create(eb, fn.getLoc());
  return gfn;
}

} // namespace faattn
