// RUN: faattn-opt %s -split-input-file -faattn-overlap-softmax -verify-diagnostics

// A KV loop the pass cannot rotate is an error naming why (faattn-online-softmax's loops
// have one P V product, V loaded for it alone, O updated by fma(O, alpha, P V)).

func.func @no_pv(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  // expected-error @+1 {{faattn-overlap-softmax: no P V product}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (!faattn.tile<64x64xf32>) {
    scf.yield %a : !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}

// -----

func.func @v_not_loaded(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  %p = faattn.tile_splat 0.0 : <64x32xbf16>
  %v = faattn.tile_splat 0.0 : <32x64xbf16>
  // expected-error @+1 {{faattn-overlap-softmax: V is not a block loaded in the loop for P V only}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (!faattn.tile<64x64xf32>) {
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    scf.yield %pv : !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}

// -----

func.func @not_fma(%vmem: memref<?x?x2x64xbf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  %p = faattn.tile_splat 0.0 : <64x32xbf16>
  // expected-error @+1 {{faattn-overlap-softmax: O's update is not fma(O, alpha, P V) yielded as is}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (!faattn.tile<64x64xf32>) {
    %v = faattn.tile_load %vmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    %sum = faattn.tile_map %a, %pv : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
    ^bb0(%x: f32, %y: f32):
      %s = arith.addf %x, %y : f32
      faattn.yield %s : f32
    }
    scf.yield %sum : !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}

// -----

func.func @two_pv(%vmem: memref<?x?x2x64xbf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  %p = faattn.tile_splat 0.0 : <64x32xbf16>
  // expected-error @+1 {{faattn-overlap-softmax: more than one P V product}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (!faattn.tile<64x64xf32>) {
    %v = faattn.tile_load %vmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    %pv2 = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    scf.yield %pv2 : !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}

// -----

// P computed outside the loop: it could not be carried as this block's.
func.func @p_outside(%vmem: memref<?x?x2x64xbf16>, %kmem: memref<?x?x2x64xbf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  %p = faattn.tile_splat 0.0 : <64x32xbf16>
  %q = faattn.tile_splat 0.0 : <64x64xbf16>
  %alpha = faattn.tile_splat 1.0 : <64x1xf32>
  // expected-error @+1 {{faattn-overlap-softmax: P or alpha is not computed in the loop}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (!faattn.tile<64x64xf32>) {
    %k = faattn.tile_load %kmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %s = faattn.tile_dot %q, %k {transpose_rhs} : <64x64xbf16>, <32x64xbf16> -> <64x32xf32>
    %v = faattn.tile_load %vmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    %u = faattn.tile_map %a, %alpha, %pv : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
    ^bb0(%x: f32, %y: f32, %z: f32):
      %f = math.fma %x, %y, %z : f32
      faattn.yield %f : f32
    }
    scf.yield %u : !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}

// -----

// V's row from a carried value: block j - 1's row could not be recomputed in iteration j.
func.func @v_row_carried(%vmem: memref<?x?x2x64xbf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  // expected-error @+1 {{faattn-overlap-softmax: V's position depends on a carried value}}
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o, %row = %c0) -> (!faattn.tile<64x64xf32>, index) {
    %p = faattn.tile_splat 0.0 : <64x32xbf16>
    %alpha = faattn.tile_splat 1.0 : <64x1xf32>
    %v = faattn.tile_load %vmem[%c0, %c0, %row] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    %u = faattn.tile_map %a, %alpha, %pv : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
    ^bb0(%x: f32, %y: f32, %z: f32):
      %f = math.fma %x, %y, %z : f32
      faattn.yield %f : f32
    }
    %next = arith.addi %row, %c1 : index
    scf.yield %u, %next : !faattn.tile<64x64xf32>, index
  } {faattn.kv_loop = "full"}
  return
}

// -----

func.func @no_qk(%vmem: memref<?x?x2x64xbf16>, %kmem: memref<?x?x2x64xbf16>, %rows: memref<?xindex>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  %q = faattn.tile_splat 0.0 : <64x64xbf16>
  // expected-error @+1 {{faattn-overlap-softmax: no Q K^T product before P V}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (!faattn.tile<64x64xf32>) {
    %p = faattn.tile_splat 0.0 : <64x32xbf16>
    %alpha = faattn.tile_splat 1.0 : <64x1xf32>
    %v = faattn.tile_load %vmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    %u = faattn.tile_map %a, %alpha, %pv : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
    ^bb0(%x: f32, %y: f32, %z: f32):
      %f = math.fma %x, %y, %z : f32
      faattn.yield %f : f32
    }
    scf.yield %u : !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}

// -----

func.func @step_two(%vmem: memref<?x?x2x64xbf16>, %kmem: memref<?x?x2x64xbf16>, %rows: memref<?xindex>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  %q = faattn.tile_splat 0.0 : <64x64xbf16>
  // expected-error @+1 {{faattn-overlap-softmax: the loop's step is not 1}}
  %r = scf.for %i = %c0 to %n step %c2 iter_args(%a = %o) -> (!faattn.tile<64x64xf32>) {
    %p = faattn.tile_splat 0.0 : <64x32xbf16>
    %alpha = faattn.tile_splat 1.0 : <64x1xf32>
    %k = faattn.tile_load %kmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %s = faattn.tile_dot %q, %k {transpose_rhs} : <64x64xbf16>, <32x64xbf16> -> <64x32xf32>
    %v = faattn.tile_load %vmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    %u = faattn.tile_map %a, %alpha, %pv : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
    ^bb0(%x: f32, %y: f32, %z: f32):
      %f = math.fma %x, %y, %z : f32
      faattn.yield %f : f32
    }
    scf.yield %u : !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}

// -----

func.func @o_not_carried(%vmem: memref<?x?x2x64xbf16>, %kmem: memref<?x?x2x64xbf16>, %rows: memref<?xindex>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  %q = faattn.tile_splat 0.0 : <64x64xbf16>
  // expected-error @+1 {{faattn-overlap-softmax: O's update does not read the carried O}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (!faattn.tile<64x64xf32>) {
    %p = faattn.tile_splat 0.0 : <64x32xbf16>
    %alpha = faattn.tile_splat 1.0 : <64x1xf32>
    %k = faattn.tile_load %kmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %s = faattn.tile_dot %q, %k {transpose_rhs} : <64x64xbf16>, <32x64xbf16> -> <64x32xf32>
    %v = faattn.tile_load %vmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    %u = faattn.tile_map %o, %alpha, %pv : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
    ^bb0(%x: f32, %y: f32, %z: f32):
      %f = math.fma %x, %y, %z : f32
      faattn.yield %f : f32
    }
    scf.yield %u : !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}

// -----

func.func @o_read_elsewhere(%vmem: memref<?x?x2x64xbf16>, %kmem: memref<?x?x2x64xbf16>, %rows: memref<?xindex>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  %q = faattn.tile_splat 0.0 : <64x64xbf16>
  // expected-error @+1 {{faattn-overlap-softmax: the carried O is read or yielded elsewhere}}
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o, %b = %o) -> (!faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>) {
    %p = faattn.tile_splat 0.0 : <64x32xbf16>
    %alpha = faattn.tile_splat 1.0 : <64x1xf32>
    %k = faattn.tile_load %kmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %s = faattn.tile_dot %q, %k {transpose_rhs} : <64x64xbf16>, <32x64xbf16> -> <64x32xf32>
    %v = faattn.tile_load %vmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    %u = faattn.tile_map %a, %alpha, %pv : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
    ^bb0(%x: f32, %y: f32, %z: f32):
      %f = math.fma %x, %y, %z : f32
      faattn.yield %f : f32
    }
    scf.yield %u, %a : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}

// -----

func.func @row_from_memory(%vmem: memref<?x?x2x64xbf16>, %kmem: memref<?x?x2x64xbf16>, %rows: memref<?xindex>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  %q = faattn.tile_splat 0.0 : <64x64xbf16>
  // expected-error @+1 {{faattn-overlap-softmax: V's position is computed by an op with side effects or regions}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o) -> (!faattn.tile<64x64xf32>) {
    %p = faattn.tile_splat 0.0 : <64x32xbf16>
    %alpha = faattn.tile_splat 1.0 : <64x1xf32>
    %k = faattn.tile_load %kmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %s = faattn.tile_dot %q, %k {transpose_rhs} : <64x64xbf16>, <32x64xbf16> -> <64x32xf32>
    %row = memref.load %rows[%i] : memref<?xindex>
    %v = faattn.tile_load %vmem[%c0, %c0, %row] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    %u = faattn.tile_map %a, %alpha, %pv : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x64xf32> -> <64x64xf32> {
    ^bb0(%x: f32, %y: f32, %z: f32):
      %f = math.fma %x, %y, %z : f32
      faattn.yield %f : f32
    }
    scf.yield %u : !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}

// -----

func.func @pv_two_uses(%vmem: memref<?x?x2x64xbf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %o = faattn.tile_splat 0.0 : <64x64xf32>
  // expected-error @+1 {{faattn-overlap-softmax: P V has more than one use}}
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%a = %o, %b = %o) -> (!faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>) {
    %p = faattn.tile_splat 0.0 : <64x32xbf16>
    %v = faattn.tile_load %vmem[%c0, %c0, %i] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
    %pv = faattn.tile_dot %p, %v : <64x32xbf16>, <32x64xbf16> -> <64x64xf32>
    scf.yield %pv, %pv : !faattn.tile<64x64xf32>, !faattn.tile<64x64xf32>
  } {faattn.kv_loop = "full"}
  return
}
