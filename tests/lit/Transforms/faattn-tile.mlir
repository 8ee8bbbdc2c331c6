// RUN: faattn-opt %s -split-input-file -faattn-tile -verify-diagnostics | FileCheck %s

// FlashAttention-3 shape for head dim 64
// CHECK-LABEL: func.func @h64_sm90(
// CHECK: tile = array<i64: 192, 128>
func.func @h64_sm90(%q: memref<?x?x4x64xbf16>, %v: memref<?x?x4x64xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%v : memref<?x?x4x64xbf16>) out(%v : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h128_sm90(
// CHECK: tile = array<i64: 128, 128>
func.func @h128_sm90(%q: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%q : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%v : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// the larger of the qk and v head dims decides
// CHECK-LABEL: func.func @mla_sm90(
// CHECK: tile = array<i64: 128, 96>
func.func @mla_sm90(%q: memref<?x?x4x192xbf16>, %v: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x192xbf16>) k(%q : memref<?x?x4x192xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%v : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h256_sm90(
// CHECK: tile = array<i64: 128, 80>
func.func @h256_sm90(%q: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%q : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%v : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h64_sm80(
// CHECK: tile = array<i64: 128, 128>
func.func @h64_sm80(%q: memref<?x?x4x64xbf16>, %v: memref<?x?x4x64xbf16>) attributes {faattn.target = "sm_80"} {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%v : memref<?x?x4x64xbf16>) out(%v : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h128_sm80(
// CHECK: tile = array<i64: 128, 64>
func.func @h128_sm80(%q: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_80"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%q : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%v : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h256_sm80(
// CHECK: tile = array<i64: 64, 64>
func.func @h256_sm80(%q: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>) attributes {faattn.target = "sm_80"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%q : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%v : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// no faattn.target: sm_90a
// CHECK-LABEL: func.func @no_target(
// CHECK: tile = array<i64: 128, 128>
func.func @no_target(%q: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>) attributes {} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%q : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%v : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// The spec's override is kept.
// CHECK-LABEL: func.func @override(
// CHECK: tile = array<i64: 64, 32>
func.func @override(%q: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%q : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%v : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// expected-error @+1 {{unknown faattn.target 'sm_75' (expected sm_90a or sm_80)}}
func.func @bad_target(%q: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_75"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%q : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%v : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}
