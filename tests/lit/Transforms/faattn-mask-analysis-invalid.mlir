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
