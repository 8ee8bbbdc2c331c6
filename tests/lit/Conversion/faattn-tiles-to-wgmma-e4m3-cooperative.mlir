// faattn-tiles-to-wgmma with e4m3 under schedule = cooperative, on the algorithm pipeline's output
// (faattn-compile --emit=mlir --stop-after=faattn-overlap-softmax) for
//   kernel f8_coop { heads = 4 : 2; head_dim = 64; dtype = e4m3; schedule = cooperative; target = sm_90a }
// V's stages are transposed by the producer warpgroup (FA3's in-kernel V transpose), not by the
// consumers: its thread 0 issues the ring's loads, its warps 1-3 wait for each block's V full,
// transpose the stage into the K-major tile P V reads, fence the writes to the async proxy and
// arrive (one arrival a warp) on the stage's `transposed` barrier; the consumers wait for that
// barrier instead of V full, with no transposition and no barrier among themselves in the loop,
// and free the stage (empty) after P V. templates/hopper/Cooperative.cpp states the protocol.
// RUN: faattn-opt %s -faattn-tiles-to-wgmma='e4m3=true' | FileCheck %s
// RUN: faattn-opt %s -faattn-tiles-to-wgmma='e4m3=true row-partials=4' > %t.p4
// RUN: grep -m1 -B9 -A150 arith.maximumf %t.p4 | FileCheck %s --check-prefix=PARTS
// RUN: faattn-opt %s -faattn-tiles-to-wgmma='e4m3=true row-partials=3' > %t.p3
// RUN: faattn-opt %s -faattn-tiles-to-wgmma='e4m3=true row-partials=8' > %t.p8
// RUN: grep -m1 -B200 gpu.shuffle %t.p4 | grep -c arith.maximumf | FileCheck %s --check-prefix=COMBINES
// RUN: grep -m1 -B200 gpu.shuffle %t.p3 | grep -c arith.maximumf | FileCheck %s --check-prefix=COMBINES
// RUN: grep -m1 -B200 gpu.shuffle %t.p8 | grep -c arith.maximumf | FileCheck %s --check-prefix=COMBINES
// RUN: not faattn-opt %s -faattn-tiles-to-wgmma='e4m3=true row-partials=9' 2>&1 | FileCheck %s --check-prefix=BADPARTS
// RUN: not faattn-opt %s -faattn-tiles-to-wgmma='e4m3=true row-partials=0' 2>&1 | FileCheck %s --check-prefix=BADPARTS0

// row-partials=4 (experimental, PERFORMANCE step 79): the row maximum of S's 64 fragments a
// thread (rows 0 and 1: elements i with (i % 4) / 2 = 0 or 1) as 4 independent chains a row,
// taken in element order so the two rows' chains interleave: element 8 (row 0's fifth) joins
// element 0's chain, 9 joins 1's, 10 (row 1's fifth) joins 2's; then each row's 4 chains as a
// tree, then the quad's shuffles of both rows, offset 1 then 2. (Without the option: one chain
// a row, row 0's shuffles before row 1's chain.)
// (grep: from the 9 lines before the kernel's first maximumf, the row maximum's first extracts.)
// PARTS: %[[E0:.*]] = vector.extract %[[S:.*]][0] : f32 from vector<64xf32>
// PARTS-NEXT: %[[E1:.*]] = vector.extract %[[S]][1] : f32 from vector<64xf32>
// PARTS-NEXT: %[[E2:.*]] = vector.extract %[[S]][2] : f32 from vector<64xf32>
// PARTS-COUNT-5: vector.extract %[[S]]
// PARTS-NEXT: %[[E8:.*]] = vector.extract %[[S]][8] : f32 from vector<64xf32>
// PARTS-NEXT: %[[C0:.*]] = arith.maximumf %[[E0]], %[[E8]] : f32
// PARTS-NEXT: %[[E9:.*]] = vector.extract %[[S]][9] : f32 from vector<64xf32>
// PARTS-NEXT: arith.maximumf %[[E1]], %[[E9]] : f32
// PARTS-NEXT: %[[E10:.*]] = vector.extract %[[S]][10] : f32 from vector<64xf32>
// PARTS-NEXT: arith.maximumf %[[E2]], %[[E10]] : f32
// PARTS-COUNT-53: arith.maximumf
// PARTS-NEXT: %[[T0:.*]] = arith.maximumf %{{.*}}, %{{.*}} : f32
// PARTS-NEXT: %[[T1:.*]] = arith.maximumf %{{.*}}, %{{.*}} : f32
// PARTS-NEXT: %[[ROW0:.*]] = arith.maximumf %[[T0]], %[[T1]] : f32
// PARTS-NEXT: %[[T2:.*]] = arith.maximumf %{{.*}}, %{{.*}} : f32
// PARTS-NEXT: %[[T3:.*]] = arith.maximumf %{{.*}}, %{{.*}} : f32
// PARTS-NEXT: %[[ROW1:.*]] = arith.maximumf %[[T2]], %[[T3]] : f32
// PARTS-NOT: arith.maximumf
// PARTS: gpu.shuffle  xor %[[ROW0]], %c1_i32
// PARTS: %[[M0:.*]] = arith.maximumf %[[ROW0]]
// PARTS: gpu.shuffle  xor %[[ROW1]], %c1_i32
// PARTS: %[[M1:.*]] = arith.maximumf %[[ROW1]]
// PARTS: gpu.shuffle  xor %[[M0]], %c2_i32
// PARTS: gpu.shuffle  xor %[[M1]], %c2_i32
// Every element combined once whatever the partials: 2 x 31 maxima before the kernel's first
// shuffle (the kernel's first maxima are this reduction's) at 4, 3 (32 elements a row in chains
// of 11, 11 and 10, the odd chain carried through the tree) and 8 partials (chains of 4).
// COMBINES: {{^}}62{{$}}
// BADPARTS: error: faattn-tiles-to-wgmma: row-partials must be 1 to 8, not 9
// BADPARTS0: error: faattn-tiles-to-wgmma: row-partials must be 1 to 8, not 0

// Shared memory: the inline-producer kernel's 74808 bytes (faattn-tiles-to-wgmma-e4m3.mlir)
// and two more mbarriers, `transposed` of each stage: 74824. The mbarriers from 73728: Q full,
// K full 73736 + 8 s, V full 73752 + 8 s, empty 73768 + 8 s, transposed 73784 + 8 s.
// CHECK-LABEL: gpu.func @f8_coop(
// CHECK-SAME: faattn.dynamic_shared_bytes = 74824 : i64
// CHECK-SAME: faattn.schedule = "cooperative"
// CHECK-SAME: faattn.threads = 384 : i64
// CHECK-SAME: nvvm.minctasm = 1 : i32
// empty counts the 8 consumer warps, transposed the 3 transposing warps.
// CHECK:       nvvm.mbarrier.init %{{.*}}, %c8_i32
// CHECK:       nvvm.mbarrier.init %{{.*}}, %c8_i32
// CHECK:       nvvm.mbarrier.init %{{.*}}, %c3_i32
// CHECK:       nvvm.mbarrier.init %{{.*}}, %c3_i32
// CHECK-NEXT:  nvvm.fence.mbarrier.init
// The producer warpgroup keeps 56 registers (40 spilled in the transposition); thread 0 loads.
// CHECK:       %[[ISP:.*]] = arith.cmpi ult, %thread_id_x, %c128{{.*}} : index
// CHECK:       scf.if %[[ISP]] {
// CHECK-NEXT:    nvvm.setmaxregister  decrease 56
// CHECK:         scf.for
// CHECK:           nvvm.cp.async.bulk.tensor.shared.cluster.global
// Warps 1-3 (threads 32-127) transpose every block the CTA loads (the lean form, the default:
// faattn-tiles-to-wgmma-e4m3.mlir's LEAN): 96 threads over 16 column groups, a thread keeps
// column group ME % 16 and steps over the 8 key groups from ME / 16 by 6.
// CHECK:         %[[T:.*]] = arith.cmpi uge, %thread_id_x, %c32{{.*}} : index
// CHECK-NEXT:    scf.if %[[T]] {
// CHECK:           %[[ME:.*]] = arith.subi %thread_id_x, %c32{{.*}} : index
// CHECK:           scf.for %[[SEQ:.*]] = %c0{{.*}} to %{{.*}} step %c1{{.*}} {
// CHECK:             %c73752 = arith.constant 73752 : index
// CHECK:             nvvm.mbarrier.try_wait.parity
// CHECK:             %[[ACT:.*]] = arith.cmpi ult, %[[ME]], %c96{{.*}} : index
// CHECK:             %[[KGD:.*]] = arith.divui %[[ME]], %c16{{.*}} : index
// CHECK:             %[[KG0:.*]] = arith.select %[[ACT]], %[[KGD]], %c8{{.*}} : index
// CHECK:             scf.for %{{.*}} = %[[KG0]] to %c8{{.*}} step %c6{{.*}} {
// CHECK-COUNT-16:      llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr<3> -> i32
// CHECK-COUNT-32:      nvvm.prmt
// CHECK-COUNT-4:       llvm.store %{{.*}} {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<3>
// CHECK:             }
// CHECK-NEXT:        nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK:             nvvm.bar.warp.sync
// CHECK:             %c73784 = arith.constant 73784 : index
// CHECK:             scf.if
// CHECK-NEXT:          nvvm.mbarrier.arrive
// The consumers: 224 registers; per block K full, Q K^T, the softmax, then `transposed`
// (73784), never V full (73752), P V, and empty (73768) after it.
// CHECK:       } else {
// CHECK-NEXT:    nvvm.setmaxregister  increase 224
// CHECK:         scf.for
// CHECK:           %c73736 = arith.constant 73736 : index
// CHECK:           nvvm.mbarrier.try_wait.parity
// CHECK:           nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 32>, D[<f32>, <zero>], A[<e4m3>
// CHECK-NOT:       %c73752
// CHECK-NOT:       llvm.store %{{.*}} : vector<4xi32>, !llvm.ptr<3>
// CHECK-NOT:       nvvm.barrier id
// CHECK:           %c73784 = arith.constant 73784 : index
// CHECK:           nvvm.mbarrier.try_wait.parity
// CHECK-NOT:       nvvm.barrier id
// CHECK:           wgmma.mma_async.sync.aligned.m64n64k32.f32.e4m3.e4m3
// CHECK:           nvvm.wgmma.wait.group.sync.aligned 0
// CHECK-NEXT:      scf.if
// CHECK-NEXT:        %c73768 = arith.constant 73768 : index
// CHECK:             nvvm.mbarrier.arrive

module {
  func.func @f8_coop(%arg0: memref<?x?x4x64xf8E4M3FN>, %arg1: memref<?x?x2x64xf8E4M3FN>, %arg2: memref<?x?x2x64xf8E4M3FN>, %arg3: memref<?x?x4x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.schedule = "cooperative", faattn.spec_hash = "586bbc5945e88f04a200266ea6316ee118f2d7f8fe12ff76e8e757d025676d36", faattn.target = "sm_90a"} {
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
    scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
      %c2 = arith.constant 2 : index
      %4 = arith.divui %arg5, %c2 : index
      %c128_4 = arith.constant 128 : index
      %5 = arith.muli %arg6, %c128_4 : index
      %6 = arith.index_cast %arg4 : index to i32
      %7 = arith.index_cast %arg5 : index to i32
      %8 = arith.index_cast %5 : index to i32
      %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>
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
      %23:3 = scf.for %arg7 = %20 to %21 step %c1_6 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
        %c128_8 = arith.constant 128 : index
        %28 = arith.muli %arg7, %c128_8 : index
        %29 = arith.index_cast %28 : index to i32
        %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %34 = faattn.tile_reduce <max> %32 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %35 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %43 = arith.maximumf %arg11, %arg12 : f32
          faattn.yield %43 : f32
        }
        %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32):
          %cst = arith.constant 0xFF800000 : f32
          %43 = arith.cmpf oeq, %arg11, %cst : f32
          %cst_9 = arith.constant 0.180336878 : f32
          %44 = arith.mulf %arg11, %cst_9 : f32
          %cst_10 = arith.constant 0.000000e+00 : f32
          %45 = arith.select %43, %cst_10, %44 : f32
          faattn.yield %45 : f32
        }
        %37 = faattn.tile_map %32, %36 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %43 = arith.negf %arg12 : f32
          %cst = arith.constant 0.180336878 : f32
          %44 = math.fma %arg11, %cst, %43 : f32
          %45 = math.exp2 %44 : f32
          faattn.yield %45 : f32
        }
        %38 = faattn.tile_map %arg9, %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %cst = arith.constant 0xFF800000 : f32
          %43 = arith.cmpf oeq, %arg11, %cst : f32
          %44 = arith.subf %arg11, %arg12 : f32
          %cst_9 = arith.constant 0.180336878 : f32
          %45 = arith.mulf %44, %cst_9 : f32
          %cst_10 = arith.constant 0.000000e+00 : f32
          %46 = math.exp2 %45 : f32
          %47 = arith.select %43, %cst_10, %46 : f32
          faattn.yield %47 : f32
        }
        %39 = faattn.tile_reduce <sum> %37 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %43 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %43 : f32
        }
        %41 = faattn.tile_dot %37, %33 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %42 = faattn.tile_map %arg8, %38, %41 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %43 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %43 : f32
        }
        scf.yield %42, %35, %40 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      } {faattn.kv_loop = "masked"}
      %24:3 = scf.for %arg7 = %21 to %22 step %c1_6 iter_args(%arg8 = %23#0, %arg9 = %23#1, %arg10 = %23#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
        %c128_8 = arith.constant 128 : index
        %28 = arith.muli %arg7, %c128_8 : index
        %29 = arith.index_cast %28 : index to i32
        %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %32 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %33 = faattn.tile_reduce <max> %31 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %34 = faattn.tile_map %arg9, %33 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %42 = arith.maximumf %arg11, %arg12 : f32
          faattn.yield %42 : f32
        }
        %35 = faattn.tile_map %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32):
          %cst = arith.constant 0xFF800000 : f32
          %42 = arith.cmpf oeq, %arg11, %cst : f32
          %cst_9 = arith.constant 0.180336878 : f32
          %43 = arith.mulf %arg11, %cst_9 : f32
          %cst_10 = arith.constant 0.000000e+00 : f32
          %44 = arith.select %42, %cst_10, %43 : f32
          faattn.yield %44 : f32
        }
        %36 = faattn.tile_map %31, %35 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %42 = arith.negf %arg12 : f32
          %cst = arith.constant 0.180336878 : f32
          %43 = math.fma %arg11, %cst, %42 : f32
          %44 = math.exp2 %43 : f32
          faattn.yield %44 : f32
        }
        %37 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %cst = arith.constant 0xFF800000 : f32
          %42 = arith.cmpf oeq, %arg11, %cst : f32
          %43 = arith.subf %arg11, %arg12 : f32
          %cst_9 = arith.constant 0.180336878 : f32
          %44 = arith.mulf %43, %cst_9 : f32
          %cst_10 = arith.constant 0.000000e+00 : f32
          %45 = math.exp2 %44 : f32
          %46 = arith.select %42, %cst_10, %45 : f32
          faattn.yield %46 : f32
        }
        %38 = faattn.tile_reduce <sum> %36 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %39 = faattn.tile_map %arg10, %37, %38 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %42 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %42 : f32
        }
        %40 = faattn.tile_dot %36, %32 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %41 = faattn.tile_map %arg8, %37, %40 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %42 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %42 : f32
        }
        scf.yield %41, %34, %39 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      } {faattn.kv_loop = "full"}
      %25:3 = scf.for %arg7 = %22 to %1 step %c1_6 iter_args(%arg8 = %24#0, %arg9 = %24#1, %arg10 = %24#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
        %c128_8 = arith.constant 128 : index
        %28 = arith.muli %arg7, %c128_8 : index
        %29 = arith.index_cast %28 : index to i32
        %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
        %34 = faattn.tile_reduce <max> %32 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %35 = faattn.tile_map %arg9, %34 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %43 = arith.maximumf %arg11, %arg12 : f32
          faattn.yield %43 : f32
        }
        %36 = faattn.tile_map %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32):
          %cst = arith.constant 0xFF800000 : f32
          %43 = arith.cmpf oeq, %arg11, %cst : f32
          %cst_9 = arith.constant 0.180336878 : f32
          %44 = arith.mulf %arg11, %cst_9 : f32
          %cst_10 = arith.constant 0.000000e+00 : f32
          %45 = arith.select %43, %cst_10, %44 : f32
          faattn.yield %45 : f32
        }
        %37 = faattn.tile_map %32, %36 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %43 = arith.negf %arg12 : f32
          %cst = arith.constant 0.180336878 : f32
          %44 = math.fma %arg11, %cst, %43 : f32
          %45 = math.exp2 %44 : f32
          faattn.yield %45 : f32
        }
        %38 = faattn.tile_map %arg9, %35 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %cst = arith.constant 0xFF800000 : f32
          %43 = arith.cmpf oeq, %arg11, %cst : f32
          %44 = arith.subf %arg11, %arg12 : f32
          %cst_9 = arith.constant 0.180336878 : f32
          %45 = arith.mulf %44, %cst_9 : f32
          %cst_10 = arith.constant 0.000000e+00 : f32
          %46 = math.exp2 %45 : f32
          %47 = arith.select %43, %cst_10, %46 : f32
          faattn.yield %47 : f32
        }
        %39 = faattn.tile_reduce <sum> %37 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %43 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %43 : f32
        }
        %41 = faattn.tile_dot %37, %33 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %42 = faattn.tile_map %arg8, %38, %41 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %43 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %43 : f32
        }
        scf.yield %42, %35, %40 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      } {faattn.kv_loop = "masked"}
      %26 = faattn.tile_map %25#0, %25#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
      ^bb0(%arg7: f32, %arg8: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %28 = arith.cmpf oeq, %arg8, %cst : f32
        %29 = arith.divf %arg7, %arg8 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %30 = arith.select %28, %cst_8, %29 : f32
        %31 = arith.truncf %30 : f32 to bf16
        faattn.yield %31 : bf16
      }
      %27 = faattn.tile_map %25#1, %25#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg7: f32, %arg8: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %28 = arith.cmpf oeq, %arg8, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %29 = math.log2 %arg8 : f32
        %30 = math.fma %arg7, %cst_8, %29 : f32
        %cst_9 = arith.constant 0.693147182 : f32
        %31 = arith.mulf %30, %cst_9 : f32
        %cst_10 = arith.constant 0xFF800000 : f32
        %32 = arith.select %28, %cst_10, %31 : f32
        faattn.yield %32 : f32
      }
      faattn.tile_store %26, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
    } {faattn.block_counts = {empty = 0 : i64, full = 1024 : i64, partial = 0 : i64}, faattn.grid}
    return
  }
}
