//===- Explain.h - faattn-compile --explain ----------------------*- C++ -*-===//
//
// `faattn-compile --explain --shape b=B,seq_q=SQ,seq_kv=SKV [-o DIR] spec.fa`
// describes what the compiler decided for each kernel at that shape: the map
// of empty / partial / full (q-block, kv-block) pairs and the KV loop the
// run-time block scan makes of it, the tile sizes, the schedule and its warp
// roles, ptxas' registers and shared memory, and the builds with the KV
// lengths each serves. Plain text to stdout; with -o, DIR/<kernel>.explain.txt
// and DIR/<kernel>.explain.svg, all or nothing (Output.h).
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TOOLS_FAATTN_COMPILE_EXPLAIN_H
#define FAATTN_TOOLS_FAATTN_COMPILE_EXPLAIN_H

#include "faattn/Spec/AST.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

/// faattn-compile.cpp's ptxas runner (its --emit=ptx report): nullopt when
/// ptxas is not found; on failure `errors` is set.
std::optional<nlohmann::json> runPtxas(llvm::StringRef ptx, llvm::StringRef chip,
                                       std::string &cubin, std::string &errors);

namespace faattn::compile {

/// A problem size for --explain: faattn-run's --shape syntax.
struct ExplainShape {
  int64_t batch = 0, seqQ = 0, seqKV = 0;
};

/// Parses --shape (b=B,seq_q=SQ,seq_kv=SKV: each once, positive, at most
/// INT32_MAX). Returns "" or the error message.
std::string parseExplainShape(llvm::StringRef text, ExplainShape &shape);

/// Everything --explain writes, per kernel: its text and its SVG.
struct Explanation {
  std::string kernel, text, svg;
};

/// The command line's consistency: --explain needs --shape, --shape needs
/// --explain, and so does --param; --explain goes with neither --emit nor
/// --stop-after. "" or the error.
std::string checkExplainOptions(bool explain, bool shapeGiven, llvm::StringRef shapeText,
                                bool paramsGiven, bool emitGiven, bool stopAfterGiven,
                                ExplainShape &shape);

/// --explain's whole run: explainKernels, then the text of every kernel to
/// `os` (no -o), or <kernel>.explain.txt and .svg into `outDir`, all or
/// nothing, with one line per kernel naming them. "" or the error.
std::string runExplain(const std::vector<spec::KernelSpec> &kernels, llvm::SourceMgr &sm,
                       const ExplainShape &shape, const std::vector<std::string> &paramFiles,
                       const std::string &outDir, llvm::raw_ostream &os);

/// Compiles each kernel for the GPU and explains it at `shape`. Backward
/// kernels are skipped with a warning (no GPU code). `paramFiles` are
/// faattn-run's --param NAME=FILE (raw little-endian int32 / float32), for
/// the kernels that declare NAME; the other params are random. Returns "" or
/// the error.
std::string explainKernels(const std::vector<spec::KernelSpec> &kernels, llvm::SourceMgr &sm,
                           const ExplainShape &shape, const std::vector<std::string> &paramFiles,
                           std::vector<Explanation> &out);

} // namespace faattn::compile

#endif // FAATTN_TOOLS_FAATTN_COMPILE_EXPLAIN_H
