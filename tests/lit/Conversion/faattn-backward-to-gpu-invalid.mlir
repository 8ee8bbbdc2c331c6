// RUN: faattn-opt %s -split-input-file -faattn-backward-to-gpu -verify-diagnostics

// deterministic with a learnable param: the SIMT backward adds param gradients by atomics
// in no fixed order, so it refuses the op (faattn-backward-tile's partials order them).
func.func @alibi_det(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?x?x4x32xbf16>, %arg6: memref<?x?x4x32xbf16>, %arg7: memref<?x?x2x32xbf16>, %arg8: memref<?x?x2x32xbf16>, %arg9: memref<4xf32>, %arg10: memref<4xf32>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
  // expected-error @+1 {{'faattn.attention' op deterministic param gradients need the tensor-core backward (sm_90a, head dims multiples of 16); the SIMT backward adds them in no fixed order}}
  faattn.attention q(%arg0 : memref<?x?x4x32xbf16>) k(%arg1 : memref<?x?x2x32xbf16>) v(%arg2 : memref<?x?x2x32xbf16>) out(%arg3 : memref<?x?x4x32xbf16>) lse(%arg4 : memref<?x4x?xf32>) params(%arg9 : memref<4xf32>) dout(%arg5 : memref<?x?x4x32xbf16>) dq(%arg6 : memref<?x?x4x32xbf16>) dk(%arg7 : memref<?x?x2x32xbf16>) dv(%arg8 : memref<?x?x2x32xbf16>) param_grads(%arg10 : memref<4xf32>) attributes {deterministic, layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 2 : i64, requires_grad = array<i64: 0>, scale = 0.176776692 : f32, tile = array<i64: 64, 64>} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg11: memref<4xf32>):
    %0 = arith.index_cast %h : i32 to index
    %1 = memref.load %arg11[%0] : memref<4xf32>
    %2 = arith.subi %q_idx, %kv_idx : i32
    %3 = math.absi %2 : i32
    %4 = arith.sitofp %3 : i32 to f32
    %5 = arith.mulf %1, %4 : f32
    %6 = arith.subf %score, %5 : f32
    faattn.yield %6 : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg11: memref<4xf32>):
    %0 = arith.cmpi sge, %q_idx, %kv_idx : i32
    faattn.yield %0 : i1
  } grad {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg11: memref<4xf32>):
    %cst = arith.constant 1.000000e+00 : f32
    %0 = arith.index_cast %h : i32 to index
    %1 = memref.load %arg11[%0] : memref<4xf32>
    %2 = arith.subi %q_idx, %kv_idx : i32
    %3 = math.absi %2 : i32
    %4 = arith.sitofp %3 : i32 to f32
    %5 = arith.mulf %1, %4 : f32
    %6 = arith.subf %score, %5 : f32
    %7 = arith.negf %4 : f32
    faattn.grad_yield %6, %cst params(%7 -> %arg11[%0] : memref<4xf32>)
  }
  return
}
