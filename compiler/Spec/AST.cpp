//===- AST.cpp - Names of AST enums, Expr::clone, backwardOf, diagnostics -===//
#include "faattn/Spec/AST.h"
#include "faattn/Spec/Spec.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace faattn::spec {

const char *typeName(Type t) {
  switch (t) {
  case Type::Unknown: return "unknown";
  case Type::Bool: return "bool";
  case Type::I32: return "i32";
  case Type::F32: return "f32";
  }
  return "?";
}

const char *builtinName(Builtin b) {
  switch (b) {
  case Builtin::Score: return "score";
  case Builtin::Batch: return "b";
  case Builtin::Head: return "h";
  case Builtin::QIdx: return "q_idx";
  case Builtin::KVIdx: return "kv_idx";
  case Builtin::SeqQ: return "seq_q";
  case Builtin::SeqKV: return "seq_kv";
  }
  return "?";
}

const char *funcName(Func f) {
  switch (f) {
  case Func::Tanh: return "tanh";
  case Func::Exp: return "exp";
  case Func::Exp2: return "exp2";
  case Func::Log: return "log";
  case Func::Abs: return "abs";
  case Func::Min: return "min";
  case Func::Max: return "max";
  case Func::Where: return "where";
  case Func::Window: return "window";
  }
  return "?";
}

const char *dtypeName(DType d) {
  switch (d) {
  case DType::F16: return "f16";
  case DType::BF16: return "bf16";
  case DType::E4M3: return "e4m3";
  }
  return "?";
}

const char *layoutName(Layout l) { return l == Layout::BSHD ? "bshd" : "bhsd"; }

const char *modeName(Mode m) {
  switch (m) {
  case Mode::Forward: return "forward";
  case Mode::Backward: return "backward";
  case Mode::Decode: return "decode";
  }
  return "?";
}

const char *targetName(Target t) { return t == Target::SM80 ? "sm_80" : "sm_90a"; }

const char *scheduleName(Schedule s) {
  switch (s) {
  case Schedule::Auto: return "auto";
  case Schedule::Cooperative: return "cooperative";
  case Schedule::Pingpong: return "pingpong";
  }
  return "?";
}

const char *gridName(Grid g) { return g == Grid::Persistent ? "persistent" : "default"; }

const char *tileOrderName(TileOrder o) {
  switch (o) {
  case TileOrder::Auto: return "auto";
  case TileOrder::HeavyFirst: return "heavy_first";
  case TileOrder::L2Sections: return "l2_sections";
  }
  return "?";
}

const char *overlapName(Overlap o) {
  switch (o) {
  case Overlap::Auto: return "auto";
  case Overlap::None: return "none";
  case Overlap::Softmax: return "softmax";
  }
  return "?";
}

const char *dimName(Dim d) {
  switch (d) {
  case Dim::Batch: return "batch";
  case Dim::Heads: return "heads";
  case Dim::KVHeads: return "kv_heads";
  case Dim::Seq: return "seq";
  case Dim::SeqQ: return "seq_q";
  case Dim::SeqKV: return "seq_kv";
  }
  return "?";
}

std::unique_ptr<Expr> Expr::clone() const {
  auto e = std::make_unique<Expr>(kind, loc);
  e->type = type;
  e->ival = ival;
  e->fval = fval;
  e->bval = bval;
  e->name = name;
  e->builtin = builtin;
  e->binop = binop;
  e->unop = unop;
  e->func = func;
  for (const ExprPtr &a : args)
    e->args.push_back(a->clone());
  return e;
}

KernelSpec backwardOf(const KernelSpec &k) {
  KernelSpec b;
  b.name = k.name;
  b.loc = k.loc;
  b.bodyLoc = k.bodyLoc;
  b.headsQ = k.headsQ;
  b.headsKV = k.headsKV;
  b.headDimQK = k.headDimQK;
  b.headDimV = k.headDimV;
  b.dtype = k.dtype;
  b.layout = k.layout;
  b.mode = Mode::Backward;
  b.target = k.target;
  b.scale = k.scale;
  b.scaleGiven = k.scaleGiven;
  b.score = k.score ? k.score->clone() : nullptr;
  b.mask = k.mask ? k.mask->clone() : nullptr;
  b.params = k.params;
  b.varlen = k.varlen;
  b.deterministic = k.deterministic;
  b.pagedKVPage = k.pagedKVPage;
  // Where the kept keys were written; the flag, return_lse and the tuning
  // keys are not the backward's.
  static const std::string dropped[] = {"backward", "return_lse", "tile",       "stages",
                                        "schedule", "grid",       "tile_order", "overlap"};
  for (const auto *locs : {&k.keyLocs, &k.valueLocs})
    for (const auto &[key, loc] : *locs)
      if (!llvm::is_contained(dropped, key))
        (locs == &k.keyLocs ? b.keyLocs : b.valueLocs)[key] = loc;
  return b;
}

/// Prints like SourceMgr::PrintMessage, but with every non-ASCII byte of the
/// echoed source line shown as '?': SourceMgr omits the caret line under a
/// line with non-ASCII text, and would echo invalid bytes raw. Columns count
/// bytes, so the caret stays under the byte the message is about.
static void print(llvm::SourceMgr &sm, llvm::raw_ostream &os, llvm::SMLoc loc,
                  llvm::SourceMgr::DiagKind kind, const llvm::Twine &msg) {
  llvm::SMDiagnostic d = sm.GetMessage(loc, kind, msg);
  std::string line = d.getLineContents().str();
  for (char &c : line)
    if (static_cast<unsigned char>(c) >= 0x80)
      c = '?';
  llvm::SMDiagnostic clean(sm, d.getLoc(), d.getFilename(), d.getLineNo(), d.getColumnNo(),
                           d.getKind(), d.getMessage(), line, d.getRanges(), d.getFixIts());
  clean.print(nullptr, os, /*ShowColors=*/false);
}

void Diagnostics::error(llvm::SMLoc loc, const llvm::Twine &msg) {
  ++errors;
  print(sm, os, loc, llvm::SourceMgr::DK_Error, msg);
}

void Diagnostics::note(llvm::SMLoc loc, const llvm::Twine &msg) {
  print(sm, os, loc, llvm::SourceMgr::DK_Note, msg);
}

} // namespace faattn::spec
