// faattn-tiles-to-wgmma's `backward` on faattn-backward-tile's GPU form of a kernel its
// template cannot take (head dim 40: no 16-element k-steps): an error naming the reason, not
// a failure later in faattn-tiles-to-gpu (the main grid has no SIMT lowering). The pipeline
// sends only kernels takesBackwardWgmma admits; this is faattn-opt's view of the refusal.
//   kernel b40 { mode = backward; heads = 2; head_dim = 40 }
// RUN: not faattn-opt %s -pass-pipeline='builtin.module(func.func(faattn-score-grad,faattn-backward-tile{workspace-args=true block=64},faattn-mask-analysis),faattn-tiles-to-wgmma{backward=true})' 2>&1 | FileCheck %s
// CHECK: error: the tensor-core backward cannot take this kernel: a product is not 64 x N x K with N and K multiples of 16 up to 256

func.func @b40(%arg0: memref<?x?x2x40xbf16>, %arg1: memref<?x?x2x40xbf16>, %arg2: memref<?x?x2x40xbf16>, %arg3: memref<?x?x2x40xbf16>, %arg4: memref<?x2x?xf32>, %arg5: memref<?x?x2x40xbf16>, %arg6: memref<?x?x2x40xbf16>, %arg7: memref<?x?x2x40xbf16>, %arg8: memref<?x?x2x40xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.spec_hash = "0268668bf4f1adb7b482676bd523c1a8b801aa1ac2a32aa15d44f31b06490fca", faattn.target = "sm_90a"} {
  faattn.attention q(%arg0 : memref<?x?x2x40xbf16>) k(%arg1 : memref<?x?x2x40xbf16>) v(%arg2 : memref<?x?x2x40xbf16>) out(%arg3 : memref<?x?x2x40xbf16>) lse(%arg4 : memref<?x2x?xf32>) dout(%arg5 : memref<?x?x2x40xbf16>) dq(%arg6 : memref<?x?x2x40xbf16>) dk(%arg7 : memref<?x?x2x40xbf16>) dv(%arg8 : memref<?x?x2x40xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.158113882 : f32, tile = array<i64: 128, 128>} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    faattn.yield %score : f32
  }
  return
}