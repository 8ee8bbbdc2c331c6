// faattn-tiles-to-wgmma's backward-dq-bulk (the default since PERFORMANCE step 58; the
// pipeline's FAATTN_BACKWARD_DQ_ATOMIC=1 turns it off; given explicitly here) on the main grids of faattn-tiles-to-wgmma-backward.mlir (head dim 64) and of the
// deterministic one. Each Q block's dQ goes through a staging buffer over the Q loop's
// buffers (shared memory unchanged: 49152 bytes) into the accumulator by one bulk reduction a
// row, instead of an atomic add an element.
// RUN: faattn-opt %S/faattn-tiles-to-wgmma-backward.mlir -split-input-file -faattn-tiles-to-wgmma='backward=true backward-dq-bulk=true' | FileCheck %s
// With the cp.async copies (backward-copy-async, the pipeline's default since step 61): every
// copy still waits for the reductions' reads first, K's and V's, then each Q block's Q (dO's
// joins Q's cp.async groups behind the same wait and barrier).
// RUN: faattn-opt %S/faattn-tiles-to-wgmma-backward.mlir -split-input-file -faattn-tiles-to-wgmma='backward=true backward-dq-bulk=true backward-copy-async=true' | FileCheck %s --check-prefix=ASYNC
// ASYNC-LABEL: gpu.func @b(
// ASYNC:      nvvm.cp.async.bulk.wait_group 0 {read}
// ASYNC-NEXT: gpu.barrier
// ASYNC:      nvvm.cp.async.shared.global
// ASYNC:      scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>) {
// ASYNC:        nvvm.cp.async.bulk.wait_group 0 {read}
// ASYNC-NEXT:   gpu.barrier
// ASYNC-NOT:    gpu.barrier
// ASYNC:        nvvm.cp.async.shared.global
// ASYNC:        nvvm.inline_ptx "cp.reduce.async.bulk.global.shared::cta.bulk_group.add.f32 [$0], [$1], 256;"
// ASYNC:        nvvm.cp.async.bulk.commit.group
// ASYNC-NEXT:   scf.yield
// With the prefetched copies (backward-copy-prefetch), which write the next block's Q and dO
// during this block's products, dQ keeps the atomic adds: no staging buffer, no bulk group.
// RUN: faattn-opt %S/faattn-tiles-to-wgmma-backward.mlir -split-input-file -faattn-tiles-to-wgmma='backward=true backward-dq-bulk=true backward-copy-prefetch=true' | FileCheck %s --check-prefix=PREFETCH
// PREFETCH-LABEL: gpu.func @b(
// PREFETCH-NOT: nvvm.cp.async.bulk
// PREFETCH-NOT: cp.reduce
// PREFETCH:     memref.atomic_rmw addf %{{.*}}, %arg10[
// PREFETCH-NOT: cp.reduce
// PREFETCH-LABEL: gpu.func @alibi_bwd(
// RUN: faattn-opt %S/faattn-tiles-to-wgmma-backward-deterministic.mlir -pass-pipeline='builtin.module(func.func(faattn-backward-tile{workspace-args=true block=64},faattn-mask-analysis),faattn-tiles-to-wgmma{backward=true backward-dq-bulk=true})' | FileCheck %s --check-prefix=DET

// CHECK-LABEL: gpu.func @b(
// CHECK-SAME: faattn.dynamic_shared_bytes = 49152 : i64
// CHECK-NOT: memref.atomic_rmw addf
// Every block copy (K, V, then each Q block's Q and dO) first waits, in the threads that
// issued them, for the reads of the bulk reductions in flight: the staging buffer is under
// Q's and dO's.
// CHECK:      nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK-NEXT: gpu.barrier
// CHECK:      scf.for {{.*}} -> (vector<32xf32>, vector<32xf32>) {
// CHECK:        nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK-NEXT:   gpu.barrier
// CHECK:        nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK-NEXT:   gpu.barrier
// dQ = dS K, waited for; a barrier (every thread past the products that read the buffers
// under the staging one), then the thread's 32 elements as 16 pairs: one address (row r,
// column c: 16384 + 272 r + 4 c, rows of 256 bytes padded by 16), the others at constant
// offsets (the fragment's rows 8 apart: 8 x 272; its columns 8 apart: 32 bytes).
// CHECK:        wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// CHECK:        nvvm.wgmma.wait.group.sync.aligned 0
// CHECK:        %[[DQ:.*]] = vector.from_elements {{.*}} : vector<32xf32>
// CHECK-NEXT:   gpu.barrier
// CHECK-NEXT:   %c272 = arith.constant 272 : index
// CHECK-NEXT:   arith.muli %{{.*}}, %c272 : index
// CHECK:        %[[FIRST:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<3>
// CHECK:        llvm.getelementptr %[[FIRST]][0] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// CHECK:        vector.extract %[[DQ]][0]
// CHECK:        llvm.store %{{.*}} {alignment = 8 : i64} : vector<2xf32>, !llvm.ptr<3>
// CHECK:        llvm.getelementptr %[[FIRST]][2176] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// CHECK:        llvm.getelementptr %[[FIRST]][32] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// CHECK-COUNT-14: llvm.store %{{.*}} {alignment = 8 : i64} : vector<2xf32>, !llvm.ptr<3>
// CHECK-NOT:    llvm.store
// Visible to the bulk copies; thread r < 64 adds row r (256 bytes) if it is in the sequence,
// from staging row r; one group a thread.
// CHECK:        nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT:   gpu.barrier
// CHECK:        %[[ISSUES:.*]] = arith.cmpi ult, %thread_id_x, %c64{{.*}} : index
// CHECK-NEXT:   scf.if %[[ISSUES]] {
// CHECK:          %[[SEQ:.*]] = arith.addi %{{.*}}, %thread_id_x : index
// CHECK:          %[[INSIDE:.*]] = arith.cmpi ult, %[[SEQ]], %{{.*}} : index
// CHECK-NEXT:     scf.if %[[INSIDE]] {
// CHECK:            memref.extract_strided_metadata %arg10
// CHECK:            %[[SRCROW:.*]] = arith.muli %thread_id_x, %c272{{.*}} : index
// CHECK-NEXT:       arith.constant 16384 : index
// CHECK:            nvvm.inline_ptx "cp.reduce.async.bulk.global.shared::cta.bulk_group.add.f32 [$0], [$1], 256;" ro(%{{.*}}, %{{.*}} : i64, i64)
// CHECK:        nvvm.cp.async.bulk.commit.group
// CHECK-NEXT:   scf.yield
// CHECK-NEXT: } {faattn.q_loop = "masked"}
// CHECK:      } {faattn.q_loop = "full"}
// CHECK:      } {faattn.q_loop = "masked"}
// The kernel ends when its reductions have completed (the CTA's shared memory outlives them).
// CHECK:      nvvm.cp.async.bulk.wait_group 0{{$}}
// CHECK-NEXT: gpu.return
// CHECK-LABEL: gpu.func @alibi_bwd(
// CHECK:        nvvm.inline_ptx "cp.reduce.async.bulk.global.shared::cta.bulk_group.add.f32 [$0], [$1], 256;"

// The deterministic backward's turns order the adds CTA by CTA: they stay atomic adds,
// without the staging buffer or its waits.
// DET-LABEL: gpu.func
// DET-NOT: nvvm.cp.async.bulk
// DET-NOT: nvvm.inline_ptx
// DET: memref.atomic_rmw addf
// DET-NOT: nvvm.cp.async.bulk

// A head dim padded to a multiple of 16 (faattn-backward-tile's pad-head-dims, as
// FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1): 40 held in 48-column tiles. The staging rows hold the
// tile's 48 columns (pitch 48 x 4 + 16 = 208 bytes, so that a thread's stores stay in its own
// row), and each bulk reduction adds the row's 40 real ones (160 bytes).
//   kernel pad40 { mode = backward; heads = 2; head_dim = 40; dtype = bf16 }
// RUN: faattn-opt %s -pass-pipeline='builtin.module(func.func(faattn-backward-tile{workspace-args=true block=64 pad-head-dims=true},faattn-mask-analysis),faattn-tiles-to-wgmma{backward=true backward-dq-bulk=true})' | FileCheck %s --check-prefix=PAD
// PAD-LABEL: gpu.func @pad40(
// PAD-NOT: memref.atomic_rmw addf
// PAD:       vector<24xf32>
// PAD:       %c208 = arith.constant 208 : index
// PAD-NEXT:  arith.muli %{{.*}}, %c208 : index
// PAD:       llvm.getelementptr %{{.*}}[1664] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
// PAD-COUNT-11: llvm.store %{{.*}} {alignment = 8 : i64} : vector<2xf32>, !llvm.ptr<3>
// PAD:       arith.muli %thread_id_x, %c208{{.*}} : index
// PAD:       nvvm.inline_ptx "cp.reduce.async.bulk.global.shared::cta.bulk_group.add.f32 [$0], [$1], 160;"

module {
  func.func @pad40(%arg0: memref<?x?x2x40xbf16>, %arg1: memref<?x?x2x40xbf16>, %arg2: memref<?x?x2x40xbf16>, %arg3: memref<?x?x2x40xbf16>, %arg4: memref<?x2x?xf32>, %arg5: memref<?x?x2x40xbf16>, %arg6: memref<?x?x2x40xbf16>, %arg7: memref<?x?x2x40xbf16>, %arg8: memref<?x?x2x40xbf16>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x2x40xbf16>) k(%arg1 : memref<?x?x2x40xbf16>) v(%arg2 : memref<?x?x2x40xbf16>) out(%arg3 : memref<?x?x2x40xbf16>) lse(%arg4 : memref<?x2x?xf32>) dout(%arg5 : memref<?x?x2x40xbf16>) dq(%arg6 : memref<?x?x2x40xbf16>) dk(%arg7 : memref<?x?x2x40xbf16>) dv(%arg8 : memref<?x?x2x40xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.158113882 : f32, tile = array<i64: 64, 64>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %0 = arith.constant true
      faattn.yield %0 : i1
    } grad {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %cst = arith.constant 1.000000e+00 : f32
      faattn.grad_yield %score, %cst
    }
    return
  }
}
