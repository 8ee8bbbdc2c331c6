// faattn-tiles-to-wgmma's `backward` refusing main grids whose KV blocks the key split cannot
// take (analyzeBackward; the pipeline's takesBackwardKeySplit never sends them): an error
// naming the reason. A KV block of 96 keys (block-kv 96): neither one warpgroup's 64 nor two's
// 128. Blocks of 128 everywhere (block 128) for a deterministic op: its turns are one
// warpgroup's work; for the plain op the query blocks are 128 rows, which no product takes.
// RUN: not faattn-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(faattn-score-grad,faattn-backward-tile{workspace-args=true block=64 block-kv=96},faattn-mask-analysis),faattn-tiles-to-wgmma{backward=true})' 2>&1 | FileCheck %s --check-prefix=KV96
// RUN: not faattn-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(faattn-score-grad,faattn-backward-tile{workspace-args=true block=128},faattn-mask-analysis),faattn-tiles-to-wgmma{backward=true})' 2>&1 | FileCheck %s --check-prefix=B128
// KV96: error: the tensor-core backward cannot take this kernel: a KV block that is not of 64 or 128 rows
// B128: error: the tensor-core backward cannot take this kernel: a product is not 64 x N x K with N and K multiples of 16 up to 256
// B128: error: the tensor-core backward cannot take this kernel: 128 keys a CTA with deterministic turns or column chunks
//   kernel plain64 { mode = backward; heads = 2; head_dim = 64 }
//   kernel det64 { mode = backward; heads = 2; head_dim = 64; deterministic }

func.func @plain64(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>, %arg4: memref<?x2x?xf32>, %arg5: memref<?x?x2x64xbf16>, %arg6: memref<?x?x2x64xbf16>, %arg7: memref<?x?x2x64xbf16>, %arg8: memref<?x?x2x64xbf16>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
  faattn.attention q(%arg0 : memref<?x?x2x64xbf16>) k(%arg1 : memref<?x?x2x64xbf16>) v(%arg2 : memref<?x?x2x64xbf16>) out(%arg3 : memref<?x?x2x64xbf16>) lse(%arg4 : memref<?x2x?xf32>) dout(%arg5 : memref<?x?x2x64xbf16>) dq(%arg6 : memref<?x?x2x64xbf16>) dk(%arg7 : memref<?x?x2x64xbf16>) dv(%arg8 : memref<?x?x2x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.125 : f32, tile = array<i64: 128, 128>} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    faattn.yield %score : f32
  }
  return
}

// -----

func.func @det64(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>, %arg4: memref<?x2x?xf32>, %arg5: memref<?x?x2x64xbf16>, %arg6: memref<?x?x2x64xbf16>, %arg7: memref<?x?x2x64xbf16>, %arg8: memref<?x?x2x64xbf16>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
  faattn.attention q(%arg0 : memref<?x?x2x64xbf16>) k(%arg1 : memref<?x?x2x64xbf16>) v(%arg2 : memref<?x?x2x64xbf16>) out(%arg3 : memref<?x?x2x64xbf16>) lse(%arg4 : memref<?x2x?xf32>) dout(%arg5 : memref<?x?x2x64xbf16>) dq(%arg6 : memref<?x?x2x64xbf16>) dk(%arg7 : memref<?x?x2x64xbf16>) dv(%arg8 : memref<?x?x2x64xbf16>) attributes {deterministic, layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.125 : f32, tile = array<i64: 128, 128>} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    faattn.yield %score : f32
  }
  return
}
