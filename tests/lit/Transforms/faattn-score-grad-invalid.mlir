// RUN: faattn-opt %s -split-input-file -faattn-score-grad -verify-diagnostics

// An op on the path from the score to its value with no derivative rule.
func.func @sin(%q: memref<?x?x4x64xbf16>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%q : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %c = arith.constant 2.0 : f32
    %m = arith.mulf %s, %c : f32
    // expected-error @+1 {{faattn-score-grad cannot differentiate 'math.sin'}}
    %r = math.sin %m : f32
    faattn.yield %r : f32
  }
  return
}

// -----

// Of a learnable param, too (the op is off the score's path but on the param's).
func.func @powf(%q: memref<?x?x4x64xbf16>, %p: memref<f32>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%q : memref<?x?x4x64xbf16>) params(%p : memref<f32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0>, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<f32>):
    %t = memref.load %pp[] : memref<f32>
    %c = arith.constant 2.0 : f32
    // expected-error @+1 {{faattn-score-grad cannot differentiate 'math.powf'}}
    %w = math.powf %t, %c : f32
    %r = arith.addf %s, %w : f32
    faattn.yield %r : f32
  }
  return
}

// -----

// An op without a rule that nothing differentiable flows through is fine: a
// function of constants, a param that is not learnable, a comparison's operand.
func.func @not_on_a_path(%q: memref<?x?x4x64xbf16>, %p: memref<f32>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%q : memref<?x?x4x64xbf16>) params(%p : memref<f32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<f32>):
    %t = memref.load %pp[] : memref<f32>
    %st = math.sin %t : f32
    %ss = math.sin %s : f32
    %z = arith.constant 0.0 : f32
    %c = arith.cmpf ogt, %ss, %z : f32
    %x = arith.select %c, %s, %st : f32
    faattn.yield %x : f32
  }
  return
}
