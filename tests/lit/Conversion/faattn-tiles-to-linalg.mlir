// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-linalg | FileCheck %s

// CHECK-DAG: #[[$LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$RHST:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>

// CHECK-LABEL: func.func @ops(
func.func @ops(%q: memref<?x?x2x32xf32>, %o: memref<?x2x?x32xf32>, %doc: memref<?xi32>, %b: index,
               %h: index, %r: index, %b32: i32, %h32: i32, %r32: i32, %c32: i32, %sq: i32, %skv: i32) {
  // Rows past the sequence read as 0.
  // CHECK: %[[QT:.*]] = tensor.generate  {
  // CHECK: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index):
  // CHECK:   %[[ROW:.*]] = arith.addi %{{.*}}, %[[I]] : index
  // CHECK:   %[[SEQ:.*]] = memref.dim %{{.*}}, %c1{{.*}} : memref<?x?x2x32xf32>
  // CHECK:   %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %[[SEQ]] : index
  // CHECK:   scf.if %[[IN]] -> (f32) {
  // CHECK:     memref.load %{{.*}}[%{{.*}}, %[[ROW]], %{{.*}}, %[[J]]] : memref<?x?x2x32xf32>
  // CHECK: } : tensor<16x32xf32>
  %qt = faattn.tile_load %q[%b, %h, %r] <bshd> : memref<?x?x2x32xf32> -> <16x32xf32>
  // Q K^T: (m, n, k) with the right operand read as (n, k).
  // CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[$LHS]], #[[$RHST]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[QT]], %[[QT]] : tensor<16x32xf32>, tensor<16x32xf32>)
  %s = faattn.tile_dot %qt, %qt {transpose_rhs} : <16x32xf32>, <16x32xf32> -> <16x16xf32>
  // The mask runs only in range; out of range or masked is -inf.
  // CHECK: %[[MS:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<16x16xf32>)
  // CHECK:   linalg.index 0
  // CHECK:   linalg.index 1
  // CHECK:   %[[KVIN:.*]] = arith.cmpi slt, %{{.*}}, %{{.*}} : i32
  // CHECK:   %[[IN2:.*]] = arith.andi %[[KVIN]], %{{.*}} : i1
  // CHECK:   %[[KEEP:.*]] = scf.if %[[IN2]] -> (i1) {
  // CHECK:     memref.load %{{.*}}[%{{.*}}] : memref<?xi32>
  // CHECK:   } else {
  // CHECK:     scf.yield %false : i1
  // CHECK:   arith.select %[[KEEP]], %{{.*}}, %cst{{.*}} : f32
  %s2 = faattn.tile_mask %s at[%b32, %h32, %r32, %c32] seq[%sq, %skv] params(%doc : memref<?xi32>) : <16x16xf32> {
  ^bb0(%bb: i32, %hh: i32, %qi: i32, %ki: i32, %a: i32, %c: i32, %d: memref<?xi32>):
    %i0 = arith.index_cast %qi : i32 to index
    %i1 = arith.index_cast %ki : i32 to index
    %d0 = memref.load %d[%i0] : memref<?xi32>
    %d1 = memref.load %d[%i1] : memref<?xi32>
    %m = arith.cmpi eq, %d0, %d1 : i32
    faattn.yield %m : i1
  }
  // CHECK: %[[INIT:.*]] = linalg.fill ins(%cst{{.*}} : f32) outs(%{{.*}} : tensor<16x1xf32>)
  // CHECK: %[[MX:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$COL]]], iterator_types = ["parallel", "reduction"]} ins(%[[MS]] : tensor<16x16xf32>) outs(%[[INIT]] : tensor<16x1xf32>)
  // CHECK:   arith.maximumf
  %mx = faattn.tile_reduce <max> %s2 : <16x16xf32> -> <16x1xf32>
  // Mx1 operands of a map are broadcast along the row.
  // CHECK: %[[E:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$COL]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[MS]], %[[MX]] : tensor<16x16xf32>, tensor<16x1xf32>)
  // CHECK:   arith.subf
  // CHECK:   linalg.yield
  %e = faattn.tile_map %s2, %mx : !faattn.tile<16x16xf32>, !faattn.tile<16x1xf32> -> <16x16xf32> {
  ^bb0(%x: f32, %y: f32):
    %d = arith.subf %x, %y : f32
    faattn.yield %d : f32
  }
  %pv = faattn.tile_dot %e, %qt : <16x16xf32>, <16x32xf32> -> <16x32xf32>
  // Only the rows inside the sequence are stored (bhsd: the sequence is dim 2).
  // CHECK: scf.for %[[I:.*]] = %c0{{.*}} to %c16{{.*}} step %c1{{.*}} {
  // CHECK:   %[[ROW:.*]] = arith.addi %{{.*}}, %[[I]] : index
  // CHECK:   %[[OSEQ:.*]] = memref.dim %{{.*}}, %c2{{.*}} : memref<?x2x?x32xf32>
  // CHECK:   %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %[[OSEQ]] : index
  // CHECK:   scf.if %[[IN]] {
  // CHECK:     scf.for
  // CHECK:       tensor.extract
  // CHECK:       memref.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %[[ROW]], %{{.*}}] : memref<?x2x?x32xf32>
  faattn.tile_store %pv, %o[%b, %h, %r] <bhsd> : <16x32xf32>, memref<?x2x?x32xf32>
  return
}

// -----

// Loop-carried tiles become loop-carried tensors.
// CHECK-LABEL: func.func @loop(
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<16x1xf32>) {
func.func @loop(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %init = faattn.tile_splat 0.0 : <16x1xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %init) -> (!faattn.tile<16x1xf32>) {
    %next = faattn.tile_map %acc : !faattn.tile<16x1xf32> -> <16x1xf32> {
    ^bb0(%x: f32):
      %one = arith.constant 1.0 : f32
      %y = arith.addf %x, %one : f32
      faattn.yield %y : f32
    }
    scf.yield %next : !faattn.tile<16x1xf32>
  }
  return
}

// -----

// A paged load: row j is slot j % 64 of page table[b, j / 64]; the table is
// read only when j is below the limit and inside the table, and the page
// must be one of the memref's (an unsigned compare also rejects negatives).
// CHECK-LABEL: func.func @paged(
// CHECK-SAME: %[[K:[a-z0-9]+]]: memref<?x64x2x32xf32>, %[[T:[a-z0-9]+]]: memref<?x?xi32>
func.func @paged(%k: memref<?x64x2x32xf32>, %table: memref<?x?xi32>, %o: memref<?x?x2x32xf32>,
                 %b: index, %h: index, %r: index, %len: index) {
  // CHECK: tensor.generate
  // CHECK:   %[[ROW:.*]] = arith.addi %{{.*}}, %{{.*}} : index
  // CHECK:   %[[PNO:.*]] = arith.divui %[[ROW]], %c64
  // CHECK:   %[[LIM:.*]] = arith.cmpi ult, %[[ROW]], %{{.*}} : index
  // CHECK:   %[[OK:.*]] = arith.andi %[[LIM]], %{{.*}} : i1
  // CHECK:   %[[PAGE:.*]] = scf.if %[[OK]] -> (index) {
  // CHECK:     memref.load %[[T]][%{{.*}}, %[[PNO]]] : memref<?x?xi32>
  // CHECK:   %[[NP:.*]] = memref.dim %[[K]], %c0
  // CHECK:   arith.cmpi ult, %[[PAGE]], %[[NP]] : index
  // CHECK:   %[[SLOT:.*]] = arith.remui %[[ROW]], %c64
  // CHECK:   scf.if %{{.*}} -> (f32) {
  // CHECK:     memref.load %[[K]][%[[PAGE]], %[[SLOT]], %{{.*}}, %{{.*}}] : memref<?x64x2x32xf32>
  // CHECK:   } else {
  // CHECK:     scf.yield %cst
  %t = faattn.tile_load %k[%b, %h, %r] <bshd> limit %len pages(%table : memref<?x?xi32>) {page_size = 64 : i64} : memref<?x64x2x32xf32> -> <16x32xf32>
  faattn.tile_store %t, %o[%b, %h, %r] <bshd> : <16x32xf32>, memref<?x?x2x32xf32>
  return
}

// -----

// A padded head dim (faattn-tile's pad-head-dims): 40 columns in memory, 48 in the tile.
// The load reads column j only below 40 (0 past it); the store writes 40 columns.
// CHECK-LABEL: func.func @padded(
func.func @padded(%q: memref<?x?x2x40xf32>, %b: index, %h: index, %r: index) {
  // CHECK: tensor.generate
  // CHECK: ^bb0(%{{.*}}: index, %[[J:.*]]: index):
  // CHECK:   %[[IN:.*]] = arith.cmpi ult, %{{.*}}, %{{.*}} : index
  // CHECK:   %[[COL:.*]] = arith.cmpi ult, %[[J]], %c40{{.*}} : index
  // CHECK:   %[[BOTH:.*]] = arith.andi %[[IN]], %[[COL]] : i1
  // CHECK:   scf.if %[[BOTH]] -> (f32) {
  // CHECK: } : tensor<16x48xf32>
  %qt = faattn.tile_load %q[%b, %h, %r] <bshd> : memref<?x?x2x40xf32> -> <16x48xf32>
  // CHECK: scf.for %{{.*}} = %c0{{.*}} to %c16{{.*}} step
  // CHECK:   scf.if
  // CHECK:     scf.for %{{.*}} = %c0{{.*}} to %c40{{.*}} step
  // CHECK:       memref.store %{{.*}} : memref<?x?x2x40xf32>
  faattn.tile_store %qt, %q[%b, %h, %r] <bshd> : <16x48xf32>, memref<?x?x2x40xf32>
  return
}
