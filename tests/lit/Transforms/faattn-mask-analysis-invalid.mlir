// RUN: faattn-opt %s -split-input-file -faattn-mask-analysis -verify-diagnostics

// expected-error @+1 {{faattn.reference_shape must be array<i64: seq_q, seq_kv> of positive sizes}}
func.func @bad_shape() attributes {faattn.reference_shape = array<i64: 0, 4096>} {
  return
}

// -----

func.func @no_mask_op(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{KV loop must hold exactly one faattn.tile_mask, found 0}}
  scf.for %i = %c0 to %n step %c1 {
  } {faattn.kv_loop}
  return
}

// -----

func.func @no_mask_op_q_loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{Q loop must hold exactly one faattn.tile_mask, found 0}}
  scf.for %i = %c0 to %n step %c1 {
  } {faattn.q_loop}
  return
}

// -----

// The scan is emitted before the loop: a mask operand the loop defines cannot be read there.
func.func @col0_in_q_loop(%n: index, %s: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{the tile_mask's batch, head, sequence lengths, params and col0 must be defined outside its Q loop}}
  scf.for %i = %c0 to %n step %c1 {
    %col = arith.index_cast %i : index to i32
    %t = faattn.tile_splat 0.0 : <16x16xf32>
    %m = faattn.tile_mask %t at[%s, %s, %s, %col] seq[%s, %s] : <16x16xf32> {
    ^bb0(%bb: i32, %hh: i32, %qi: i32, %ki: i32, %a: i32, %c: i32):
      %keep = arith.cmpi sge, %qi, %ki : i32
      faattn.yield %keep : i1
    }
  } {faattn.q_loop}
  return
}
