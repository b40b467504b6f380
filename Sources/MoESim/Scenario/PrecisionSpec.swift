/// A number format for stored tensors.
public enum NumberFormat: String, Sendable, CaseIterable, Encodable {
  case fp32, bf16, fp16, fp8
  /// fp8 (E4M3) with one fp32 scale per 128 × 128 block of weights (DeepSeek-V3's
  /// `weight_block_size: [128, 128]`; DeepSeek-V3 technical report, arXiv:2412.19437,
  /// sec. 3.3.2).
  case fp8Block = "fp8_block"
  case int8, int4
  /// OCP Microscaling MXFP4: 4-bit E2M1 elements sharing one 8-bit E8M0 scale per block of 32
  /// (OCP "Microscaling Formats (MX) Specification" v1.0, sec. 5.1 and table 1), 4.25 bits per
  /// weight: gpt-oss's expert format.
  case mxfp4
  /// NVIDIA NVFP4: 4-bit E2M1 elements with one FP8 E4M3 scale per block of 16 and one fp32
  /// scale per tensor (NVIDIA, "Introducing NVFP4 for Efficient and Accurate Low-Precision
  /// Inference", 2025), 4.5 bits per weight; the per-tensor scale (4 bytes a matrix) is not
  /// counted.
  case nvfp4

  /// Bits of one element, before any group-wise or block scale.
  public var bits: Double {
    switch self {
    case .fp32: return 32
    case .bf16, .fp16: return 16
    case .fp8, .fp8Block, .int8: return 8
    case .int4, .mxfp4, .nvfp4: return 4
    }
  }

  /// Integer formats need a scale (and zero point) per group of weights to dequantise.
  public var isInteger: Bool { self == .int8 || self == .int4 }

  /// The scale a block-scaled format stores: its bits, and the elements of a block.
  public var blockScale: (bits: Double, elements: Double)? {
    switch self {
    case .fp8Block: return (32, 128 * 128)
    case .mxfp4: return (8, 32)
    case .nvfp4: return (8, 16)
    default: return nil
    }
  }

  /// Formats a KV cache or activations may use: not the 4-bit and block-scaled weight formats.
  public var isElementwise: Bool { blockScale == nil && self != .int4 }
}

/// Number formats per tensor class: weights (routed experts apart), KV cache, activations.
public struct PrecisionSpec: Sendable, Equatable, Encodable {
  /// Format of the stored weights (inference) or of the working weight copy (training); the
  /// routed experts' when `expertWeights` does not say otherwise.
  public var weights: NumberFormat
  /// Format of the routed experts' weights (gpt-oss ships MXFP4 experts and bf16 attention,
  /// router, embedding and head).
  public var expertWeights: NumberFormat
  /// Weights per quantisation group of an integer format; 0 for one scale per output channel
  /// (negligible overhead, not counted).
  public var weightGroupSize: Int
  /// Format of cached keys and values (or MLA latents).
  public var kvCache: NumberFormat
  /// Format of activations kept for the backward pass or alive during a forward pass.
  public var activations: NumberFormat
  /// Format of a token's hidden state sent in the expert-parallel dispatch (DeepEP sends FP8
  /// with scales); defaults to `activations`.
  public var dispatch: NumberFormat
  /// Format of an expert's output sent back in the combine (DeepEP combines in BF16); defaults
  /// to `activations`.
  public var combine: NumberFormat
  /// Format the matrix products run in, whose peak rate the time model uses (FP8 training
  /// keeps BF16 weights and multiplies in FP8); nil: the slower of `weights` and `activations`.
  public var matmul: NumberFormat?

  /// Bits to dequantise one group: a 16-bit scale and a 16-bit zero point, as the group-wise
  /// asymmetric quantisers (GPTQ, Frantar et al. 2022; AWQ, Lin et al. 2023) store them:
  /// int4 at group 128 costs 4 + 32/128 = 4.25 bits per weight.
  public static let groupOverheadBits = 32.0

  /// Channels sharing one FP32 scale in a dispatched token of a format narrower than 16 bits:
  /// DeepSeek-V3's fine-grained activation quantisation, 1 × 128 tiles (DeepSeek-V3 technical
  /// report, arXiv:2412.19437, sec. 3.3.2), as DeepEP dispatches it (deepseek-ai/DeepEP
  /// `tests/legacy/test_internode.py`: FP8 bytes = BF16 bytes × (1 + 4/128) / 2).
  public static let dispatchScaleChannels = 128.0
  /// Bytes of one such scale (FP32).
  public static let dispatchScaleBytes = 4.0

  public init(
    weights: NumberFormat = .bf16, expertWeights: NumberFormat? = nil,
    weightGroupSize: Int = 128, kvCache: NumberFormat = .bf16, activations: NumberFormat = .bf16,
    dispatch: NumberFormat? = nil, combine: NumberFormat? = nil, matmul: NumberFormat? = nil
  ) {
    self.matmul = matmul
    self.weights = weights
    self.expertWeights = expertWeights ?? weights
    self.weightGroupSize = weightGroupSize
    self.kvCache = kvCache
    self.activations = activations
    self.dispatch = dispatch ?? activations
    self.combine = combine ?? activations
  }

  /// Bits per stored weight in `format`, with its scales: a block-scaled format's scale bits
  /// over its block, an integer format's group overhead over `weightGroupSize`.
  public func storedBits(_ format: NumberFormat) -> Double {
    if let scale = format.blockScale { return format.bits + scale.bits / scale.elements }
    guard format.isInteger, weightGroupSize > 0 else { return format.bits }
    return format.bits + Self.groupOverheadBits / Double(weightGroupSize)
  }

  /// Bits per stored weight outside the routed experts, scales included.
  public var weightBits: Double { storedBits(weights) }
  /// Bytes per stored weight outside the routed experts.
  public var weightBytes: Double { weightBits / 8 }
  /// Bits per stored routed-expert weight, scales included.
  public var expertWeightBits: Double { storedBits(expertWeights) }
  /// Bytes per stored routed-expert weight.
  public var expertWeightBytes: Double { expertWeightBits / 8 }
  /// Bytes per cached scalar.
  public var kvCacheBytes: Double { kvCache.bits / 8 }
  /// Bytes per activation scalar.
  public var activationBytes: Double { activations.bits / 8 }

  /// Bytes of one token's hidden state of `hiddenSize` channels in the dispatch: `h · bits / 8`,
  /// plus one FP32 scale per 128 channels for a format narrower than 16 bits (FP8: `h · (1 +
  /// 4/128)`, 7,392 bytes at h = 7168).
  public func dispatchBytesPerToken(hiddenSize: Int) -> Double {
    let h = Double(hiddenSize)
    let scales =
      dispatch.bits < 16
      ? (h / Self.dispatchScaleChannels).rounded(.up) * Self.dispatchScaleBytes
      : 0
    return h * dispatch.bits / 8 + scales
  }

  /// Bytes of one expert output of `hiddenSize` channels in the combine: `h · bits / 8`.
  public func combineBytesPerToken(hiddenSize: Int) -> Double {
    Double(hiddenSize) * combine.bits / 8
  }
}
