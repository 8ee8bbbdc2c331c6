// RUN: faattn-opt %s | FileCheck %s
// RUN: faattn-opt %s | faattn-opt | FileCheck %s
// RUN: faattn-opt %s -mlir-print-op-generic | faattn-opt | FileCheck %s

// CHECK-LABEL: func.func @softcap_gqa
func.func @softcap_gqa(%q: memref<?x?x32x128xbf16>, %k: memref<?x?x8x128xbf16>,
                       %v: memref<?x?x8x128xbf16>, %o: memref<?x?x32x128xbf16>,
                       %lse: memref<?x32x?xf32>) {
  // CHECK: faattn.attention q(%{{.*}} : memref<?x?x32x128xbf16>) k(%{{.*}} : memref<?x?x8x128xbf16>) v(%{{.*}} : memref<?x?x8x128xbf16>) out(%{{.*}} : memref<?x?x32x128xbf16>) lse(%{{.*}} : memref<?x32x?xf32>)
  // CHECK-SAME: layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 32 : i64, num_kv_heads = 8 : i64, scale = 1.250000e-01 : f32
  // CHECK-NEXT: ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
  // CHECK: math.tanh
  // CHECK: faattn.yield %{{.*}} : f32
  // CHECK: } mask {
  // CHECK-NEXT: ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
  // CHECK: faattn.yield %{{.*}} : i1
  faattn.attention q(%q : memref<?x?x32x128xbf16>) k(%k : memref<?x?x8x128xbf16>)
      v(%v : memref<?x?x8x128xbf16>) out(%o : memref<?x?x32x128xbf16>)
      lse(%lse : memref<?x32x?xf32>)
      attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>,
                  num_heads = 32 : i64, num_kv_heads = 8 : i64, scale = 0.125 : f32}
  score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %c = arith.constant 50.0 : f32
    %d = arith.divf %s, %c : f32
    %t = math.tanh %d : f32
    %r = arith.mulf %c, %t : f32
    faattn.yield %r : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %m = arith.cmpi sge, %qi, %ki : i32
    faattn.yield %m : i1
  }
  return
}

// varlen Q (cu_seqlens_q) with paged K/V (block_table, seqlens_kv).
// CHECK-LABEL: func.func @params_no_mask_bhsd
func.func @params_no_mask_bhsd(%q: memref<?x4x?x64xf16>, %k: memref<?x4x?x64xf16>,
                               %v: memref<?x4x?x64xf16>, %o: memref<?x4x?x64xf16>,
                               %cuq: memref<?xi32>, %table: memref<?x?xi32>,
                               %lens: memref<?xi32>, %slopes: memref<4xf32>) {
  // CHECK: cu_seqlens_q(%{{.*}} : memref<?xi32>) block_table(%{{.*}} : memref<?x?xi32>) seqlens_kv(%{{.*}} : memref<?xi32>)
  // CHECK-SAME: params(%{{.*}} : memref<4xf32>)
  // CHECK-SAME: layout = #faattn.layout<bhsd>, mode = #faattn.mode<decode>
  // CHECK-SAME: paged_kv_page = 64 : i64
  // CHECK-SAME: varlen
  // CHECK-NOT: mask
  // CHECK: return
  faattn.attention q(%q : memref<?x4x?x64xf16>) k(%k : memref<?x4x?x64xf16>)
      v(%v : memref<?x4x?x64xf16>) out(%o : memref<?x4x?x64xf16>)
      cu_seqlens_q(%cuq : memref<?xi32>) block_table(%table : memref<?x?xi32>)
      seqlens_kv(%lens : memref<?xi32>)
      params(%slopes : memref<4xf32>)
      attributes {layout = #faattn.layout<bhsd>, mode = #faattn.mode<decode>,
                  num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32,
                  paged_kv_page = 64 : i64, varlen}
  score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %p: memref<4xf32>):
    faattn.yield %s : f32
  }
  return
}

// CHECK-LABEL: func.func @tile_types
// CHECK-SAME: !faattn.tile<128x64xf32>
// CHECK-SAME: !faattn.tile<64x128xbf16, "smem">
func.func @tile_types(%a: !faattn.tile<128x64xf32>, %b: !faattn.tile<64x128xbf16, "smem">) {
  return
}

// A backward op with learnable params and a grad region (faattn-score-grad's
// form): grad_yield's entries, scalar and ranked, survive the round trips.
// CHECK-LABEL: func.func @grad_region
func.func @grad_region(%q: memref<?x?x4x64xbf16>, %w: memref<4x?xf32>, %t: memref<f32>) {
  // CHECK: requires_grad = array<i64: 0, 1>
  // CHECK: } grad {
  // CHECK-NEXT: ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %[[W:.*]]: memref<4x?xf32>, %[[T:.*]]: memref<f32>):
  // CHECK: faattn.grad_yield %score, %{{.*}} params(%[[D:.*]] -> %[[W]][%[[I:.*]], %[[J:.*]]] : memref<4x?xf32>, %[[D]] -> %[[T]][] : memref<f32>)
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>)
      v(%q : memref<?x?x4x64xbf16>) out(%q : memref<?x?x4x64xbf16>)
      params(%w, %t : memref<4x?xf32>, memref<f32>)
      attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>,
                  num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0, 1>,
                  scale = 0.125 : f32}
  score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %wp: memref<4x?xf32>, %tp: memref<f32>):
    faattn.yield %s : f32
  } grad {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %wp: memref<4x?xf32>, %tp: memref<f32>):
    %one = arith.constant 1.0 : f32
    %i = arith.index_cast %h : i32 to index
    %j = arith.index_cast %ki : i32 to index
    faattn.grad_yield %s, %one params(%one -> %wp[%i, %j] : memref<4x?xf32>, %one -> %tp[] : memref<f32>)
  }
  return
}
