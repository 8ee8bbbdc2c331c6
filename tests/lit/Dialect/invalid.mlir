// RUN: faattn-opt %s -split-input-file -verify-diagnostics

func.func @kv_heads_not_dividing(%q: memref<?x?x6x64xf16>, %k: memref<?x?x4x64xf16>, %v: memref<?x?x4x64xf16>, %o: memref<?x?x6x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op num_heads (6) must be a multiple of num_kv_heads (4)}}
  faattn.attention q(%q : memref<?x?x6x64xf16>) k(%k : memref<?x?x4x64xf16>) v(%v : memref<?x?x4x64xf16>) out(%o : memref<?x?x6x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 6 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @zero_heads(%q: memref<?x?x4x64xf16>, %o: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op attribute 'num_kv_heads' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%o : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 0 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @rank(%q: memref<?x4x64xf16>, %k: memref<?x?x4x64xf16>, %o: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'q' must be a 4-D memref, got 'memref<?x4x64xf16>'}}
  faattn.attention q(%q : memref<?x4x64xf16>) k(%k : memref<?x?x4x64xf16>) v(%k : memref<?x?x4x64xf16>) out(%o : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @dynamic_head_dim(%q: memref<?x?x4x?xf16>, %k: memref<?x?x4x64xf16>, %o: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'q' must have a static head dimension}}
  faattn.attention q(%q : memref<?x?x4x?xf16>) k(%k : memref<?x?x4x64xf16>) v(%k : memref<?x?x4x64xf16>) out(%o : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @wrong_heads(%q: memref<?x?x4x64xf16>, %k: memref<?x?x2x64xf16>, %o: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'k' has 2 heads, expected 4}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%k : memref<?x?x2x64xf16>) v(%k : memref<?x?x2x64xf16>) out(%o : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @int_elements(%q: memref<?x?x4x64xi8>, %o: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'q' must have a float element type}}
  faattn.attention q(%q : memref<?x?x4x64xi8>) k(%q : memref<?x?x4x64xi8>) v(%q : memref<?x?x4x64xi8>) out(%o : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @mixed_inputs(%q: memref<?x?x4x64xf16>, %k: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'q', 'k' and 'v' must have the same element type, or 'k' and 'v' e4m3 under an f16 or bf16 'q'}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%k : memref<?x?x4x64xbf16>) v(%k : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @qk_dims(%q: memref<?x?x4x64xf16>, %k: memref<?x?x4x128xf16>, %o: memref<?x?x4x128xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'q' and 'k' head dims differ: 64 vs 128}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%k : memref<?x?x4x128xf16>) v(%k : memref<?x?x4x128xf16>) out(%o : memref<?x?x4x128xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @v_out_dims(%q: memref<?x?x4x64xf16>, %o: memref<?x?x4x128xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'v' and 'out' head dims differ: 64 vs 128}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%o : memref<?x?x4x128xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @lse_type(%q: memref<?x?x4x64xf16>, %lse: memref<?x4xf32>) {
  // expected-error @+1 {{'faattn.attention' op 'lse' must be a 3-D f32 memref (batch, heads, seq_q), got 'memref<?x4xf32>'}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) lse(%lse : memref<?x4xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @page(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op paged_kv_page must be positive}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<decode>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, paged_kv_page = 0 : i64} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @varlen_no_cu(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op needs 'cu_seqlens_q' (varlen)}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, varlen} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @varlen_no_cu_kv(%q: memref<?x?x4x64xf16>, %c: memref<?xi32>) {
  // expected-error @+1 {{'faattn.attention' op needs 'cu_seqlens_kv' (varlen without paged KV)}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) cu_seqlens_q(%c : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, varlen} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @cu_without_varlen(%q: memref<?x?x4x64xf16>, %c: memref<?xi32>) {
  // expected-error @+1 {{'faattn.attention' op has 'cu_seqlens_q', which only varlen takes}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) cu_seqlens_q(%c : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @cu_kv_with_pages(%q: memref<?x?x4x64xf16>, %c: memref<?xi32>, %t: memref<?x?xi32>) {
  // expected-error @+1 {{'faattn.attention' op has 'cu_seqlens_kv', which only varlen without paged KV takes}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) cu_seqlens_q(%c : memref<?xi32>) cu_seqlens_kv(%c : memref<?xi32>) block_table(%t : memref<?x?xi32>) seqlens_kv(%c : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, varlen, paged_kv_page = 64 : i64} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @paged_no_table(%q: memref<?x?x4x64xf16>, %c: memref<?xi32>) {
  // expected-error @+1 {{'faattn.attention' op needs 'block_table' (paged KV)}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) seqlens_kv(%c : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, paged_kv_page = 64 : i64} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @table_type(%q: memref<?x?x4x64xf16>, %c: memref<?xi32>) {
  // expected-error @+1 {{'faattn.attention' op 'block_table' must be a 2-D i32 memref, got 'memref<?xi32>'}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) block_table(%c : memref<?xi32>) seqlens_kv(%c : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, paged_kv_page = 64 : i64} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @cu_type(%q: memref<?x?x4x64xf16>, %c: memref<?xf32>, %d: memref<?xi32>) {
  // expected-error @+1 {{'faattn.attention' op 'cu_seqlens_q' must be a 1-D i32 memref, got 'memref<?xf32>'}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) cu_seqlens_q(%c : memref<?xf32>) cu_seqlens_kv(%d : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, varlen} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @score_args(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'score' region must take ('f32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32')}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @score_yield(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'score' region must yield 'f32', got 'i32'}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %qi : i32
  }
  return
}

// -----

func.func @mask_yield(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'mask' region must yield 'i1', got 'i32'}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %qi : i32
  }
  return
}

// -----

func.func @mask_params(%q: memref<?x?x4x64xf16>, %p: memref<4xf32>) {
  // expected-error @+1 {{'faattn.attention' op 'mask' region must take ('i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'memref<4xf32>')}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) params(%p : memref<4xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<4xf32>):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %t = arith.constant true
    faattn.yield %t : i1
  }
  return
}

// -----

func.func @score_terminator(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'score' region must end with faattn.yield}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    ub.unreachable
  }
  return
}

// -----

func.func @yield_outside() {
  %c = arith.constant 1.0 : f32
  // expected-error @+1 {{'faattn.yield' op expects parent op to be one of 'faattn.attention, faattn.tile_score, faattn.tile_mask, faattn.tile_map'}}
  faattn.yield %c : f32
}

// -----

// expected-error @+1 {{tile must be 2-D, got rank 3}}
func.func @tile_rank(%a: !faattn.tile<2x2x2xf32>) {
  return
}

// -----

// expected-error @+1 {{tile element type must be an integer or float, got 'index'}}
func.func @tile_elt(%a: !faattn.tile<2x2xindex>) {
  return
}

// -----

func.func @bad_tile(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op tile must be two positive sizes [block_m, block_n]}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, tile = array<i64: 128, 0>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// GQA packing: the head group is part of one KV group (4 query heads here) and of the tile's rows.
func.func @bad_head_group(%q: memref<?x?x8x64xf16>, %k: memref<?x?x2x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op head_group must divide the GQA group (4) and block_m, got 8}}
  faattn.attention q(%q : memref<?x?x8x64xf16>) k(%k : memref<?x?x2x64xf16>) v(%k : memref<?x?x2x64xf16>) out(%q : memref<?x?x8x64xf16>) attributes {head_group = 8 : i64, layout = #faattn.layout<bshd>, mode = #faattn.mode<decode>, num_heads = 8 : i64, num_kv_heads = 2 : i64, scale = 1.0 : f32, tile = array<i64: 64, 64>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @requires_grad_range(%q: memref<?x?x4x64xf16>, %p: memref<4xf32>) {
  // expected-error @+1 {{'faattn.attention' op requires_grad must list positions of params in increasing order, got 1}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) params(%p : memref<4xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0, 1>, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<4xf32>):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @requires_grad_i32(%q: memref<?x?x4x64xf16>, %p: memref<?xi32>) {
  // expected-error @+1 {{'faattn.attention' op requires_grad names param 0, which is not f32}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) params(%p : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0>, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<?xi32>):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @grad_terminator(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'grad' region must end with faattn.grad_yield}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } grad {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @grad_arguments(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op 'grad' region must take ('f32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32')}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } grad {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32):
    faattn.grad_yield %s, %s
  }
  return
}

// -----

func.func @grad_not_learnable(%q: memref<?x?x4x64xf16>, %p: memref<4xf32>) {
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) params(%p : memref<4xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<4xf32>):
    faattn.yield %s : f32
  } grad {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<4xf32>):
    %i = arith.index_cast %h : i32 to index
    // expected-error @+1 {{'faattn.grad_yield' op yields a derivative for param 0, which the op's requires_grad does not list}}
    faattn.grad_yield %s, %s params(%s -> %pp[%i] : memref<4xf32>)
  }
  return
}

// -----

func.func @grad_indices(%q: memref<?x?x4x64xf16>, %p: memref<4xf32>) {
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) params(%p : memref<4xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0>, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<4xf32>):
    faattn.yield %s : f32
  } grad {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<4xf32>):
    // expected-error @+1 {{'faattn.grad_yield' op needs one index per dimension of its params (1), got 0}}
    faattn.grad_yield %s, %s params(%s -> %pp[] : memref<4xf32>)
  }
  return
}

// -----

func.func @grad_yield_outside() {
  %c = arith.constant 1.0 : f32
  // expected-error @+1 {{'faattn.grad_yield' op expects parent op to be one of 'faattn.attention, faattn.tile_score_grad, faattn.tile_param_grad'}}
  faattn.grad_yield %c, %c
}

// -----

// The backward's gradient operands: backward ops only, all of dout, dq, dk, dv,
// with lse, shaped like out, q, k, v, one gradient per requires_grad param.
func.func @grads_on_forward(%q: memref<?x?x4x64xf16>, %lse: memref<?x4x?xf32>) {
  // expected-error @+1 {{'faattn.attention' op has gradient operands (dout, dq, dk, dv, param_grads), which only mode = backward takes}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) lse(%lse : memref<?x4x?xf32>) dout(%q : memref<?x?x4x64xf16>) dq(%q : memref<?x?x4x64xf16>) dk(%q : memref<?x?x4x64xf16>) dv(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @grads_partial(%q: memref<?x?x4x64xf16>, %lse: memref<?x4x?xf32>) {
  // expected-error @+1 {{'faattn.attention' op needs all of 'dout', 'dq', 'dk' and 'dv' (or none)}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) lse(%lse : memref<?x4x?xf32>) dout(%q : memref<?x?x4x64xf16>) dq(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @grads_without_lse(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op with gradient operands needs 'lse' (the forward's log-sum-exp)}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) dout(%q : memref<?x?x4x64xf16>) dq(%q : memref<?x?x4x64xf16>) dk(%q : memref<?x?x4x64xf16>) dv(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @dk_shape(%q: memref<?x?x4x64xf16>, %k2: memref<?x?x2x64xf16>, %lse: memref<?x4x?xf32>) {
  // expected-error @+1 {{'faattn.attention' op 'dk' must be shaped like 'k' ('memref<?x?x4x64xf16>'), got 'memref<?x?x2x64xf16>'}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) lse(%lse : memref<?x4x?xf32>) dout(%q : memref<?x?x4x64xf16>) dq(%q : memref<?x?x4x64xf16>) dk(%k2 : memref<?x?x2x64xf16>) dv(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @param_grads_count(%q: memref<?x?x4x64xf16>, %lse: memref<?x4x?xf32>, %p: memref<4xf32>) {
  // expected-error @+1 {{'faattn.attention' op needs one param gradient per requires_grad position (1), got 0}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) lse(%lse : memref<?x4x?xf32>) params(%p : memref<4xf32>) dout(%q : memref<?x?x4x64xf16>) dq(%q : memref<?x?x4x64xf16>) dk(%q : memref<?x?x4x64xf16>) dv(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0>, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<4xf32>):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @v_descale_backward(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op a 'v_descale' region is not supported with mode backward}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } v_descale {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %c = arith.constant 2.0 : f32
    faattn.yield %c : f32
  }
  return
}

// -----

func.func @v_descale_args(%q: memref<?x?x4x64xf8E4M3FN>, %o: memref<?x?x4x64xbf16>) {
  // expected-error @+1 {{'faattn.attention' op 'v_descale' region must take ('i32', 'i32', 'i32', 'i32', 'i32', 'i32')}}
  faattn.attention q(%q : memref<?x?x4x64xf8E4M3FN>) k(%q : memref<?x?x4x64xf8E4M3FN>) v(%q : memref<?x?x4x64xf8E4M3FN>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } v_descale {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @v_descale_yield(%q: memref<?x?x4x64xf8E4M3FN>, %o: memref<?x?x4x64xbf16>) {
  // expected-error @+1 {{'faattn.attention' op 'v_descale' region must yield 'f32', got 'i32'}}
  faattn.attention q(%q : memref<?x?x4x64xf8E4M3FN>) k(%q : memref<?x?x4x64xf8E4M3FN>) v(%q : memref<?x?x4x64xf8E4M3FN>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } v_descale {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %ki : i32
  }
  return
}

// -----

func.func @mixed_kv(%q: memref<?x?x4x64xbf16>, %k: memref<?x?x4x64xf8E4M3FN>, %v: memref<?x?x4x64xbf16>) {
  // expected-error @+1 {{'faattn.attention' op 'k' and 'v' must have the same element type}}
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%k : memref<?x?x4x64xf8E4M3FN>) v(%v : memref<?x?x4x64xbf16>) out(%q : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @e4m3_q_bf16_kv(%q: memref<?x?x4x64xf8E4M3FN>, %k: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>) {
  // expected-error @+1 {{'faattn.attention' op 'q', 'k' and 'v' must have the same element type, or 'k' and 'v' e4m3 under an f16 or bf16 'q'}}
  faattn.attention q(%q : memref<?x?x4x64xf8E4M3FN>) k(%k : memref<?x?x4x64xbf16>) v(%k : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @kv_e4m3_backward(%q: memref<?x?x4x64xbf16>, %k: memref<?x?x4x64xf8E4M3FN>) {
  // expected-error @+1 {{'faattn.attention' op e4m3 'k' and 'v' under a 16-bit 'q' are not supported with mode backward}}
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%k : memref<?x?x4x64xf8E4M3FN>) v(%k : memref<?x?x4x64xf8E4M3FN>) out(%q : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// deterministic (the spec's key) orders a backward's dQ adds.
func.func @deterministic_forward(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op is deterministic, which only mode = backward takes}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {deterministic, layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

func.func @o_descale_backward(%q: memref<?x?x4x64xf16>) {
  // expected-error @+1 {{'faattn.attention' op an 'o_descale' region is not supported with mode backward}}
  faattn.attention q(%q : memref<?x?x4x64xf16>) k(%q : memref<?x?x4x64xf16>) v(%q : memref<?x?x4x64xf16>) out(%q : memref<?x?x4x64xf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } o_descale {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %c = arith.constant 2.0 : f32
    faattn.yield %c : f32
  }
  return
}

// -----

func.func @o_descale_yield(%q: memref<?x?x4x64xf8E4M3FN>) {
  // expected-error @+1 {{'faattn.attention' op 'o_descale' region must yield 'f32', got 'i32'}}
  faattn.attention q(%q : memref<?x?x4x64xf8E4M3FN>) k(%q : memref<?x?x4x64xf8E4M3FN>) v(%q : memref<?x?x4x64xf8E4M3FN>) out(%q : memref<?x?x4x64xf8E4M3FN>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } o_descale {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %qi : i32
  }
  return
}
