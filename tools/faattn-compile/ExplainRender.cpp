//===- ExplainRender.cpp - --explain's text and SVG forms ------------------===//
//
// The text form is for terminals (and the lit tests): one fact per line, the
// block map as characters. The SVG is the same facts and the map as
// coloured cells (hand-written SVG 1.1, no dependency).
//
//===----------------------------------------------------------------------===//
#include "ExplainModel.h"

#include "faattn/Spec/Spec.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace faattn::compile {
namespace {

/// What each schedule's warps do (templates/hopper/*.cpp's headers).
std::string warpRoles(const CompiledKernel &k) {
  int64_t wgs = k.blockM / 64;
  if (k.mapping != "wgmma")
    return "SIMT (CUDA cores, no tensor cores): one thread per query row of the block, " +
           std::to_string(k.threads) + " threads; K and V blocks through shared memory";
  std::string consumers = std::to_string(wgs) + " consumer warpgroup" + (wgs == 1 ? "" : "s") +
                          " (64 query rows each)";
  if (k.schedule == "cooperative")
    return "warpgroup 0 is the producer (setmaxnreg.dec 24; its thread 0 loads every KV "
           "block into the ring); warpgroups 1-" + std::to_string(wgs) +
           " are the consumers (setmaxnreg.inc 240), 64 query rows each";
  if (k.schedule == "pingpong")
    return consumers + " take turns at the tensor cores (named barriers 1 and 2), one's "
           "products under the other's softmax; thread 0 also issues the TMA loads";
  if (k.tmaBlockN == 0) // varlen / paged K/V: copied by the threads between barriers
    return consumers + ", all computing; every thread copies its share of each Q, K and V "
                       "block into shared memory between barriers (no TMA)";
  return consumers + ", all computing; thread 0 also issues every TMA load "
         "(inline producer, no warp specialization)";
}

std::string resources(const BuildFacts &b) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (!b.ptxasFound) {
    os << "ptxas not found (PATH, /usr/local/cuda/bin): no register report";
  } else {
    auto get = [&](const char *key) -> int64_t {
      return b.resources.contains(key) ? b.resources[key].get<int64_t>() : 0;
    };
    os << get("registers") << " registers/thread, " << get("shared_bytes")
       << " bytes static shared memory (ptxas), " << get("stack_bytes") << " bytes stack, spills "
       << get("spill_stores") << " stores / " << get("spill_loads") << " loads (bytes)";
  }
  os << "; dynamic shared memory " << b.kernel->sharedBytes << " bytes";
  return s;
}

std::string mappingLine(const CompiledKernel &k) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << (k.mapping == "wgmma" ? "wgmma (Hopper tensor cores)" : "simt") << ", ";
  if (k.mapping == "wgmma")
    os << "schedule " << (k.schedule.empty() ? "inline-producer" : k.schedule) << ", ";
  os << k.threads << " threads/CTA, ";
  if (k.mapping == "wgmma")
    os << "stages " << k.stages << ", tile order "
       << (k.tileOrder.empty() ? "heavy_first" : k.tileOrder) << ", ";
  os << (k.persistent ? "persistent grid" : "one CTA per tile (not persistent)")
     << ", overlap " << (k.overlap.empty() ? "none" : k.overlap);
  if (k.tmaBlockN > 0)
    os << ", TMA loads (K/V box " << k.tmaBlockN << " rows)";
  else if (k.mapping == "wgmma")
    os << ", thread copies (no TMA)";
  return s;
}

/// The character of one pair in the text map.
char cellChar(char cls, char run) {
  if (cls == kEmpty)
    return run == kSkipped ? '.' : 'o';
  if (cls == kFull)
    return run == kNoMask ? '#' : 'x';
  return '+';
}

struct Counts {
  int64_t total, empty, partial, full, skipped, masked, noMask;
};
Counts counts(const KernelExplain &e) {
  return {e.nq * e.nk,           e.count(e.cls, kEmpty),   e.count(e.cls, kPartial),
          e.count(e.cls, kFull), e.count(e.run, kSkipped), e.count(e.run, kMasked),
          e.count(e.run, kNoMask)};
}

std::string maskText(const spec::KernelSpec &k) {
  return k.mask ? spec::canonicalExpr(*k.mask) : std::string("none");
}

std::string buildsLine(const KernelExplain &e) {
  std::string s = e.builds[0].label +
                  (e.builds.size() == 1 ? " (every seq_kv)" : " (where no other build is)");
  for (size_t i = 1; i < e.builds.size(); ++i)
    s += "; " + e.builds[i].label + " where " + explainLaunchRule(*e.builds[i].kernel);
  return s + "; this shape launches " + e.builds[e.launched].label;
}

std::vector<std::string> flopsLines(const KernelExplain &e) {
  Counts c = counts(e);
  return {"skipped " + explainPercent(c.skipped, c.total) + " (" + std::to_string(c.skipped) +
              " of " + std::to_string(c.total) + " pairs never visited)",
          "computed without a mask " + explainPercent(c.noMask, c.total) + " (" +
              std::to_string(c.noMask) + " pairs), with the mask " +
              explainPercent(c.masked, c.total) + " (" + std::to_string(c.masked) + " pairs)",
          "(each visited pair is one block_m x block_n tile of Q K^T and P V: 4 * block_m * "
          "block_n * head_dim FLOPs, edge tiles included)"};
}

} // namespace

std::string renderText(const KernelExplain &e) {
  const spec::KernelSpec &k = *e.spec;
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "kernel " << k.name << " at b=" << e.shape.batch << ", seq_q=" << e.shape.seqQ
     << ", seq_kv=" << e.shape.seqKV << "\n";
  os << "spec     " << spec::modeName(k.mode) << " " << spec::dtypeName(k.dtype);
  if (k.kvDtype) // an e4m3 KV cache under a 16-bit Q
    os << " (K, V " << spec::dtypeName(*k.kvDtype) << ")";
  if (k.outDtype) // an e4m3 output
    os << " (out " << spec::dtypeName(*k.outDtype) << ")";
  os << ", heads " << k.headsQ << ":" << k.headsKV << ", head_dim " << k.headDimQK << ":"
     << k.headDimV << ", target " << spec::targetName(k.target) << ", layout "
     << spec::layoutName(k.layout) << "\n";
  os << "mask     " << maskText(k) << "\n";
  // e4m3 dequantization factors (docs/FP8.md), as the canonical form writes them.
  const std::pair<const char *, const spec::ExprPtr *> factors[] = {
      {"q", &k.qDescale}, {"k", &k.kDescale}, {"v", &k.vDescale}, {"o", &k.oDescale}};
  bool first = true;
  for (auto [name, e] : factors)
    if (*e) {
      os << (first ? "descale  " : ", ") << name << " " << spec::canonicalExpr(**e);
      first = false;
    }
  if (!first)
    os << "\n";
  os << "builds   " << buildsLine(e) << "\n";
  for (size_t i = 0; i < e.builds.size(); ++i) {
    const BuildFacts &b = e.builds[i];
    os << "build " << b.label << (i == e.launched ? " (launched at this shape)" : "") << "\n";
    os << "  tile      block_m=" << b.bm << " block_n=" << b.bn << " (faattn-tune)";
    if (b.headGroup > 1)
      os << "; GQA packing: a CTA's " << b.bm << " rows are " << b.headGroup
         << " query heads of one KV head x " << b.bm / b.headGroup << " query rows";
    os << "\n";
    os << "  mapping   " << mappingLine(*b.kernel) << "\n";
    os << "  warps     " << warpRoles(*b.kernel) << "\n";
    if (!b.kernel->fallback.empty())
      os << "  fallback  " << b.kernel->fallback << "\n";
    os << "  ptxas     " << resources(b) << "\n";
  }
  Counts c = counts(e);
  const BuildFacts &b = e.builds[e.launched];
  os << "blocks   " << e.nq << " q-blocks x " << e.nk << " kv-blocks = " << c.total
     << " pairs ("
     << (b.headGroup > 1 ? "q-blocks of " + std::to_string(b.bm / b.headGroup) + " rows a head"
                         : "block_m=" + std::to_string(b.bm))
     << ", block_n=" << b.bn << "): empty=" << c.empty
     << " partial=" << c.partial << " full=" << c.full << "\n";
  os << "loop     skipped=" << c.skipped << " masked=" << c.masked << " no-mask=" << c.noMask
     << " (faattn-mask-analysis' KV loop: [lo, flo) masked, [flo, fhi) no mask, [fhi, hi) "
        "masked)\n";
  std::vector<std::string> flops = flopsLines(e);
  os << "flops    " << flops[0] << "\n         " << flops[1] << "\n         " << flops[2]
     << "\n";
  for (size_t i = 0; i < e.source.size(); ++i)
    os << (i ? "         " : "source   ") << e.source[i] << "\n";
  for (size_t i = 0; i < e.notes.size(); ++i)
    os << (i ? "         " : "note     ") << e.notes[i] << "\n";
  if (e.nk > 200 || e.nq > 400) {
    os << "map      omitted (" << e.nq << " x " << e.nk << " pairs): see the SVG\n";
    return s;
  }
  os << "map      rows: q-blocks, columns: kv-blocks (digits: kv-block mod 10); '#' full (no "
        "mask), '+' partial (masked), '.' empty (skipped), 'o' empty but visited (masked), "
        "'x' full but run masked\n";
  os << "        ";
  for (int64_t kb = 0; kb < e.nk; ++kb)
    os << static_cast<char>('0' + kb % 10);
  os << "\n";
  for (int64_t qb = 0; qb < e.nq; ++qb) {
    os << llvm::format("  %5lld ", static_cast<long long>(qb));
    for (int64_t kb = 0; kb < e.nk; ++kb)
      os << cellChar(e.cls[qb * e.nk + kb], e.run[qb * e.nk + kb]);
    os << "\n";
  }
  return s;
}

namespace {

std::string xml(llvm::StringRef t) {
  std::string s;
  for (char c : t) {
    if (c == '&')
      s += "&amp;";
    else if (c == '<')
      s += "&lt;";
    else if (c == '>')
      s += "&gt;";
    else if (c == '"')
      s += "&quot;";
    else
      s += c;
  }
  return s;
}

/// `text` cut into lines of at most `width` characters at spaces.
std::vector<std::string> wrap(const std::string &text, size_t width) {
  std::vector<std::string> lines;
  size_t indent = text.find_first_not_of(' ');
  indent = indent == std::string::npos ? 0 : indent;
  std::string line = text.substr(0, indent);
  size_t i = indent;
  while (i < text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string::npos)
      j = text.size();
    std::string word = text.substr(i, j - i);
    if (line.size() > indent && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line = std::string(indent + 4, ' ') + word;
    } else {
      line += (line.size() > indent ? " " : "") + word;
    }
    i = j + 1;
  }
  if (line.size() > indent)
    lines.push_back(line);
  return lines;
}

struct Style {
  const char *fill, *name;
};
Style styleOf(char cls, char run) {
  switch (cellChar(cls, run)) {
  case '#': return {"#2b6cb0", "full: no mask code"};
  case '+': return {"#f6ad55", "partial: masked"};
  case '.': return {"#edf2f7", "empty: never visited"};
  case 'o': return {"#e53e3e", "empty but visited (masked)"};
  default: return {"#805ad5", "full but run masked"};
  }
}

} // namespace

std::string renderSvg(const KernelExplain &e) {
  const spec::KernelSpec &k = *e.spec;
  const BuildFacts &lb = e.builds[e.launched];
  Counts c = counts(e);
  // The facts, as lines of monospace text.
  std::vector<std::pair<std::string, bool>> lines; // text, bold
  auto add = [&](const std::string &t, bool bold = false) {
    for (const std::string &l : wrap(t, 118))
      lines.push_back({l, bold});
  };
  add("faattn-compile --explain: kernel " + k.name + " at b=" + std::to_string(e.shape.batch) +
          ", seq_q=" + std::to_string(e.shape.seqQ) + ", seq_kv=" +
          std::to_string(e.shape.seqKV),
      true);
  add(std::string(spec::modeName(k.mode)) + " " + spec::dtypeName(k.dtype) + ", heads " +
      std::to_string(k.headsQ) + ":" + std::to_string(k.headsKV) + ", head_dim " +
      std::to_string(k.headDimQK) + ":" + std::to_string(k.headDimV) + ", target " +
      spec::targetName(k.target) + "; mask " + maskText(k));
  add("builds: " + buildsLine(e));
  for (size_t i = 0; i < e.builds.size(); ++i) {
    const BuildFacts &b = e.builds[i];
    add("build " + b.label + (i == e.launched ? " (launched at this shape)" : "") +
            ": tile block_m=" + std::to_string(b.bm) + " x block_n=" + std::to_string(b.bn),
        true);
    add("  mapping: " + mappingLine(*b.kernel));
    add("  warps: " + warpRoles(*b.kernel));
    if (!b.kernel->fallback.empty())
      add("  SIMT fallback: " + b.kernel->fallback);
    add("  ptxas: " + resources(b));
  }
  add("blocks (" + lb.label + " build): " + std::to_string(e.nq) + " q-blocks x " +
          std::to_string(e.nk) + " kv-blocks = " + std::to_string(c.total) +
          " pairs: empty " + std::to_string(c.empty) + ", partial " +
          std::to_string(c.partial) + ", full " + std::to_string(c.full),
      true);
  for (const std::string &f : flopsLines(e))
    add(f);
  for (const std::string &s : e.source)
    add(s);
  for (const std::string &n : e.notes)
    add("note: " + n);

  const int lineH = 15, top = 22, left = 70;
  // Cells in proportion to the tile (block_n keys wide, block_m rows high),
  // the map within 640 pixels, a cell's longer side at most 24.
  double scale = std::min(640.0 / static_cast<double>(e.nk * lb.bn),
                          640.0 / static_cast<double>(e.nq * lb.bm));
  scale = std::min(scale, 24.0 / static_cast<double>(std::max(lb.bm, lb.bn)));
  int cw = std::max(1, static_cast<int>(scale * static_cast<double>(lb.bn)));
  int ch = std::max(1, static_cast<int>(scale * static_cast<double>(lb.bm)));
  int mapTop = top + static_cast<int>(lines.size()) * lineH + 40;
  int mapW = static_cast<int>(e.nk) * cw, mapH = static_cast<int>(e.nq) * ch;
  int legendTop = mapTop + mapH + 24;
  int width = std::max(900, left + mapW + 40);
  int height = legendTop + 5 * 18 + 20;

  std::string s;
  llvm::raw_string_ostream os(s);
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
     << height << "\" viewBox=\"0 0 " << width << " " << height << "\">\n"
     << "<title>" << xml("faattn --explain: " + k.name) << "</title>\n"
     << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
     << "<g font-family=\"DejaVu Sans Mono, Menlo, monospace\" font-size=\"11\" "
        "fill=\"#1a202c\">\n";
  for (size_t i = 0; i < lines.size(); ++i)
    os << "<text x=\"12\" y=\"" << top + static_cast<int>(i) * lineH << "\""
       << (lines[i].second ? " font-weight=\"bold\"" : "") << " xml:space=\"preserve\">"
       << xml(lines[i].first) << "</text>\n";
  // Axes: a tick every `step` blocks, at least 40 pixels apart.
  int64_t stepK = 1, stepQ = 1;
  while (stepK * cw < 40)
    stepK *= 2;
  while (stepQ * ch < 20)
    stepQ *= 2;
  os << "<text x=\"" << left << "\" y=\"" << mapTop - 22 << "\">columns: kv-blocks ("
     << lb.bn << " keys each) &#8594;   rows: q-blocks (" << lb.bm
     << " query rows each) &#8595;</text>\n";
  for (int64_t kb = 0; kb < e.nk; kb += stepK)
    os << "<text x=\"" << left + kb * cw << "\" y=\"" << mapTop - 6 << "\" font-size=\"9\">"
       << kb << "</text>\n";
  for (int64_t qb = 0; qb < e.nq; qb += stepQ)
    os << "<text x=\"" << left - 6 << "\" y=\"" << mapTop + qb * ch + std::min(ch, 10)
       << "\" font-size=\"9\" text-anchor=\"end\">" << qb << "</text>\n";
  os << "</g>\n<g shape-rendering=\"crispEdges\">\n";
  // The cells, as runs of one style per row.
  for (int64_t qb = 0; qb < e.nq; ++qb) {
    int64_t kb = 0;
    while (kb < e.nk) {
      char c = cellChar(e.cls[qb * e.nk + kb], e.run[qb * e.nk + kb]);
      int64_t end = kb + 1;
      while (end < e.nk && cellChar(e.cls[qb * e.nk + end], e.run[qb * e.nk + end]) == c)
        ++end;
      os << "<rect x=\"" << left + kb * cw << "\" y=\"" << mapTop + qb * ch
         << "\" width=\"" << (end - kb) * cw << "\" height=\"" << ch << "\" fill=\""
         << styleOf(e.cls[qb * e.nk + kb], e.run[qb * e.nk + kb]).fill << "\"/>\n";
      kb = end;
    }
  }
  // Grid lines between blocks when the cells are large enough to see them.
  if (std::min(cw, ch) >= 6) {
    os << "<g stroke=\"white\" stroke-width=\"1\">\n";
    for (int64_t kb = 1; kb < e.nk; ++kb)
      os << "<line x1=\"" << left + kb * cw << "\" y1=\"" << mapTop << "\" x2=\""
         << left + kb * cw << "\" y2=\"" << mapTop + mapH << "\"/>\n";
    for (int64_t qb = 1; qb < e.nq; ++qb)
      os << "<line x1=\"" << left << "\" y1=\"" << mapTop + qb * ch << "\" x2=\""
         << left + mapW << "\" y2=\"" << mapTop + qb * ch << "\"/>\n";
    os << "</g>\n";
  }
  os << "<rect x=\"" << left << "\" y=\"" << mapTop << "\" width=\"" << mapW
     << "\" height=\"" << mapH << "\" fill=\"none\" stroke=\"#4a5568\"/>\n</g>\n";
  // Legend with the counts.
  struct Item {
    char cls, run;
    int64_t n;
  } items[] = {{kFull, kNoMask, e.count(e.run, kNoMask)},
               {kPartial, kMasked, c.partial},
               {kEmpty, kSkipped, c.skipped},
               {kEmpty, kMasked, 0},
               {kFull, kMasked, 0}};
  for (int64_t i = 0; i < c.total; ++i) {
    items[3].n += e.cls[i] == kEmpty && e.run[i] == kMasked;
    items[4].n += e.cls[i] == kFull && e.run[i] == kMasked;
  }
  os << "<g font-family=\"DejaVu Sans Mono, Menlo, monospace\" font-size=\"11\" "
        "fill=\"#1a202c\">\n";
  int y = legendTop;
  for (int i = 0; i < 5; ++i) {
    const Item &it = items[i];
    if (i >= 3 && it.n == 0)
      continue; // the two fallback kinds only when present
    Style st = styleOf(it.cls, it.run);
    os << "<rect x=\"" << left << "\" y=\"" << y - 10 << "\" width=\"12\" height=\"12\" fill=\""
       << st.fill << "\" stroke=\"#4a5568\"/>\n<text x=\"" << left + 18 << "\" y=\"" << y
       << "\">" << xml(st.name) << ": " << it.n << " (" << explainPercent(it.n, c.total)
       << ")</text>\n";
    y += 18;
  }
  os << "</g>\n</svg>\n";
  return s;
}

} // namespace faattn::compile
