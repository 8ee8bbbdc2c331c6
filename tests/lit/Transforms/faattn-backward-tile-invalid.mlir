// RUN: faattn-opt %s -split-input-file -faattn-backward-tile -verify-diagnostics

// Without faattn-score-grad's grad region there is no derivative to build from.
func.func @no_grad(%q: memref<?x?x2x32xbf16>, %lse: memref<?x2x?xf32>) {
  // expected-error @+1 {{'faattn.attention' op has no 'grad' region: run faattn-score-grad first}}
  faattn.attention q(%q : memref<?x?x2x32xbf16>) k(%q : memref<?x?x2x32xbf16>) v(%q : memref<?x?x2x32xbf16>) out(%q : memref<?x?x2x32xbf16>) lse(%lse : memref<?x2x?xf32>) dout(%q : memref<?x?x2x32xbf16>) dq(%q : memref<?x?x2x32xbf16>) dk(%q : memref<?x?x2x32xbf16>) dv(%q : memref<?x?x2x32xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.125 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    faattn.yield %score : f32
  }
  return
}

// -----

// The block sizes come from faattn-tune.
func.func @no_tile(%q: memref<?x?x2x32xbf16>, %lse: memref<?x2x?xf32>) {
  // expected-error @+1 {{'faattn.attention' op has no tile (block sizes): faattn-tune chooses them}}
  faattn.attention q(%q : memref<?x?x2x32xbf16>) k(%q : memref<?x?x2x32xbf16>) v(%q : memref<?x?x2x32xbf16>) out(%q : memref<?x?x2x32xbf16>) lse(%lse : memref<?x2x?xf32>) dout(%q : memref<?x?x2x32xbf16>) dq(%q : memref<?x?x2x32xbf16>) dk(%q : memref<?x?x2x32xbf16>) dv(%q : memref<?x?x2x32xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.125 : f32} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    faattn.yield %score : f32
  } grad {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %score, %one
  }
  return
}

// -----

// The gradient operands (dout, dq, dk, dv) come with the op.
func.func @no_dout(%q: memref<?x?x2x32xbf16>, %lse: memref<?x2x?xf32>) {
  // expected-error @+1 {{'faattn.attention' op has no gradient operands (dout, lse, dq, dk, dv): faattn-backward-tile materializes a complete backward op}}
  faattn.attention q(%q : memref<?x?x2x32xbf16>) k(%q : memref<?x?x2x32xbf16>) v(%q : memref<?x?x2x32xbf16>) out(%q : memref<?x?x2x32xbf16>) lse(%lse : memref<?x2x?xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.125 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    faattn.yield %score : f32
  } grad {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %score, %one
  }
  return
}

// -----

// Paged K/V has no backward (Sema refuses the spec); an op written by hand is refused too.
func.func @paged(%q: memref<?x?x2x32xbf16>, %lse: memref<?x2x?xf32>, %t: memref<?x?xi32>, %l: memref<?xi32>) {
  // expected-error @+1 {{'faattn.attention' op faattn-backward-tile does not materialize paged_kv backward ops}}
  faattn.attention q(%q : memref<?x?x2x32xbf16>) k(%q : memref<?x?x2x32xbf16>) v(%q : memref<?x?x2x32xbf16>) out(%q : memref<?x?x2x32xbf16>) lse(%lse : memref<?x2x?xf32>) block_table(%t : memref<?x?xi32>) seqlens_kv(%l : memref<?xi32>) dout(%q : memref<?x?x2x32xbf16>) dq(%q : memref<?x?x2x32xbf16>) dk(%q : memref<?x?x2x32xbf16>) dv(%q : memref<?x?x2x32xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, paged_kv_page = 16 : i64, scale = 0.125 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    faattn.yield %score : f32
  } grad {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %score, %one
  }
  return
}
