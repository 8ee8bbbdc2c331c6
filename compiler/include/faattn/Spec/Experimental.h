//===- Experimental.h - spec keys behind an environment variable -*- C++ -*-===//
//
// The spec forms that are built but not yet GPU-validated, accepted only
// when their variable is set (read once per process). The runtime's cache
// key names each one that is set (Runtime.cpp's compilerVersion), so that no
// cache serves a kernel the spec would refuse without it.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_SPEC_EXPERIMENTAL_H
#define FAATTN_SPEC_EXPERIMENTAL_H

namespace faattn::spec {

/// FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1: `overlap = softmax` with `dtype = e4m3`
/// (faattn-overlap-softmax's rotated loops on the FP8 wgmma, the producer
/// warpgroup of the cooperative or pingpong schedule transposing V;
/// docs/FP8.md). Refused without it.
bool experimentalE4M3Overlap();

} // namespace faattn::spec

#endif // FAATTN_SPEC_EXPERIMENTAL_H
