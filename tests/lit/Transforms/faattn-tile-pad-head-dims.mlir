// RUN: faattn-opt %s -split-input-file -faattn-tile="pad-head-dims=true" | FileCheck %s
// RUN: faattn-opt %s -split-input-file -faattn-tile | FileCheck %s --check-prefix=OFF

// pad-head-dims: a 16-bit sm_90a kernel's head dims that are multiples of 8 but not of 16
// get tiles rounded up to multiples of 16 (40 -> 48, 72 -> 80); the memrefs keep theirs
// (the padded columns read as 0 and are not stored: tile_load / tile_store). The softmax
// rows and the score tile are unchanged.
// CHECK-LABEL: func.func @padded(
// CHECK: faattn.tile_load %{{.*}} : memref<?x?x8x40xbf16> -> <64x48xbf16>
// CHECK: faattn.tile_splat 0.000000e+00 : <64x80xf32>
// CHECK: faattn.tile_load %{{.*}} : memref<?x?x2x40xbf16> -> <32x48xbf16>
// CHECK: faattn.tile_dot {{.*}} : <64x48xbf16>, <32x48xbf16> -> <64x32xf32>
// CHECK: faattn.tile_load %{{.*}} : memref<?x?x2x72xbf16> -> <32x80xbf16>
// CHECK: faattn.softmax_finalize {{.*}} : <64x80xf32>, <64x1xf32> -> <64x80xbf16>
// CHECK: faattn.tile_store %{{.*}} : <64x80xbf16>, memref<?x?x8x72xbf16>
// OFF-LABEL: func.func @padded(
// OFF: faattn.tile_load %{{.*}} : memref<?x?x8x40xbf16> -> <64x40xbf16>
// OFF: faattn.tile_store %{{.*}} : <64x72xbf16>, memref<?x?x8x72xbf16>
func.func @padded(%q: memref<?x?x8x40xbf16>, %k: memref<?x?x2x40xbf16>, %v: memref<?x?x2x72xbf16>, %o: memref<?x?x8x72xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x8x40xbf16>) k(%k : memref<?x?x2x40xbf16>) v(%v : memref<?x?x2x72xbf16>) out(%o : memref<?x?x8x72xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 8 : i64, num_kv_heads = 2 : i64, scale = 0.125 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %m = arith.cmpi sge, %qi, %ki : i32
    faattn.yield %m : i1
  }
  return
}

// -----

// Not for sm_80 (no tensor-core lowering there to gain from it): the tiles keep 40.
// CHECK-LABEL: func.func @sm80(
// CHECK: faattn.tile_load %{{.*}} : memref<?x?x4x40xf16> -> <64x40xf16>
// CHECK: faattn.tile_store %{{.*}} : <64x40xf16>, memref<?x?x4x40xf16>
func.func @sm80(%q: memref<?x?x4x40xf16>, %k: memref<?x?x4x40xf16>, %v: memref<?x?x4x40xf16>, %o: memref<?x?x4x40xf16>) attributes {faattn.target = "sm_80"} {
  faattn.attention q(%q : memref<?x?x4x40xf16>) k(%k : memref<?x?x4x40xf16>) v(%v : memref<?x?x4x40xf16>) out(%o : memref<?x?x4x40xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %t = arith.constant true
    faattn.yield %t : i1
  }
  return
}

// -----

// Nor for e4m3 K and V (their tiles would not be swizzled: rows of 48 bytes).
// CHECK-LABEL: func.func @e4m3_kv(
// CHECK: faattn.tile_load %{{.*}} : memref<?x?x4x40xbf16> -> <64x40xbf16>
// CHECK: faattn.tile_load %{{.*}} : memref<?x?x4x40xf8E4M3FN> -> <32x40xf8E4M3FN>
func.func @e4m3_kv(%q: memref<?x?x4x40xbf16>, %k: memref<?x?x4x40xf8E4M3FN>, %v: memref<?x?x4x40xf8E4M3FN>, %o: memref<?x?x4x40xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x40xbf16>) k(%k : memref<?x?x4x40xf8E4M3FN>) v(%v : memref<?x?x4x40xf8E4M3FN>) out(%o : memref<?x?x4x40xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %t = arith.constant true
    faattn.yield %t : i1
  }
  return
}
