//===- ShapeArg.h - the --shape option of faattn-run and faattn-compile ---===//
//
// One parser for `--shape b=B,seq_q=SQ,seq_kv=SKV`, shared by faattn-run
// and faattn-compile --explain, so both accept and refuse the same text with
// the same messages.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TOOLS_COMMON_SHAPEARG_H
#define FAATTN_TOOLS_COMMON_SHAPEARG_H

#include "faattn/Reference/Reference.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace faattn {

/// --shape's text as a shape, or the error: each of b, seq_q and seq_kv
/// exactly once, positive, at most INT32_MAX.
inline llvm::Expected<ref::Shape> parseShapeArg(llvm::StringRef text) {
  auto error = [&](const llvm::Twine &msg) {
    return llvm::createStringError("--shape '" + text + "': " + msg);
  };
  ref::Shape s;
  const char *keys[3] = {"b", "seq_q", "seq_kv"};
  int64_t *fields[3] = {&s.batch, &s.seqQ, &s.seqKV};
  bool seen[3] = {false, false, false};
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, ',');
  for (llvm::StringRef part : parts) {
    auto [key, value] = part.split('=');
    int i = key == "b" ? 0 : key == "seq_q" ? 1 : key == "seq_kv" ? 2 : -1;
    int64_t v;
    if (i < 0 || value.getAsInteger(10, v) || v <= 0)
      return llvm::createStringError(
          "--shape must be b=B,seq_q=SQ,seq_kv=SKV with positive sizes, got '" + text + "'");
    if (seen[i])
      return error("key '" + llvm::Twine(keys[i]) + "' is given twice");
    if (v > INT32_MAX)
      return error(llvm::Twine(keys[i]) + "=" + llvm::Twine(v) + " is larger than " +
                   llvm::Twine(INT32_MAX));
    seen[i] = true;
    *fields[i] = v;
  }
  for (int i = 0; i < 3; ++i)
    if (!seen[i])
      return error("key '" + llvm::Twine(keys[i]) + "' is missing (b=B,seq_q=SQ,seq_kv=SKV)");
  return s;
}

} // namespace faattn

#endif // FAATTN_TOOLS_COMMON_SHAPEARG_H
