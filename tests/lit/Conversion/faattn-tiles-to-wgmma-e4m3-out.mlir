// faattn-tiles-to-wgmma with an e4m3 output (out_dtype = e4m3, the GPU pipeline's default e4m3
// option) on the algorithm pipeline's output (faattn-compile --emit=mlir
// --stop-after=faattn-overlap-softmax) for
//   kernel o8 { heads = 4 : 2; head_dim = 64; dtype = e4m3; out_dtype = e4m3; target = sm_90a
//     param os : f32[batch, heads]
//     o_descale = os[b, h] }
// The FP8 mainloop as for a bf16 output; the epilogue divides each element by its row's factor
// (os[b, h]: uniform over the tile, computed once), saturates at +-448, converts with
// cvt.rn.satfinite.e4m3x2.f32 (nvvm.convert.f32x2.to.f8x2, the low byte) and stores the bytes
// by threads: O's TMA store takes 16-bit outputs only. out's tensor map (which the runtime builds
// for every TMA kernel) swizzles one row of 64 e4m3 bytes: 64.
// RUN: faattn-opt %s -faattn-tiles-to-wgmma='e4m3=true' | FileCheck %s

// CHECK-LABEL: gpu.func @o8(
// CHECK-SAME: %[[OUT:arg3]]: memref<?x?x4x64xf8E4M3FN>, %[[OS:arg4]]: memref<?x4xf32>
// Shared memory without an O tile (O leaves by the threads' stores): 1024 of alignment, Q's
// 128 x 64 e4m3 bytes (8192), the K, V and transposed-V rings of 2 x 128 x 64 bytes each
// (3 x 16384) and 7 mbarriers (Q full; K full, V full, empty per stage): 58424 (a bf16 output
// adds its 128 x 64 x 2-byte tile: 74808, as faattn-tiles-to-wgmma-e4m3.mlir's).
// CHECK-SAME: faattn.dynamic_shared_bytes = 58424 : i64
// CHECK-SAME: faattn.mapping = "wgmma"
// CHECK-SAME: faattn.tma_swizzle = array<i64: 64, 64, 64, 64>
// The factor, uniform over the tile, is read once after the KV loops, guarded by the tile's
// first row alone (a `rows` tile_score: seq_kv, even 0, does not bound its columns).
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: vector.broadcast %[[ONE]] : f32 to vector<32xf32>
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: arith.index_cast
// CHECK-NEXT: %[[IN:.*]] = arith.cmpi slt, %{{.*}}, %{{.*}} : i32
// CHECK-NEXT: %{{.*}}:3 = scf.if %[[IN]] -> (index, index, f32) {
// CHECK-NEXT: arith.index_cast
// CHECK-NEXT: arith.index_cast
// CHECK-NEXT: memref.load %[[OS]][
// CHECK: %[[Q:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK-NEXT: %[[X:.*]] = arith.divf %[[Q]], %{{.*}} : f32
// CHECK-NEXT: %[[HI:.*]] = arith.constant 4.480000e+02 : f32
// CHECK-NEXT: %[[A:.*]] = arith.minimumf %[[X]], %[[HI]] : f32
// CHECK-NEXT: %[[LO:.*]] = arith.constant -4.480000e+02 : f32
// CHECK-NEXT: %[[B:.*]] = arith.maximumf %[[A]], %[[LO]] : f32
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[PAIR:.*]] = nvvm.convert.f32x2.to.f8x2 %[[ZERO]], %[[B]] {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : i16(f8E4M3FN)
// CHECK-NEXT: %[[BYTE:.*]] = arith.trunci %[[PAIR]] : i16 to i8
// CHECK-NEXT: %[[E:.*]] = arith.bitcast %[[BYTE]] : i8 to f8E4M3FN
// CHECK-COUNT-31: nvvm.convert.f32x2.to.f8x2
// CHECK-NOT: nvvm.convert.f32x2.to.f8x2
// CHECK: memref.store %{{.*}}, %[[OUT]][{{.*}}] : memref<?x?x4x64xf8E4M3FN>
// CHECK-NOT: nvvm.cp.async.bulk.tensor.global.shared.cta
// CHECK: gpu.return

module {
  func.func @o8(%arg0: memref<?x?x4x64xf8E4M3FN>, %arg1: memref<?x?x2x64xf8E4M3FN>, %arg2: memref<?x?x2x64xf8E4M3FN>, %arg3: memref<?x?x4x64xf8E4M3FN>, %arg4: memref<?x4xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.spec_hash = "1ba094a9cd02867178b15638c49e66d9c86487961f4c04effa7d0575c0850342", faattn.target = "sm_90a"} {
    %c0 = arith.constant 0 : index
    %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xf8E4M3FN>
    %c1 = arith.constant 1 : index
    %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xf8E4M3FN>
    %c1_1 = arith.constant 1 : index
    %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xf8E4M3FN>
    %c128 = arith.constant 128 : index
    %0 = arith.ceildivui %dim_0, %c128 : index
    %c128_3 = arith.constant 128 : index
    %1 = arith.ceildivui %dim_2, %c128_3 : index
    %2 = arith.index_cast %dim_0 : index to i32
    %3 = arith.index_cast %dim_2 : index to i32
    scf.forall (%arg5, %arg6, %arg7) in (%dim, 4, %0) {
      %c2 = arith.constant 2 : index
      %4 = arith.divui %arg6, %c2 : index
      %c128_4 = arith.constant 128 : index
      %5 = arith.muli %arg7, %c128_4 : index
      %6 = arith.index_cast %arg5 : index to i32
      %7 = arith.index_cast %arg6 : index to i32
      %8 = arith.index_cast %5 : index to i32
      %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x4x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>
      %10 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %c0_5 = arith.constant 0 : index
      %c1_6 = arith.constant 1 : index
      %13 = arith.index_cast %c0_5 : index to i64
      %14 = arith.index_cast %1 : index to i64
      %15 = arith.extsi %2 : i32 to i64
      %16 = arith.extsi %3 : i32 to i64
      %c128_i64 = arith.constant 128 : i64
      %c128_i64_7 = arith.constant 128 : i64
      %c1_i64 = arith.constant 1 : i64
      %17 = arith.divsi %16, %c128_i64 : i64
      %18 = arith.minsi %17, %14 : i64
      %19 = arith.maxsi %18, %13 : i64
      %20 = arith.index_cast %13 : i64 to index
      %21 = arith.index_cast %13 : i64 to index
      %22 = arith.index_cast %19 : i64 to index
      %23:3 = scf.for %arg8 = %20 to %21 step %c1_6 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
        %c128_9 = arith.constant 128 : index
        %31 = arith.muli %arg8, %c128_9 : index
        %32 = arith.index_cast %31 : index to i32
        %33 = faattn.tile_load %arg1[%arg5, %4, %31] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %34 = faattn.tile_dot %9, %33 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %35 = faattn.tile_mask %34 at[%6, %7, %8, %32] seq[%2, %3] params(%arg4 : memref<?x4xf32>) : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %36 = faattn.tile_load %arg2[%arg5, %4, %31] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %37 = faattn.tile_reduce <max> %35 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %38 = faattn.tile_map %arg10, %37 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32):
          %46 = arith.maximumf %arg12, %arg13 : f32
          faattn.yield %46 : f32
        }
        %39 = faattn.tile_map %38 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32):
          %cst = arith.constant 0xFF800000 : f32
          %46 = arith.cmpf oeq, %arg12, %cst : f32
          %cst_10 = arith.constant 0.180336878 : f32
          %47 = arith.mulf %arg12, %cst_10 : f32
          %cst_11 = arith.constant 0.000000e+00 : f32
          %48 = arith.select %46, %cst_11, %47 : f32
          faattn.yield %48 : f32
        }
        %40 = faattn.tile_map %35, %39 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32):
          %46 = arith.negf %arg13 : f32
          %cst = arith.constant 0.180336878 : f32
          %47 = math.fma %arg12, %cst, %46 : f32
          %48 = math.exp2 %47 : f32
          faattn.yield %48 : f32
        }
        %41 = faattn.tile_map %arg10, %38 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32):
          %cst = arith.constant 0xFF800000 : f32
          %46 = arith.cmpf oeq, %arg12, %cst : f32
          %47 = arith.subf %arg12, %arg13 : f32
          %cst_10 = arith.constant 0.180336878 : f32
          %48 = arith.mulf %47, %cst_10 : f32
          %cst_11 = arith.constant 0.000000e+00 : f32
          %49 = math.exp2 %48 : f32
          %50 = arith.select %46, %cst_11, %49 : f32
          faattn.yield %50 : f32
        }
        %42 = faattn.tile_reduce <sum> %40 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %43 = faattn.tile_map %arg11, %41, %42 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
          %46 = math.fma %arg12, %arg13, %arg14 : f32
          faattn.yield %46 : f32
        }
        %44 = faattn.tile_dot %40, %36 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %45 = faattn.tile_map %arg9, %41, %44 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
          %46 = math.fma %arg12, %arg13, %arg14 : f32
          faattn.yield %46 : f32
        }
        scf.yield %45, %38, %43 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      } {faattn.kv_loop = "masked"}
      %24:3 = scf.for %arg8 = %21 to %22 step %c1_6 iter_args(%arg9 = %23#0, %arg10 = %23#1, %arg11 = %23#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
        %c128_9 = arith.constant 128 : index
        %31 = arith.muli %arg8, %c128_9 : index
        %32 = arith.index_cast %31 : index to i32
        %33 = faattn.tile_load %arg1[%arg5, %4, %31] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %34 = faattn.tile_dot %9, %33 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %35 = faattn.tile_load %arg2[%arg5, %4, %31] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %36 = faattn.tile_reduce <max> %34 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %37 = faattn.tile_map %arg10, %36 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32):
          %45 = arith.maximumf %arg12, %arg13 : f32
          faattn.yield %45 : f32
        }
        %38 = faattn.tile_map %37 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32):
          %cst = arith.constant 0xFF800000 : f32
          %45 = arith.cmpf oeq, %arg12, %cst : f32
          %cst_10 = arith.constant 0.180336878 : f32
          %46 = arith.mulf %arg12, %cst_10 : f32
          %cst_11 = arith.constant 0.000000e+00 : f32
          %47 = arith.select %45, %cst_11, %46 : f32
          faattn.yield %47 : f32
        }
        %39 = faattn.tile_map %34, %38 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32):
          %45 = arith.negf %arg13 : f32
          %cst = arith.constant 0.180336878 : f32
          %46 = math.fma %arg12, %cst, %45 : f32
          %47 = math.exp2 %46 : f32
          faattn.yield %47 : f32
        }
        %40 = faattn.tile_map %arg10, %37 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32):
          %cst = arith.constant 0xFF800000 : f32
          %45 = arith.cmpf oeq, %arg12, %cst : f32
          %46 = arith.subf %arg12, %arg13 : f32
          %cst_10 = arith.constant 0.180336878 : f32
          %47 = arith.mulf %46, %cst_10 : f32
          %cst_11 = arith.constant 0.000000e+00 : f32
          %48 = math.exp2 %47 : f32
          %49 = arith.select %45, %cst_11, %48 : f32
          faattn.yield %49 : f32
        }
        %41 = faattn.tile_reduce <sum> %39 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %42 = faattn.tile_map %arg11, %40, %41 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
          %45 = math.fma %arg12, %arg13, %arg14 : f32
          faattn.yield %45 : f32
        }
        %43 = faattn.tile_dot %39, %35 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %44 = faattn.tile_map %arg9, %40, %43 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
          %45 = math.fma %arg12, %arg13, %arg14 : f32
          faattn.yield %45 : f32
        }
        scf.yield %44, %37, %42 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      } {faattn.kv_loop = "full"}
      %25:3 = scf.for %arg8 = %22 to %1 step %c1_6 iter_args(%arg9 = %24#0, %arg10 = %24#1, %arg11 = %24#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
        %c128_9 = arith.constant 128 : index
        %31 = arith.muli %arg8, %c128_9 : index
        %32 = arith.index_cast %31 : index to i32
        %33 = faattn.tile_load %arg1[%arg5, %4, %31] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %34 = faattn.tile_dot %9, %33 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %35 = faattn.tile_mask %34 at[%6, %7, %8, %32] seq[%2, %3] params(%arg4 : memref<?x4xf32>) : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %36 = faattn.tile_load %arg2[%arg5, %4, %31] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %37 = faattn.tile_reduce <max> %35 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %38 = faattn.tile_map %arg10, %37 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32):
          %46 = arith.maximumf %arg12, %arg13 : f32
          faattn.yield %46 : f32
        }
        %39 = faattn.tile_map %38 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32):
          %cst = arith.constant 0xFF800000 : f32
          %46 = arith.cmpf oeq, %arg12, %cst : f32
          %cst_10 = arith.constant 0.180336878 : f32
          %47 = arith.mulf %arg12, %cst_10 : f32
          %cst_11 = arith.constant 0.000000e+00 : f32
          %48 = arith.select %46, %cst_11, %47 : f32
          faattn.yield %48 : f32
        }
        %40 = faattn.tile_map %35, %39 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32):
          %46 = arith.negf %arg13 : f32
          %cst = arith.constant 0.180336878 : f32
          %47 = math.fma %arg12, %cst, %46 : f32
          %48 = math.exp2 %47 : f32
          faattn.yield %48 : f32
        }
        %41 = faattn.tile_map %arg10, %38 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32):
          %cst = arith.constant 0xFF800000 : f32
          %46 = arith.cmpf oeq, %arg12, %cst : f32
          %47 = arith.subf %arg12, %arg13 : f32
          %cst_10 = arith.constant 0.180336878 : f32
          %48 = arith.mulf %47, %cst_10 : f32
          %cst_11 = arith.constant 0.000000e+00 : f32
          %49 = math.exp2 %48 : f32
          %50 = arith.select %46, %cst_11, %49 : f32
          faattn.yield %50 : f32
        }
        %42 = faattn.tile_reduce <sum> %40 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %43 = faattn.tile_map %arg11, %41, %42 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
          %46 = math.fma %arg12, %arg13, %arg14 : f32
          faattn.yield %46 : f32
        }
        %44 = faattn.tile_dot %40, %36 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %45 = faattn.tile_map %arg9, %41, %44 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg12: f32, %arg13: f32, %arg14: f32):
          %46 = math.fma %arg12, %arg13, %arg14 : f32
          faattn.yield %46 : f32
        }
        scf.yield %45, %38, %43 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      } {faattn.kv_loop = "masked"}
      %26 = faattn.tile_splat 1.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %c0_8 = arith.constant 0 : index
      %27 = arith.index_cast %c0_8 : index to i32
      %28 = faattn.tile_score %26 at[%6, %7, %8, %27] seq[%2, %3] params(%arg4 : memref<?x4xf32>) {rows, scale = 1.000000e+00 : f32} : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg8: memref<?x4xf32>):
        %31 = arith.index_cast %b : i32 to index
        %32 = arith.index_cast %h : i32 to index
        %33 = memref.load %arg8[%31, %32] : memref<?x4xf32>
        faattn.yield %33 : f32
      }
      %29 = faattn.tile_map %25#0, %25#2, %28 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>> {
      ^bb0(%arg8: f32, %arg9: f32, %arg10: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %31 = arith.cmpf oeq, %arg9, %cst : f32
        %32 = arith.divf %arg8, %arg9 : f32
        %cst_9 = arith.constant 0.000000e+00 : f32
        %33 = arith.select %31, %cst_9, %32 : f32
        %34 = arith.divf %33, %arg10 : f32
        %cst_10 = arith.constant 4.480000e+02 : f32
        %35 = arith.minimumf %34, %cst_10 : f32
        %cst_11 = arith.constant -4.480000e+02 : f32
        %36 = arith.maximumf %35, %cst_11 : f32
        %37 = arith.truncf %36 : f32 to f8E4M3FN
        faattn.yield %37 : f8E4M3FN
      }
      %30 = faattn.tile_map %25#1, %25#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg8: f32, %arg9: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %31 = arith.cmpf oeq, %arg9, %cst : f32
        %cst_9 = arith.constant 0.180336878 : f32
        %32 = math.log2 %arg9 : f32
        %33 = math.fma %arg8, %cst_9, %32 : f32
        %cst_10 = arith.constant 0.693147182 : f32
        %34 = arith.mulf %33, %cst_10 : f32
        %cst_11 = arith.constant 0xFF800000 : f32
        %35 = arith.select %31, %cst_11, %34 : f32
        faattn.yield %35 : f32
      }
      faattn.tile_store %29, %arg3[%arg5, %arg6, %5] <bshd> : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, memref<?x?x4x64xf8E4M3FN>
    } {faattn.block_counts = {empty = 0 : i64, full = 1024 : i64, partial = 0 : i64}, faattn.grid}
    return
  }
}
