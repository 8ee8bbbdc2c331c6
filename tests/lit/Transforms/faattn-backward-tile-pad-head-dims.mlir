// RUN: faattn-opt %s -faattn-backward-tile='workspace-args=true block=64 pad-head-dims=true' | FileCheck %s
// RUN: faattn-opt %s -faattn-backward-tile='workspace-args=true block=64' | FileCheck %s --check-prefix=OFF

// pad-head-dims on the backward (as faattn-tile's): head dims 40 : 24 get tiles of 48 and 32
// columns; every tensor keeps its own, the workspace's dQ accumulator (the kernel ABI's
// workspace:dq, dq's shape) included, so that the runtime's buffers are the spec's. From
//   kernel causal40_bwd { mode = backward; heads = 4 : 2; head_dim = 40 : 24; dtype = bf16; mask = causal }
// after faattn-tune and faattn-score-grad.
// CHECK-LABEL: func.func @causal40_bwd(
// CHECK-SAME: %{{.*}}: memref<?x4x?xf32>, %[[ACC:.*]]: memref<?x?x4x40xf32>)
// The pre grid: dO and O at 32 columns (the accumulator is the runtime's to zero). The
// padded accumulator tile's 48 columns go into its 40 in the main grid's adds.
// CHECK: faattn.tile_load {{.*}} : memref<?x?x4x24xbf16> -> <64x32xbf16>
// CHECK-NOT: faattn.tile_store {{.*}} : <64x48xf32>, memref<?x?x4x40xf32>
// CHECK: faattn.backward_grid = "pre"
// The main grid: K and V, then per Q block Q and dO, the five products at the padded dims.
// CHECK: faattn.tile_load {{.*}} : memref<?x?x2x40xbf16> -> <64x48xbf16>
// CHECK: faattn.tile_load {{.*}} : memref<?x?x2x24xbf16> -> <64x32xbf16>
// CHECK: faattn.tile_load {{.*}} : memref<?x?x4x40xbf16> -> <64x48xbf16>
// CHECK: faattn.tile_dot {{.*}} {transpose_rhs} : <64x48xbf16>, <64x48xbf16> -> <64x64xf32>
// CHECK: faattn.tile_dot {{.*}} {transpose_rhs} : <64x32xbf16>, <64x32xbf16> -> <64x64xf32>
// CHECK: faattn.tile_dot {{.*}} {transpose_lhs} : <64x64xbf16>, <64x32xbf16> -> <64x32xf32>
// CHECK: faattn.tile_dot {{.*}} {transpose_lhs} : <64x64xbf16>, <64x48xbf16> -> <64x48xf32>
// CHECK: faattn.tile_dot {{.*}} : <64x64xbf16>, <64x48xbf16> -> <64x48xf32>
// CHECK: faattn.tile_store {{.*}}, %[[ACC]]{{.*}} {accumulate} : <64x48xf32>, memref<?x?x4x40xf32>
// CHECK: faattn.tile_store {{.*}} : <64x48xbf16>, memref<?x?x2x40xbf16>
// CHECK: faattn.tile_store {{.*}} : <64x32xbf16>, memref<?x?x2x24xbf16>
// The post grid: dq from the accumulator.
// CHECK: faattn.tile_load {{.*}} : memref<?x?x4x40xf32> -> <64x48xf32>
// CHECK: faattn.tile_store {{.*}} : <64x48xbf16>, memref<?x?x4x40xbf16>
// OFF-LABEL: func.func @causal40_bwd(
// OFF: faattn.tile_load {{.*}} : memref<?x?x4x24xbf16> -> <64x24xbf16>
// OFF-NOT: x48x
// OFF: faattn.tile_dot {{.*}} : <64x64xbf16>, <64x40xbf16> -> <64x40xf32>
module {
  func.func @causal40_bwd(%arg0: memref<?x?x4x40xbf16>, %arg1: memref<?x?x2x40xbf16>, %arg2: memref<?x?x2x24xbf16>, %arg3: memref<?x?x4x24xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?x?x4x24xbf16>, %arg6: memref<?x?x4x40xbf16>, %arg7: memref<?x?x2x40xbf16>, %arg8: memref<?x?x2x24xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x40xbf16>) k(%arg1 : memref<?x?x2x40xbf16>) v(%arg2 : memref<?x?x2x24xbf16>) out(%arg3 : memref<?x?x4x24xbf16>) lse(%arg4 : memref<?x4x?xf32>) dout(%arg5 : memref<?x?x4x24xbf16>) dq(%arg6 : memref<?x?x4x40xbf16>) dk(%arg7 : memref<?x?x2x40xbf16>) dv(%arg8 : memref<?x?x2x24xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 2 : i64, scale = 0.158113882 : f32, tile = array<i64: 128, 128>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %0 = arith.cmpi sge, %q_idx, %kv_idx : i32
      faattn.yield %0 : i1
    } grad {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %cst = arith.constant 1.000000e+00 : f32
      faattn.grad_yield %score, %cst
    }
    return
  }
}

