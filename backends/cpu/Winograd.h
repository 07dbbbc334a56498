//===- Winograd.h - kiln's own Winograd F(4x4,3x3) convolution -----*- C++ -*-===//
//
// 3x3, stride 1, dilation 1, group 1 f32 convolutions as Winograd F(4x4,3x3)
// (Lavin & Gray): the output is cut into 4x4 tiles, each read as a 6x6 input
// patch; per tile and channel the patch is transformed (B^T d B), the 36
// transformed positions are 36 independent products [tiles x C] x [C x K]
// with the transformed weights (G g G^T, computed once), and the output
// transform (A^T m A) adds the bias and the residual, applies the activations
// and writes the 4x4 results straight into the destination layout.
//
// Layouts: source, destination and residual are NCHW tensors stored plain
// (nchw) or channel-blocked (nChw8c / nChw16c, as oneDNN's convolutions keep
// activations), read and written in place: no reorders. The channel block is
// the vector the transforms work on.
//
// The 36 products run on one oneDNN batched matmul primitive (brgemm on
// AVX-512) over chunks of tiles small enough that the transformed chunk
// stays in cache; the transformed weights are prepacked once into the
// layout that primitive wants (weightsDesc()). Threads: chunks are spread
// over the OpenMP threads of the calling scope (at most the number seen
// when the kernel was built); each thread runs the matmul on its own chunk.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_BACKENDS_CPU_WINOGRAD_H
#define KILN_BACKENDS_CPU_WINOGRAD_H

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace kiln::cpu {

/// Where element (n, c, h, w) of an NCHW tensor lies:
/// n*sN + (c / blk)*sCB + (c % blk) + h*sH + w*sW (plain: blk 1).
struct WinoLayout {
  int64_t blk = 1;
  int64_t sN = 0, sCB = 0, sH = 0, sW = 0;
  int64_t channels = 0; // the padded channel count (a multiple of blk)
};

/// The layout of a 4-D f32 descriptor if it is plain nchw or nChw{8,16}c
/// (any outer strides); false otherwise.
bool winoLayoutOf(const dnnl::memory::desc &md, WinoLayout &out);

/// An activation applied in the output transform.
struct WinoAct {
  enum Kind { None, Relu, Clip } kind = None;
  float alpha = 0, beta = 0; // relu: negative slope; clip: min, max
};

struct WinoShape {
  int64_t N = 0, C = 0, H = 0, W = 0; // input
  int64_t K = 0, OH = 0, OW = 0;      // output channels and dims
  int64_t padT = 0, padL = 0;         // begin pads (end pads follow from OH/OW)
};

class WinogradConv {
public:
  /// Builds the kernel for `shape` with the given layouts; `hasBias` /
  /// `hasResidual` say whether run() gets those operands; `acts` are
  /// applied in order after bias and residual. `tiles` (0: choose) is the
  /// number of tiles per chunk. nullptr with `why` when not possible.
  static std::unique_ptr<WinogradConv> create(const dnnl::engine &eng, const WinoShape &shape,
                                              const WinoLayout &src, const WinoLayout &dst,
                                              const WinoLayout *residual, bool hasBias,
                                              std::vector<WinoAct> acts, int64_t tiles, std::string &why);

  /// The same kernel writing its result in another layout `dst` (same
  /// shape; `dst.channels` bounds the channels it writes, padded ones
  /// zeroed): a channel sub-view of a concat's result, say (the products
  /// and the weights' layout do not depend on it).
  std::shared_ptr<WinogradConv> redirected(const WinoLayout &dst) const;
  bool hasResidual() const { return hasRes_; }

  /// The transformed weights, [36][C][K] row-major, from OIHW 3x3 weights.
  static void transformWeights(const float *w, int64_t K, int64_t C, float *u);

  /// The layout the transformed weights must have for run() (a prepacking
  /// of the [36, C, K] plain layout; reorder into it once).
  const dnnl::memory::desc &weightsDesc() const { return weightsMd_; }
  /// Scratch memory run() needs (all threads).
  uint64_t scratchBytes() const { return scratchBytes_; }
  int64_t tilesPerChunk() const { return chunk_; }
  /// Multiply-adds of the 36 products and the transforms, per run (work estimates).
  double flops() const;

  /// dst = acts(conv(src) + bias + residual). `u`: the transformed weights
  /// in weightsDesc(); `scratch`: scratchBytes(), 64-byte aligned.
  /// False with `error` if oneDNN fails.
  bool run(const float *src, const void *u, const float *bias, const float *residual, float *dst,
           void *scratch, std::string &error) const;

  ~WinogradConv();

private:
  WinogradConv() = default;
  void chunkRun(int64_t chunkIndex, const float *src, const float *bias, const float *residual, float *dst,
                float *v, float *m, dnnl::stream &strm, std::unordered_map<int, dnnl::memory> &args) const;
  bool runThread(int t, int nthr, const float *src, const void *u, const float *bias, const float *residual,
                 float *dst, void *scratch) const;

  dnnl::engine eng_;
  WinoShape s_;
  WinoLayout src_, dst_, res_;
  bool hasRes_ = false, hasBias_ = false;
  std::vector<WinoAct> acts_;
  int64_t tilesH_ = 0, tilesW_ = 0, tiles_ = 0, chunk_ = 0, chunks_ = 0, rows_ = 0;
  int threads_ = 1;
  uint64_t perThread_ = 0, vBytes_ = 0, mBytes_ = 0, scratchBytes_ = 0;
  dnnl::memory::desc vMd_, mMd_, weightsMd_, mmScratchMd_;
  dnnl::matmul matmul_;
};

} // namespace kiln::cpu

#endif // KILN_BACKENDS_CPU_WINOGRAD_H
