/// A number format for stored tensors.
public enum NumberFormat: String, Sendable, CaseIterable, Encodable {
  case fp32, bf16, fp16, fp8, int8, int4

  /// Bits of one element, before any group-wise scale.
  public var bits: Double {
    switch self {
    case .fp32: return 32
    case .bf16, .fp16: return 16
    case .fp8, .int8: return 8
    case .int4: return 4
    }
  }

  /// Integer formats need a scale (and zero point) per group of weights to dequantise.
  public var isInteger: Bool { self == .int8 || self == .int4 }
}

/// Number formats per tensor class: weights, KV cache, activations.
public struct PrecisionSpec: Sendable, Equatable, Encodable {
  /// Format of the stored weights (inference) or of the working weight copy (training).
  public var weights: NumberFormat
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
    weights: NumberFormat = .bf16, weightGroupSize: Int = 128, kvCache: NumberFormat = .bf16,
    activations: NumberFormat = .bf16, dispatch: NumberFormat? = nil,
    combine: NumberFormat? = nil
  ) {
    self.weights = weights
    self.weightGroupSize = weightGroupSize
    self.kvCache = kvCache
    self.activations = activations
    self.dispatch = dispatch ?? activations
    self.combine = combine ?? activations
  }

  /// Bits per stored weight, including group-wise scales for integer formats.
  public var weightBits: Double {
    guard weights.isInteger, weightGroupSize > 0 else { return weights.bits }
    return weights.bits + Self.groupOverheadBits / Double(weightGroupSize)
  }

  /// Bytes per stored weight.
  public var weightBytes: Double { weightBits / 8 }
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
