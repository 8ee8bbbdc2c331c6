//===- FAAttnAttrs.td - Tile layout encodings ---------------*- tablegen -*-===//
//
// Encodings of `!faattn.tile` for the Hopper (sm_90a) tensor-core path: where
// a tile lives and how its elements map to threads. faattn-assign-layouts
// chooses them; the wgmma/TMA lowering consumes them.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_ATTRS_TD
#define FAATTN_ATTRS_TD

include "faattn/Dialect/FAAttn/IR/FAAttnDialect.td"

class FAAttn_Attr<string name, string attrMnemonic> : AttrDef<FAAttn_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def FAAttn_WgmmaAccLayout : FAAttn_Attr<"WgmmaAccLayout", "wgmma_acc"> {
  let summary = "A wgmma accumulator fragment in registers";
  let description = [{
    The layout of the f32 accumulator of `wgmma.mma_async.m64nNk16`: the
    tile's rows are split into `warpgroups` blocks of 64, one per consumer
    warpgroup; inside a warpgroup, warp w holds rows 16w..16w+15, and each
    thread holds 2 rows x N/4 columns (pairs of adjacent columns every 8).
    An Mx1 tile (a row statistic: running max, sum) with this encoding holds
    one value per row of the same fragment, replicated over the 4 threads
    that share the row.
  }];
  let parameters = (ins "int64_t":$warpgroups);
  let assemblyFormat = "`<` `warpgroups` `=` $warpgroups `>`";
  let genVerifyDecl = 1;
}

def FAAttn_WgmmaColumnsLayout : FAAttn_Attr<"WgmmaColumnsLayout", "wgmma_cols"> {
  let summary = "A wgmma accumulator fragment whose columns are split over warpgroups";
  let description = [{
    A 64-row tile whose columns are split into `warpgroups` equal blocks,
    one per warpgroup: warpgroup w holds columns [w N / warpgroups,
    (w + 1) N / warpgroups) as the fragments of an m64n(N / warpgroups)
    accumulator (the same thread-to-element map as #faattn.wgmma_acc inside
    its block); every warpgroup holds all 64 rows. The backward's S, P, dP
    and dS when two warpgroups split a CTA's keys (faattn-tiles-to-wgmma's
    key split): the columns are the keys, each warpgroup owns its own.
    f32 or 16-bit elements (P and dS as the next products' operands).
  }];
  let parameters = (ins "int64_t":$warpgroups);
  let assemblyFormat = "`<` `warpgroups` `=` $warpgroups `>`";
  let genVerifyDecl = 1;
}

def FAAttn_WgmmaOperandALayout : FAAttn_Attr<"WgmmaOperandALayout", "wgmma_a"> {
  let summary = "A wgmma A operand in registers (P for the P*V product)";
  let description = [{
    The register A operand of `wgmma.mma_async` (16-bit elements): the same
    thread-to-element map as the accumulator fragment it is converted from,
    packed two elements per 32-bit register, so that P goes from the S
    accumulator to the second product without shared memory.
  }];
  let parameters = (ins "int64_t":$warpgroups);
  let assemblyFormat = "`<` `warpgroups` `=` $warpgroups `>`";
  let genVerifyDecl = 1;
}

def FAAttn_SharedLayout : FAAttn_Attr<"SharedLayout", "smem"> {
  let summary = "A tile in shared memory, swizzled for TMA and wgmma";
  let description = [{
    Rows of the tile in shared memory with the `swizzle`-byte swizzle (128:
    the 16-byte chunks of each 128-byte row segment XOR-permuted by the row
    index modulo 8, the TMA / wgmma 128B mode), in a ring of `stages` buffers
    (1 for a tile loaded once, such as Q; 2 or more for K and V, which TMA
    fills ahead of the consumers).
  }];
  let parameters = (ins "int64_t":$swizzle, "int64_t":$stages);
  let assemblyFormat = "`<` `swizzle` `=` $swizzle `,` `stages` `=` $stages `>`";
  let genVerifyDecl = 1;
}

#endif // FAATTN_ATTRS_TD
