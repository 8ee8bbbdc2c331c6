// RUN: faattn-opt %s -split-input-file -faattn-mask-analysis -verify-diagnostics

func.func @no_tile(%q: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  // expected-error @+1 {{'faattn.attention' op has no tile sizes; run faattn-tile first}}
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%q : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%v : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// expected-error @+1 {{faattn.reference_shape must be array<i64: seq_q, seq_kv> of positive sizes}}
func.func @bad_shape(%q: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>) attributes {faattn.reference_shape = array<i64: 0, 4096>} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%q : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%v : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, tile = array<i64: 128, 128>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}
