// faattn-tiles-to-wgmma with e4m3-kv (experimental; not yet run on a GPU) on the algorithm
// pipeline's output (faattn-compile --emit=mlir --stop-after=faattn-overlap-softmax) for
//   kernel kv8 { heads = 4 : 2; head_dim = 64; dtype = bf16; kv_dtype = e4m3
//                paged_kv(page = 16) }
// K and V are e4m3 under a bf16 Q: TMA loads their blocks as they are (64-byte rows, 64-byte
// swizzle), the consumers convert each ring stage to bf16 into a ring laid out as a bf16 one
// (128-byte rows, 128-byte swizzle), and the products read that. Without the option the
// kernel is left to the SIMT path.
// RUN: faattn-opt %s -faattn-tiles-to-wgmma='e4m3-kv=true' | FileCheck %s
// RUN: faattn-opt %s -faattn-tiles-to-wgmma | FileCheck %s --check-prefix=OFF

// OFF: func.func @kv8(
// OFF-SAME: faattn.wgmma_skipped = "element type is not bf16 or f16"
// OFF-NOT: gpu.func

// Shared memory: 1024 (alignment) + Q 128x64 bf16 (16384) + the e4m3 K and V rings (2 stages
// x 128 x 64 x 1 byte, twice: 32768) + the bf16 rings they are converted into (65536) + 7
// mbarriers (56) = 115768 bytes. q, k, v and out's tensor maps swizzle 128, 64, 64, 128 bytes.
// CHECK-LABEL: gpu.func @kv8(
// CHECK-SAME: faattn.dynamic_shared_bytes = 115768 : i64
// CHECK-SAME: faattn.mapping = "wgmma"
// CHECK-SAME: faattn.ring_stages = 2 : i64
// CHECK-SAME: faattn.schedule = "inline-producer"
// CHECK-SAME: faattn.tma_swizzle = array<i64: 128, 64, 64, 128>
// Q: 16384 bytes expected on its barrier. K's and V's blocks: 128 rows of 64 e4m3 bytes
// (8192) each, as 8 page boxes of 16 rows at box column 0 (one 64-byte chunk a row).
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c16384_i32
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c8192_i32
// CHECK-COUNT-8: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg7, %{{.*}}, box[%c0_i32
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c8192_i32
// CHECK-COUNT-8: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg8, %{{.*}}, box[%c0_i32

// In the KV loop: K's full barrier, then the stage's 128 x 64 bytes converted by the 256
// threads, 16 bytes (512 units) at a time. Unit (r, c): the e4m3 byte (c % 64) / 16 XOR
// (r / 2) % 4 (64-byte swizzle) of row r in its 8192-byte chunk; four words of e4m3 pairs to
// bf16 pairs (through f16 and f32: exact); two 16-byte stores at the bf16 tile's unit
// (c % 64) / 8 XOR r % 8 (128-byte swizzle) in 16384-byte chunks of 64 columns, rows of 128
// bytes. Then visible to the tensor cores, then Q K^T reads the converted K.
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: scf.for %{{.*}} = %thread_id_x to %c512 step %c256 {
// CHECK:   %[[R:.*]] = arith.divui %{{.*}}, %c4{{.*}} : index
// CHECK:   %[[C:.*]] = arith.muli %{{.*}}, %c16{{.*}} : index
// CHECK:   %[[CC:.*]] = arith.remui %[[C]], %c64{{.*}} : index
// CHECK:   %[[U:.*]] = arith.divui %[[CC]], %c16{{.*}} : index
// CHECK:   %[[R2:.*]] = arith.divui %[[R]], %c2{{.*}} : index
// CHECK:   %[[X:.*]] = arith.remui %[[R2]], %c4{{.*}} : index
// CHECK:   arith.xori %[[U]], %[[X]] : index
// CHECK:   arith.muli %{{.*}}, %c8192{{.*}} : index
// CHECK:   arith.muli %[[R]], %c64{{.*}} : index
// CHECK:   llvm.load %{{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xi32>
// CHECK-COUNT-4: cvt.rn.f16x2.e4m3x2 x0, lo;\0Acvt.rn.f16x2.e4m3x2 x1, hi;{{.*}}cvt.rn.bf16x2.f32 $0, f1, f0;\0Acvt.rn.bf16x2.f32 $1, f3, f2;
// CHECK:   arith.remui %{{.*}}, %c64{{.*}} : index
// CHECK:   arith.divui %{{.*}}, %c8{{.*}} : index
// CHECK:   arith.remui %{{.*}}, %c8{{.*}} : index
// CHECK:   arith.xori
// CHECK:   arith.muli %{{.*}}, %c16384{{.*}} : index
// CHECK:   arith.muli %[[R]], %c128{{.*}} : index
// CHECK:   llvm.store %{{.*}} {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<3>
// CHECK:   llvm.store %{{.*}} {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<3>
// CHECK: }
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// CHECK: nvvm.wgmma.mma_async {{.*}} A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// V: its full barrier, then the same conversion, where the rows at or past the sequence's
// length (paged) are written as zeros; then the stage is released at once (both of its
// blocks are converted), before P V, which reads the converted V with P rounded to bf16.
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: scf.for %{{.*}} = %thread_id_x to %c512{{.*}} step %c256{{.*}} {
// CHECK:   cvt.rn.f16x2.e4m3x2
// CHECK:   %[[DEAD:.*]] = arith.cmpi uge, %{{.*}}, %{{.*}} : index
// CHECK-COUNT-4: arith.select %[[DEAD]], %c0_i32{{.*}}, %{{.*}} : i32
// CHECK:   llvm.store
// CHECK:   llvm.store
// CHECK: }
// CHECK: nvvm.fence.proxy
// CHECK-NEXT: gpu.barrier
// CHECK: scf.if
// CHECK-NEXT: nvvm.mbarrier.arrive
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// After P V no second release of the stage.
// CHECK-NOT: nvvm.mbarrier.arrive %
// CHECK: nvvm.mbarrier.try_wait.parity

func.func @kv8(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xf8E4M3FN>, %arg2: memref<?x?x2x64xf8E4M3FN>, %arg3: memref<?x?x4x64xbf16>, %arg4: memref<?x?xi32>, %arg5: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.spec_hash = "d7e659c4c8c935ddd915da7e748f081198a1d1441c01f1f9fb19c197239d5ccd", faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg4, %c1_1 : memref<?x?xi32>
  %c16 = arith.constant 16 : index
  %0 = arith.muli %dim_2, %c16 : index
  %c128 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %2 = arith.ceildivui %0, %c128_3 : index
  %3 = arith.index_cast %dim_0 : index to i32
  %4 = arith.index_cast %0 : index to i32
  scf.forall (%arg6, %arg7, %arg8) in (%dim, 4, %1) {
    %c2 = arith.constant 2 : index
    %5 = arith.divui %arg7, %c2 : index
    %c128_4 = arith.constant 128 : index
    %6 = arith.muli %arg8, %c128_4 : index
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %arg7 : index to i32
    %9 = arith.index_cast %6 : index to i32
    %10 = memref.load %arg5[%arg6] : memref<?xi32>
    %11 = arith.index_cast %10 : i32 to index
    %c0_5 = arith.constant 0 : index
    %12 = arith.subi %11, %c0_5 : index
    %c0_6 = arith.constant 0 : index
    %13 = arith.cmpi slt, %12, %c0_6 : index
    %c0_7 = arith.constant 0 : index
    %14 = arith.select %13, %c0_7, %12 : index
    %15 = arith.minsi %14, %0 : index
    %16 = arith.index_cast %15 : index to i32
    %c128_8 = arith.constant 128 : index
    %17 = arith.ceildivui %15, %c128_8 : index
    %18 = arith.minui %2, %17 : index
    %19 = faattn.tile_load %arg0[%arg6, %arg7, %6] <bshd> : memref<?x?x4x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
    %20 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %21 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %22 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_9 = arith.constant 0 : index
    %c1_10 = arith.constant 1 : index
    %23 = arith.index_cast %c0_9 : index to i64
    %24 = arith.index_cast %18 : index to i64
    %25 = arith.extsi %3 : i32 to i64
    %26 = arith.extsi %16 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %c128_i64_11 = arith.constant 128 : i64
    %c1_i64 = arith.constant 1 : i64
    %27 = arith.divsi %26, %c128_i64 : i64
    %28 = arith.minsi %27, %24 : i64
    %29 = arith.maxsi %28, %23 : i64
    %30 = arith.index_cast %23 : i64 to index
    %31 = arith.index_cast %23 : i64 to index
    %32 = arith.index_cast %29 : i64 to index
    %33:3 = scf.for %arg9 = %30 to %31 step %c1_10 iter_args(%arg10 = %20, %arg11 = %21, %arg12 = %22) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c128_12 = arith.constant 128 : index
      %38 = arith.muli %arg9, %c128_12 : index
      %39 = arith.index_cast %38 : index to i32
      %40 = faattn.tile_load %arg1[%arg6, %5, %38] <bshd> limit %15 pages(%arg4 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %41 = faattn.tile_dot %19, %40 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %42 = faattn.tile_mask %41 at[%7, %8, %9, %39] seq[%3, %16] : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %43 = faattn.tile_load %arg2[%arg6, %5, %38] <bshd> limit %15 pages(%arg4 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %44 = faattn.tile_reduce <max> %42 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %45 = faattn.tile_map %arg11, %44 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.maximumf %arg13, %arg14 : f32
        faattn.yield %53 : f32
      }
      %46 = faattn.tile_map %45 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32):
        %cst = arith.constant 0xFF800000 : f32
        %53 = arith.cmpf oeq, %arg13, %cst : f32
        %cst_13 = arith.constant 0.180336878 : f32
        %54 = arith.mulf %arg13, %cst_13 : f32
        %cst_14 = arith.constant 0.000000e+00 : f32
        %55 = arith.select %53, %cst_14, %54 : f32
        faattn.yield %55 : f32
      }
      %47 = faattn.tile_map %42, %46 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %54 = math.fma %arg13, %cst, %53 : f32
        %55 = math.exp2 %54 : f32
        faattn.yield %55 : f32
      }
      %48 = faattn.tile_map %arg11, %46 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %54 = math.fma %arg13, %cst, %53 : f32
        %55 = math.exp2 %54 : f32
        faattn.yield %55 : f32
      }
      %49 = faattn.tile_reduce <sum> %47 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %50 = faattn.tile_map %arg12, %48, %49 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %53 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %53 : f32
      }
      %51 = faattn.tile_dot %47, %43 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %52 = faattn.tile_map %arg10, %48, %51 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %53 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %53 : f32
      }
      scf.yield %52, %45, %50 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %34:3 = scf.for %arg9 = %31 to %32 step %c1_10 iter_args(%arg10 = %33#0, %arg11 = %33#1, %arg12 = %33#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c128_12 = arith.constant 128 : index
      %38 = arith.muli %arg9, %c128_12 : index
      %39 = arith.index_cast %38 : index to i32
      %40 = faattn.tile_load %arg1[%arg6, %5, %38] <bshd> limit %15 pages(%arg4 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %41 = faattn.tile_dot %19, %40 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %42 = faattn.tile_load %arg2[%arg6, %5, %38] <bshd> limit %15 pages(%arg4 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %43 = faattn.tile_reduce <max> %41 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %44 = faattn.tile_map %arg11, %43 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %52 = arith.maximumf %arg13, %arg14 : f32
        faattn.yield %52 : f32
      }
      %45 = faattn.tile_map %44 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32):
        %cst = arith.constant 0xFF800000 : f32
        %52 = arith.cmpf oeq, %arg13, %cst : f32
        %cst_13 = arith.constant 0.180336878 : f32
        %53 = arith.mulf %arg13, %cst_13 : f32
        %cst_14 = arith.constant 0.000000e+00 : f32
        %54 = arith.select %52, %cst_14, %53 : f32
        faattn.yield %54 : f32
      }
      %46 = faattn.tile_map %41, %45 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %52 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %53 = math.fma %arg13, %cst, %52 : f32
        %54 = math.exp2 %53 : f32
        faattn.yield %54 : f32
      }
      %47 = faattn.tile_map %arg11, %45 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %52 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %53 = math.fma %arg13, %cst, %52 : f32
        %54 = math.exp2 %53 : f32
        faattn.yield %54 : f32
      }
      %48 = faattn.tile_reduce <sum> %46 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %49 = faattn.tile_map %arg12, %47, %48 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %52 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %52 : f32
      }
      %50 = faattn.tile_dot %46, %42 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %51 = faattn.tile_map %arg10, %47, %50 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %52 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %52 : f32
      }
      scf.yield %51, %44, %49 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %35:3 = scf.for %arg9 = %32 to %18 step %c1_10 iter_args(%arg10 = %34#0, %arg11 = %34#1, %arg12 = %34#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c128_12 = arith.constant 128 : index
      %38 = arith.muli %arg9, %c128_12 : index
      %39 = arith.index_cast %38 : index to i32
      %40 = faattn.tile_load %arg1[%arg6, %5, %38] <bshd> limit %15 pages(%arg4 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %41 = faattn.tile_dot %19, %40 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %42 = faattn.tile_mask %41 at[%7, %8, %9, %39] seq[%3, %16] : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %43 = faattn.tile_load %arg2[%arg6, %5, %38] <bshd> limit %15 pages(%arg4 : memref<?x?xi32>) {page_size = 16 : i64} : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %44 = faattn.tile_reduce <max> %42 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %45 = faattn.tile_map %arg11, %44 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.maximumf %arg13, %arg14 : f32
        faattn.yield %53 : f32
      }
      %46 = faattn.tile_map %45 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32):
        %cst = arith.constant 0xFF800000 : f32
        %53 = arith.cmpf oeq, %arg13, %cst : f32
        %cst_13 = arith.constant 0.180336878 : f32
        %54 = arith.mulf %arg13, %cst_13 : f32
        %cst_14 = arith.constant 0.000000e+00 : f32
        %55 = arith.select %53, %cst_14, %54 : f32
        faattn.yield %55 : f32
      }
      %47 = faattn.tile_map %42, %46 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %54 = math.fma %arg13, %cst, %53 : f32
        %55 = math.exp2 %54 : f32
        faattn.yield %55 : f32
      }
      %48 = faattn.tile_map %arg11, %46 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %53 = arith.negf %arg14 : f32
        %cst = arith.constant 0.180336878 : f32
        %54 = math.fma %arg13, %cst, %53 : f32
        %55 = math.exp2 %54 : f32
        faattn.yield %55 : f32
      }
      %49 = faattn.tile_reduce <sum> %47 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %50 = faattn.tile_map %arg12, %48, %49 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %53 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %53 : f32
      }
      %51 = faattn.tile_dot %47, %43 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %52 = faattn.tile_map %arg10, %48, %51 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %53 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %53 : f32
      }
      scf.yield %52, %45, %50 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %36 = faattn.tile_map %35#0, %35#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg9: f32, %arg10: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %38 = arith.cmpf oeq, %arg10, %cst : f32
      %39 = arith.divf %arg9, %arg10 : f32
      %cst_12 = arith.constant 0.000000e+00 : f32
      %40 = arith.select %38, %cst_12, %39 : f32
      %41 = arith.truncf %40 : f32 to bf16
      faattn.yield %41 : bf16
    }
    %37 = faattn.tile_map %35#1, %35#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg9: f32, %arg10: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %38 = arith.cmpf oeq, %arg10, %cst : f32
      %cst_12 = arith.constant 0.180336878 : f32
      %39 = math.log2 %arg10 : f32
      %40 = math.fma %arg9, %cst_12, %39 : f32
      %cst_13 = arith.constant 0.693147182 : f32
      %41 = arith.mulf %40, %cst_13 : f32
      %cst_14 = arith.constant 0xFF800000 : f32
      %42 = arith.select %38, %cst_14, %41 : f32
      faattn.yield %42 : f32
    }
    faattn.tile_store %36, %arg3[%arg6, %arg7, %6] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 1024 : i64, partial = 0 : i64}, faattn.grid}
  return
}