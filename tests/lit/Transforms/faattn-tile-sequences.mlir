// faattn-tile on sequences that are not one dense range per batch: varlen
// (cu_seqlens) and paged KV (block table). Each CTA reads its sequence's
// start and length, clamps the length at 0 (and a paged one at the table's
// capacity), runs only its own KV blocks, and the loads and stores carry
// the offsets, limits and table.
// The input: the front end's faattn.attention ops of
// tests/lit/Pipeline/pipeline-faattn-tile-sequences.fa (faattn-compile --stop-after=frontend).
// RUN: faattn-opt %s -faattn-tile | FileCheck %s

// kernel varlen { heads = 4 : 2; head_dim = 32; tile = 16x32; varlen; mask = causal; return_lse }
// CHECK-LABEL: func.func @varlen(
// CHECK-SAME: %[[Q:[a-z0-9]+]]: memref<?x?x4x32xbf16>, %[[K:[a-z0-9]+]]: memref<?x?x2x32xbf16>, %[[V:[a-z0-9]+]]: memref<?x?x2x32xbf16>, %[[O:[a-z0-9]+]]: memref<?x?x4x32xbf16>, %[[LSE:[a-z0-9]+]]: memref<?x4x?xf32>, %[[CUQ:[a-z0-9]+]]: memref<?xi32>, %[[CUKV:[a-z0-9]+]]: memref<?xi32>)
// The batch is the number of sequences; q-blocks cover the packed rows.
// CHECK: %[[NCU:.*]] = memref.dim %[[CUQ]], %c0
// CHECK: %[[B:.*]] = arith.subi %[[NCU]], %c1
// CHECK: %[[NKVMAX:.*]] = arith.ceildivui %{{.*}}, %c32
// CHECK: scf.forall (%[[BI:.*]], %[[HI:.*]], %[[QB:.*]]) in (%[[B]], 4, %{{.*}}) {
// CHECK:   %[[ROW:.*]] = arith.muli %[[QB]], %c16
// CHECK:   %[[NEXT:.*]] = arith.addi %[[BI]], %c1
// CHECK:   memref.load %[[CUQ]][%[[BI]]]
// CHECK:   memref.load %[[CUQ]][%[[NEXT]]]
// CHECK:   %[[QDIFF:.*]] = arith.select %{{.*}}, %c0{{.*}}, %{{.*}} : index
// A packed sequence never reaches past the rows its memref holds.
// CHECK:   %[[QROWS:.*]] = memref.dim %[[Q]], %c1
// CHECK:   %[[QFROM:.*]] = arith.minui %{{.*}}, %[[QROWS]]
// CHECK:   %[[QAVAIL:.*]] = arith.subi %[[QROWS]], %[[QFROM]]
// CHECK:   %[[QLEN:.*]] = arith.minui %[[QDIFF]], %[[QAVAIL]]
// CHECK:   memref.load %[[CUKV]][%[[BI]]]
// CHECK:   memref.load %[[CUKV]][%[[NEXT]]]
// CHECK:   arith.select %{{.*}}, %c0{{.*}}, %{{.*}} : index
// CHECK:   %[[KROWS:.*]] = memref.dim %[[K]], %c1
// CHECK:   arith.subi %[[KROWS]]
// CHECK:   %[[KVLEN:.*]] = arith.minui
// A q-block past its sequence's end runs no KV block.
// CHECK:   %[[OWN:.*]] = arith.ceildivui %[[KVLEN]], %c32
// CHECK:   %[[PAST:.*]] = arith.cmpi uge, %[[ROW]], %[[QLEN]]
// CHECK:   %[[MINE:.*]] = arith.select %[[PAST]], %c0{{.*}}, %[[OWN]]
// CHECK:   %[[NKV:.*]] = arith.minui %[[NKVMAX]], %[[MINE]]
// CHECK:   faattn.tile_load %[[Q]][%c0{{.*}}, %[[HI]], %[[ROW]]] <bshd> offset %{{.*}} limit %[[QLEN]]
// CHECK:   scf.for %{{.*}} = %c0{{.*}} to %[[NKV]]
// CHECK:     faattn.tile_load %[[K]][%c0{{.*}}, %{{.*}}, %{{.*}}] <bshd> offset %{{.*}} limit %[[KVLEN]]
// CHECK:     faattn.tile_mask {{.*}} seq[%{{.*}}, %{{.*}}]
// CHECK:     faattn.tile_load %[[V]][%c0{{.*}}, %{{.*}}, %{{.*}}] <bshd> offset %{{.*}} limit %[[KVLEN]]
// CHECK:   faattn.tile_store %out, %[[O]][%c0{{.*}}, %[[HI]], %[[ROW]]] <bshd> offset %{{.*}} limit %[[QLEN]]
// CHECK:   faattn.tile_store %lse, %[[LSE]][%c0{{.*}}, %[[HI]], %[[ROW]]] <bshd> offset %{{.*}} limit %[[QLEN]]
func.func @varlen(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?xi32>, %arg6: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  faattn.attention q(%arg0 : memref<?x?x4x32xbf16>) k(%arg1 : memref<?x?x2x32xbf16>) v(%arg2 : memref<?x?x2x32xbf16>) out(%arg3 : memref<?x?x4x32xbf16>) lse(%arg4 : memref<?x4x?xf32>) cu_seqlens_q(%arg5 : memref<?xi32>) cu_seqlens_kv(%arg6 : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 2 : i64, scale = 0.176776692 : f32, tile = array<i64: 16, 32>, varlen} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    faattn.yield %score : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    %0 = arith.cmpi sge, %q_idx, %kv_idx : i32
    faattn.yield %0 : i1
  }
  return
}

// kernel paged { mode = decode; heads = 4 : 2; head_dim = 32; tile = 16x32; paged_kv(page = 48) }
// CHECK-LABEL: func.func @paged(
// CHECK-SAME: %[[Q:[a-z0-9]+]]: memref<?x?x4x32xbf16>, %[[K:[a-z0-9]+]]: memref<?x?x2x32xbf16>, %{{[a-z0-9]+}}: memref<?x?x2x32xbf16>, %{{[a-z0-9]+}}: memref<?x?x4x32xbf16>, %[[TABLE:[a-z0-9]+]]: memref<?x?xi32>, %[[LENS:[a-z0-9]+]]: memref<?xi32>)
// The KV bound: the table's capacity, max_pages * 48 rows.
// CHECK: %[[PAGES:.*]] = memref.dim %[[TABLE]], %c1
// CHECK: %[[CAP:.*]] = arith.muli %[[PAGES]], %c48
// CHECK: %[[NKVMAX:.*]] = arith.ceildivui %[[CAP]], %c32
// CHECK: scf.forall (%[[BI:.*]], %[[HI:.*]], %{{.*}}) in
// CHECK:   memref.load %[[LENS]][%[[BI]]]
// CHECK:   %[[LEN:.*]] = arith.minsi %{{.*}}, %[[CAP]]
// CHECK:   %[[OWN:.*]] = arith.ceildivui %[[LEN]], %c32
// CHECK:   %[[NKV:.*]] = arith.minui %[[NKVMAX]], %[[OWN]]
// Q is dense: no offset or limit.
// CHECK:   faattn.tile_load %[[Q]][%[[BI]], %[[HI]], %{{.*}}] <bshd> :
// CHECK:   scf.for %{{.*}} = %c0{{.*}} to %[[NKV]]
// CHECK:     faattn.tile_load %[[K]][%[[BI]], %{{.*}}, %{{.*}}] <bshd> limit %[[LEN]] pages(%[[TABLE]] : memref<?x?xi32>) {page_size = 48 : i64}
func.func @paged(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x?xi32>, %arg5: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  faattn.attention q(%arg0 : memref<?x?x4x32xbf16>) k(%arg1 : memref<?x?x2x32xbf16>) v(%arg2 : memref<?x?x2x32xbf16>) out(%arg3 : memref<?x?x4x32xbf16>) block_table(%arg4 : memref<?x?xi32>) seqlens_kv(%arg5 : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<decode>, num_heads = 4 : i64, num_kv_heads = 2 : i64, paged_kv_page = 48 : i64, scale = 0.176776692 : f32, tile = array<i64: 16, 32>} score {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
    faattn.yield %score : f32
  }
  return
}
