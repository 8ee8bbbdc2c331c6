// RUN: faattn-opt %s -faattn-mask-analysis | FileCheck %s

// Block counts derived by hand (see each comment); tiles 128x128 unless noted.

module {
// causal at 4096, 128x128: 32*33/2 = 528 visited, only the 32 diagonal blocks partial
// CHECK-LABEL: func.func @causal(
// CHECK: faattn.attention {{.*}}block_counts = {empty = 496 : i64, full = 496 : i64, partial = 32 : i64}
  func.func @causal(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x128xbf16>) k(%arg1 : memref<?x?x4x128xbf16>) v(%arg2 : memref<?x?x4x128xbf16>) out(%arg3 : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.0883883461 : f32, tile = array<i64: 128, 128>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %0 = arith.cmpi sge, %q_idx, %kv_idx : i32
      faattn.yield %0 : i1
    }
    return
  }

// window(1024, 0): with t = i - j, full for 1 <= t <= 7, partial for t = 0 and t = 8
// CHECK-LABEL: func.func @window(
// CHECK: faattn.attention {{.*}}block_counts = {empty = 772 : i64, full = 196 : i64, partial = 56 : i64}
  func.func @window(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x128xbf16>) k(%arg1 : memref<?x?x4x128xbf16>) v(%arg2 : memref<?x?x4x128xbf16>) out(%arg3 : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.0883883461 : f32, tile = array<i64: 128, 128>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %0 = arith.subi %q_idx, %kv_idx : i32
      %c1024_i32 = arith.constant 1024 : i32
      %1 = arith.cmpi sle, %0, %c1024_i32 : i32
      %2 = arith.subi %kv_idx, %q_idx : i32
      %c0_i32 = arith.constant 0 : i32
      %3 = arith.cmpi sle, %2, %c0_i32 : i32
      %4 = arith.andi %1, %3 : i1
      faattn.yield %4 : i1
    }
    return
  }

// constant prefix 1024: kv-blocks 0..7 full (256), causal-full below the diagonal for j >= 8 (276), diagonal j >= 8 partial (24)
// CHECK-LABEL: func.func @prefix_const(
// CHECK: faattn.attention {{.*}}block_counts = {empty = 468 : i64, full = 532 : i64, partial = 24 : i64}
  func.func @prefix_const(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x128xbf16>) k(%arg1 : memref<?x?x4x128xbf16>) v(%arg2 : memref<?x?x4x128xbf16>) out(%arg3 : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.0883883461 : f32, tile = array<i64: 128, 128>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %c1024_i32 = arith.constant 1024 : i32
      %0 = arith.cmpi slt, %kv_idx, %c1024_i32 : i32
      %1 = arith.cmpi sge, %q_idx, %kv_idx : i32
      %2 = arith.ori %0, %1 : i1
      faattn.yield %2 : i1
    }
    return
  }

// prefix from a param: unknown, so every causal-empty block is partial
// CHECK-LABEL: func.func @prefix_param(
// CHECK: faattn.attention {{.*}}block_counts = {empty = 0 : i64, full = 496 : i64, partial = 528 : i64}
  func.func @prefix_param(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x128xbf16>) k(%arg1 : memref<?x?x4x128xbf16>) v(%arg2 : memref<?x?x4x128xbf16>) out(%arg3 : memref<?x?x4x128xbf16>) params(%arg4 : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.0883883461 : f32, tile = array<i64: 128, 128>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg5: memref<?xi32>):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg5: memref<?xi32>):
      %0 = arith.index_cast %b : i32 to index
      %1 = memref.load %arg5[%0] : memref<?xi32>
      %2 = arith.cmpi slt, %kv_idx, %1 : i32
      %3 = arith.cmpi sge, %q_idx, %kv_idx : i32
      %4 = arith.ori %2, %3 : i1
      faattn.yield %4 : i1
    }
    return
  }

// document ids are data: causal-empty blocks stay empty, the rest is partial
// CHECK-LABEL: func.func @documents(
// CHECK: faattn.attention {{.*}}block_counts = {empty = 496 : i64, full = 0 : i64, partial = 528 : i64}
  func.func @documents(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x128xbf16>) k(%arg1 : memref<?x?x4x128xbf16>) v(%arg2 : memref<?x?x4x128xbf16>) out(%arg3 : memref<?x?x4x128xbf16>) params(%arg4 : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.0883883461 : f32, tile = array<i64: 128, 128>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg5: memref<?xi32>):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg5: memref<?xi32>):
      %0 = arith.index_cast %q_idx : i32 to index
      %1 = memref.load %arg5[%0] : memref<?xi32>
      %2 = arith.index_cast %kv_idx : i32 to index
      %3 = memref.load %arg5[%2] : memref<?xi32>
      %4 = arith.cmpi eq, %1, %3 : i32
      %5 = arith.cmpi sge, %q_idx, %kv_idx : i32
      %6 = arith.andi %4, %5 : i1
      faattn.yield %6 : i1
    }
    return
  }

// no mask: every block full
// CHECK-LABEL: func.func @no_mask(
// CHECK: faattn.attention {{.*}}block_counts = {empty = 0 : i64, full = 1024 : i64, partial = 0 : i64}
  func.func @no_mask(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x128xbf16>) k(%arg1 : memref<?x?x4x128xbf16>) v(%arg2 : memref<?x?x4x128xbf16>) out(%arg3 : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.0883883461 : f32, tile = array<i64: 128, 128>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    }
    return
  }

// tile 64x32 from the spec: full iff j <= 2i - 1, partial j in {2i, 2i+1}
// CHECK-LABEL: func.func @odd_causal(
// CHECK: faattn.attention {{.*}}block_counts = {empty = 4032 : i64, full = 4032 : i64, partial = 128 : i64}
  func.func @odd_causal(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x128xbf16>) k(%arg1 : memref<?x?x4x128xbf16>) v(%arg2 : memref<?x?x4x128xbf16>) out(%arg3 : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.0883883461 : f32, tile = array<i64: 64, 32>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %0 = arith.cmpi sge, %q_idx, %kv_idx : i32
      faattn.yield %0 : i1
    }
    return
  }

// seq 1000 (8 q-blocks, the last of 104 rows): 28 below, 8 on, 28 above the diagonal
// CHECK-LABEL: func.func @causal_seq1000(
// CHECK: faattn.attention {{.*}}block_counts = {empty = 28 : i64, full = 28 : i64, partial = 8 : i64}
  func.func @causal_seq1000(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 1000, 1000>, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x128xbf16>) k(%arg1 : memref<?x?x4x128xbf16>) v(%arg2 : memref<?x?x4x128xbf16>) out(%arg3 : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.0883883461 : f32, tile = array<i64: 128, 128>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %0 = arith.cmpi sge, %q_idx, %kv_idx : i32
      faattn.yield %0 : i1
    }
    return
  }

// seq_q 300, seq_kv 517: q-blocks 3, kv-blocks 5
// CHECK-LABEL: func.func @causal_300x517(
// CHECK: faattn.attention {{.*}}block_counts = {empty = 9 : i64, full = 3 : i64, partial = 3 : i64}
  func.func @causal_300x517(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 300, 517>, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x128xbf16>) k(%arg1 : memref<?x?x4x128xbf16>) v(%arg2 : memref<?x?x4x128xbf16>) out(%arg3 : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.0883883461 : f32, tile = array<i64: 128, 128>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %0 = arith.cmpi sge, %q_idx, %kv_idx : i32
      faattn.yield %0 : i1
    }
    return
  }

}
