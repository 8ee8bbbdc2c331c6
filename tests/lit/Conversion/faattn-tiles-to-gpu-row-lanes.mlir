// faattn-tiles-to-gpu's row lanes (max-row-lanes): a grid without products (faattn-backward-
// tile's pre and post grids) shares each row among adjacent lanes of a warp, the widest power
// of 2 up to max-row-lanes dividing every row tile's columns, at most 1024 threads a CTA.
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-gpu | FileCheck %s
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-gpu=max-row-lanes=4 | FileCheck %s --check-prefix=FOUR
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-gpu=max-row-lanes=1 | FileCheck %s --check-prefix=ONE

// The pre and post grids of a backward at head dim 48 (faattn-compile --emit=mlir
// --stop-after=faattn-tiles-to-wgmma, the main grid left out): 64 rows of 48 columns, so 16
// lanes a row (32 would make 2048 threads), 3 columns a thread: lane, lane + 16, lane + 32.
// CHECK-LABEL: gpu.func @bw_pre(
// CHECK-SAME: faattn.block_m = 64 : i64
// CHECK-SAME: faattn.threads = 1024 : i64
// CHECK-SAME: known_block_size = array<i32: 1024, 1, 1>
// CHECK-DAG: %[[TID:.*]] = gpu.thread_id  x
// CHECK-DAG: memref.alloca() : memref<3xbf16>
// CHECK-DAG: memref.alloca() : memref<3xf32>
// CHECK-DAG: memref.alloca() : memref<1xf32>
// CHECK: %[[ROW:.*]] = arith.divui %[[TID]], %c16
// CHECK: %[[LANE:.*]] = arith.remui %[[TID]], %c16
// The CTA's row of this thread: block z's first row + tid / 16.
// CHECK: %[[R:.*]] = arith.addi %{{.*}}, %[[ROW]] : index
// CHECK: scf.for %[[J:.*]] = %c0{{.*}} to %c3{{.*}} step %c1
// CHECK:   %[[JL:.*]] = arith.muli %[[J]], %c16
// CHECK:   %[[C:.*]] = arith.addi %[[JL]], %[[LANE]] : index
// CHECK:   memref.load %arg0[%{{.*}}, %[[R]], %{{.*}}, %[[C]]] : memref<?x?x2x48xbf16>
// The row sum: the thread's 3 columns, then xor shuffles over its 16 lanes (8, 4, 2, 1).
// CHECK: scf.for {{.*}} iter_args
// CHECK: gpu.shuffle  xor %{{.*}}, %c8_i32, %c32_i32{{[_0-9]*}} : f32
// CHECK: gpu.shuffle  xor %{{.*}}, %c4_i32, %c32_i32{{[_0-9]*}} : f32
// CHECK: gpu.shuffle  xor %{{.*}}, %c2_i32, %c32_i32{{[_0-9]*}} : f32
// CHECK: gpu.shuffle  xor %{{.*}}, %c1_i32, %c32_i32{{[_0-9]*}} : f32
// The row's one value (D) stored by its first lane only.
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[LANE]], %c0
// CHECK: %[[ST:.*]] = arith.andi %{{.*}}, %[[FIRST]] : i1
// CHECK: scf.if %[[ST]] {
// CHECK:   memref.store %{{.*}}, %arg2[
// CHECK-LABEL: gpu.func @bw_post(
// CHECK-SAME: faattn.threads = 1024 : i64
// CHECK: memref.load %arg3[{{.*}}] : memref<?x?x2x48xf32>
// CHECK: arith.truncf
// CHECK: memref.store %{{.*}}, %arg1[{{.*}}] : memref<?x?x2x48xbf16>
// CHECK-NOT: gpu.shuffle
// CHECK: gpu.return

// Up to 4 lanes: 256 threads, 12 columns a thread.
// FOUR-LABEL: gpu.func @bw_pre(
// FOUR-SAME: faattn.threads = 256 : i64
// FOUR-SAME: known_block_size = array<i32: 256, 1, 1>
// FOUR-DAG: memref.alloca() : memref<12xbf16>
// FOUR: gpu.shuffle  xor %{{.*}}, %c2_i32, %c32_i32{{[_0-9]*}} : f32
// FOUR: gpu.shuffle  xor %{{.*}}, %c1_i32, %c32_i32{{[_0-9]*}} : f32

// One lane: a thread per row, as every grid with products (no faattn.threads: block_m).
// ONE-LABEL: gpu.func @bw_pre(
// ONE-NOT: faattn.threads
// ONE-SAME: known_block_size = array<i32: 64, 1, 1>
// ONE-DAG: memref.alloca() : memref<48xbf16>
// ONE-NOT: gpu.shuffle
// ONE: gpu.return
// ONE-LABEL: gpu.func @bw_post(
// ONE-SAME: known_block_size = array<i32: 64, 1, 1>
func.func @bw(%o: memref<?x?x2x48xbf16>, %dq: memref<?x?x2x48xbf16>, %delta: memref<?x2x?xf32>, %acc: memref<?x?x2x48xf32>, %do: memref<?x?x2x48xbf16>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %b = memref.dim %o, %c0 : memref<?x?x2x48xbf16>
  %s = memref.dim %o, %c1 : memref<?x?x2x48xbf16>
  %qb = arith.ceildivui %s, %c64 : index
  scf.forall (%i, %h, %j) in (%b, 2, %qb) {
    %row0 = arith.muli %j, %c64 : index
    %x = faattn.tile_load %o[%i, %h, %row0] <bshd> : memref<?x?x2x48xbf16> -> <64x48xbf16>
    %y = faattn.tile_load %do[%i, %h, %row0] <bshd> : memref<?x?x2x48xbf16> -> <64x48xbf16>
    %p = faattn.tile_map %x, %y : !faattn.tile<64x48xbf16>, !faattn.tile<64x48xbf16> -> <64x48xf32> {
    ^bb0(%a: bf16, %c: bf16):
      %ea = arith.extf %a : bf16 to f32
      %ec = arith.extf %c : bf16 to f32
      %m = arith.mulf %ea, %ec : f32
      faattn.yield %m : f32
    }
    %d = faattn.tile_reduce <sum> %p : <64x48xf32> -> <64x1xf32>
    faattn.tile_store %d, %delta[%i, %h, %row0] <bshd> : <64x1xf32>, memref<?x2x?xf32>
  } {faattn.backward_grid = "pre", faattn.grid}
  scf.forall (%i, %h, %j) in (%b, 2, %qb) {
    %row0 = arith.muli %j, %c64 : index
    %a = faattn.tile_load %acc[%i, %h, %row0] <bshd> : memref<?x?x2x48xf32> -> <64x48xf32>
    %t = faattn.tile_map %a : !faattn.tile<64x48xf32> -> <64x48xbf16> {
    ^bb0(%v: f32):
      %tv = arith.truncf %v : f32 to bf16
      faattn.yield %tv : bf16
    }
    faattn.tile_store %t, %dq[%i, %h, %row0] <bshd> : <64x48xbf16>, memref<?x?x2x48xbf16>
  } {faattn.backward_grid = "post", faattn.grid}
  return
}

// -----

// A tile of 40 columns: 8 lanes a row (16 does not divide 40); a padded tile (64 columns
// over a head dim of 56, faattn-backward-tile's pad-head-dims) stores only the columns
// inside the head dim.
// CHECK-LABEL: gpu.func @padded_pre(
// CHECK-SAME: faattn.threads = 512 : i64
// CHECK-DAG: memref.alloca() : memref<5xf32>
// CHECK: gpu.shuffle  xor %{{.*}}, %c4_i32, %c32_i32{{[_0-9]*}} : f32
// CHECK-LABEL: gpu.func @padded_post(
// CHECK-SAME: faattn.threads = 1024 : i64
// CHECK: %[[LANE:.*]] = arith.remui %{{.*}}, %c16
// CHECK: scf.for %[[J:.*]] = %c0{{.*}} to %c4{{.*}} step %c1
// CHECK:   %[[C:.*]] = arith.addi %{{.*}}, %[[LANE]] : index
// CHECK:   %[[IN:.*]] = arith.cmpi ult, %[[C]], %c56
// CHECK:   scf.if %[[IN]] {
// CHECK:     memref.store %{{.*}}, %arg1[%{{.*}}, %{{.*}}, %{{.*}}, %[[C]]] : memref<?x?x2x56xbf16>
func.func @padded(%o: memref<?x?x2x40xbf16>, %dq: memref<?x?x2x56xbf16>, %delta: memref<?x2x?xf32>, %acc: memref<?x?x2x56xf32>, %do: memref<?x?x2x40xbf16>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %b = memref.dim %o, %c0 : memref<?x?x2x40xbf16>
  %s = memref.dim %o, %c1 : memref<?x?x2x40xbf16>
  %qb = arith.ceildivui %s, %c64 : index
  scf.forall (%i, %h, %j) in (%b, 2, %qb) {
    %row0 = arith.muli %j, %c64 : index
    %x = faattn.tile_load %o[%i, %h, %row0] <bshd> : memref<?x?x2x40xbf16> -> <64x40xbf16>
    %y = faattn.tile_load %do[%i, %h, %row0] <bshd> : memref<?x?x2x40xbf16> -> <64x40xbf16>
    %p = faattn.tile_map %x, %y : !faattn.tile<64x40xbf16>, !faattn.tile<64x40xbf16> -> <64x40xf32> {
    ^bb0(%a: bf16, %c: bf16):
      %ea = arith.extf %a : bf16 to f32
      %ec = arith.extf %c : bf16 to f32
      %m = arith.mulf %ea, %ec : f32
      faattn.yield %m : f32
    }
    %d = faattn.tile_reduce <sum> %p : <64x40xf32> -> <64x1xf32>
    faattn.tile_store %d, %delta[%i, %h, %row0] <bshd> : <64x1xf32>, memref<?x2x?xf32>
  } {faattn.backward_grid = "pre", faattn.grid}
  scf.forall (%i, %h, %j) in (%b, 2, %qb) {
    %row0 = arith.muli %j, %c64 : index
    %a = faattn.tile_load %acc[%i, %h, %row0] <bshd> : memref<?x?x2x56xf32> -> <64x64xf32>
    %t = faattn.tile_map %a : !faattn.tile<64x64xf32> -> <64x64xbf16> {
    ^bb0(%v: f32):
      %tv = arith.truncf %v : f32 to bf16
      faattn.yield %tv : bf16
    }
    faattn.tile_store %t, %dq[%i, %h, %row0] <bshd> : <64x64xbf16>, memref<?x?x2x56xbf16>
  } {faattn.backward_grid = "post", faattn.grid}
  return
}
