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

// -----

// deterministic: a learnable param's element must be the same over a block (its partials
// hold one element an entry and CTA); Sema refuses such a spec first.
func.func @det_varying_index(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?x?x4x32xbf16>, %arg6: memref<?x?x4x32xbf16>, %arg7: memref<?x?x2x32xbf16>, %arg8: memref<?x?x2x32xbf16>, %arg9: memref<4xf32>, %arg10: memref<4xf32>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
  // expected-error @+1 {{'faattn.attention' op deterministic needs every learnable param read at indices that depend on neither q_idx, kv_idx, the score nor memory}}
  faattn.attention q(%arg0 : memref<?x?x4x32xbf16>) k(%arg1 : memref<?x?x2x32xbf16>) v(%arg2 : memref<?x?x2x32xbf16>) out(%arg3 : memref<?x?x4x32xbf16>) lse(%arg4 : memref<?x4x?xf32>) params(%arg9 : memref<4xf32>) dout(%arg5 : memref<?x?x4x32xbf16>) dq(%arg6 : memref<?x?x4x32xbf16>) dk(%arg7 : memref<?x?x2x32xbf16>) dv(%arg8 : memref<?x?x2x32xbf16>) param_grads(%arg10 : memref<4xf32>) attributes {deterministic, layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 2 : i64, requires_grad = array<i64: 0>, scale = 0.176776692 : f32, tile = array<i64: 64, 64>} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg11: memref<4xf32>):
    %0 = arith.index_cast %q_idx : i32 to index
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
    %0 = arith.index_cast %q_idx : i32 to index
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

// -----

// deterministic: the partials hold 8 entries.
func.func @det_nine_entries(%q: memref<?x?x2x32xbf16>, %lse: memref<?x2x?xf32>, %p: memref<16xf32>, %g: memref<16xf32>) {
  // expected-error @+1 {{'faattn.attention' op deterministic takes at most 8 param-gradient entries, this op has 9}}
  faattn.attention q(%q : memref<?x?x2x32xbf16>) k(%q : memref<?x?x2x32xbf16>) v(%q : memref<?x?x2x32xbf16>) out(%q : memref<?x?x2x32xbf16>) lse(%lse : memref<?x2x?xf32>) params(%p : memref<16xf32>) dout(%q : memref<?x?x2x32xbf16>) dq(%q : memref<?x?x2x32xbf16>) dk(%q : memref<?x?x2x32xbf16>) dv(%q : memref<?x?x2x32xbf16>) param_grads(%g : memref<16xf32>) attributes {deterministic, layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, requires_grad = array<i64: 0>, scale = 0.176776692 : f32, tile = array<i64: 64, 64>} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %pp: memref<16xf32>):
    faattn.yield %score : f32
  } grad {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %pp: memref<16xf32>):
    %one = arith.constant 1.000000e+00 : f32
    %i0 = arith.constant 0 : index
    %i1 = arith.constant 1 : index
    %i2 = arith.constant 2 : index
    %i3 = arith.constant 3 : index
    %i4 = arith.constant 4 : index
    %i5 = arith.constant 5 : index
    %i6 = arith.constant 6 : index
    %i7 = arith.constant 7 : index
    %i8 = arith.constant 8 : index
    faattn.grad_yield %score, %one params(%one -> %pp[%i0] : memref<16xf32>, %one -> %pp[%i1] : memref<16xf32>, %one -> %pp[%i2] : memref<16xf32>, %one -> %pp[%i3] : memref<16xf32>, %one -> %pp[%i4] : memref<16xf32>, %one -> %pp[%i5] : memref<16xf32>, %one -> %pp[%i6] : memref<16xf32>, %one -> %pp[%i7] : memref<16xf32>, %one -> %pp[%i8] : memref<16xf32>)
  }
  return
}
