//===- TargetInfo.h - hardware facts of faattn's GPU targets ----*- C++ -*-===//
//
// The one place that states what a GPU target has: shared memory a CTA may
// opt in to, registers, threads, L2, the tensor-memory accelerator's box and
// swizzle limits, the wgmma warpgroup. The compiler (the Hopper resource
// plan, the tiling) and the runtime (launch validation, tensor maps) both
// read it; no other file writes these numbers. Triton keeps the same facts in
// its TargetInfo.
//
// Header only, no LLVM or MLIR: the runtime includes it too.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TARGET_TARGETINFO_H
#define FAATTN_TARGET_TARGETINFO_H

#include <cstdint>
#include <string_view>

namespace faattn {

struct TargetInfo {
  /// The spec's / faattn.target's name ("sm_90a", "sm_80").
  std::string_view name;
  /// Compute capability times ten (90, 80).
  int64_t computeCapability;
  /// Dynamic shared memory one CTA may opt in to (cudaFuncAttribute
  /// MaxDynamicSharedMemorySize): 227 KiB on Hopper, 163 KiB on A100.
  int64_t maxSharedBytesPerBlock;
  /// Shared memory a kernel gets without opting in.
  int64_t defaultSharedBytesPerBlock;
  /// 32-bit registers per SM (and per CTA at most).
  int64_t registersPerSM;
  /// Registers a thread may hold (setmaxnreg's ceiling on Hopper).
  int64_t maxRegistersPerThread;
  int64_t maxThreadsPerBlock;
  int64_t warpSize;
  /// Threads that issue one wgmma together (4 warps); 0 without wgmma.
  int64_t warpgroupThreads;
  /// L2 bytes (H100 and H200: 50 MB).
  int64_t l2Bytes;
  /// Tensor-memory accelerator (0 without): the largest box extent along
  /// one dimension, in elements, and the bytes of a swizzled box row (the
  /// 128-byte swizzle's span; 32 and 64 are the other modes).
  int64_t tmaMaxBoxElements;
  int64_t tmaMaxSwizzleBytes;
  /// Shared-memory alignment a 128-byte-swizzled tile needs (the swizzle
  /// pattern repeats every 8 rows of 128 bytes).
  int64_t swizzleAtomBytes;

  /// What a kernel's dynamic shared memory may be: the opt-in limit counts
  /// the static shared memory too, and every kernel MLIR lowers declares one
  /// static byte (the `.shared .align 16 .b8 __dynamic_shmem__0` its dynamic
  /// shared memory is addressed through), 16 bytes at its alignment.
  constexpr int64_t maxDynamicSharedBytes() const { return maxSharedBytesPerBlock - 16; }
};

/// Hopper (H100 / H200): wgmma, TMA, mbarriers, setmaxnreg.
inline constexpr TargetInfo kSM90a{
    /*name=*/"sm_90a",
    /*computeCapability=*/90,
    /*maxSharedBytesPerBlock=*/232448,
    /*defaultSharedBytesPerBlock=*/48 * 1024,
    /*registersPerSM=*/65536,
    /*maxRegistersPerThread=*/255,
    /*maxThreadsPerBlock=*/1024,
    /*warpSize=*/32,
    /*warpgroupThreads=*/128,
    /*l2Bytes=*/50 << 20,
    /*tmaMaxBoxElements=*/256,
    /*tmaMaxSwizzleBytes=*/128,
    /*swizzleAtomBytes=*/1024,
};

/// Ampere (A100): the SIMT path only in faattn.
inline constexpr TargetInfo kSM80{
    /*name=*/"sm_80",
    /*computeCapability=*/80,
    /*maxSharedBytesPerBlock=*/166912,
    /*defaultSharedBytesPerBlock=*/48 * 1024,
    /*registersPerSM=*/65536,
    /*maxRegistersPerThread=*/255,
    /*maxThreadsPerBlock=*/1024,
    /*warpSize=*/32,
    /*warpgroupThreads=*/0,
    /*l2Bytes=*/40 << 20,
    /*tmaMaxBoxElements=*/0,
    /*tmaMaxSwizzleBytes=*/0,
    /*swizzleAtomBytes=*/0,
};

/// The target of that name, or null.
inline const TargetInfo *lookupTarget(std::string_view name) {
  if (name == kSM90a.name)
    return &kSM90a;
  if (name == kSM80.name)
    return &kSM80;
  return nullptr;
}

/// The most shared memory any faattn target lets a CTA take: the runtime's
/// bound on what a kernel's metadata may ask for.
inline constexpr int64_t kMaxSharedBytesAnyTarget = kSM90a.maxDynamicSharedBytes();

} // namespace faattn

#endif // FAATTN_TARGET_TARGETINFO_H
