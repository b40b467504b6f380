/// Activation scalars one token leaves in one transformer block, generalising Korthikanti et al.
/// 2022 ("Reducing Activation Recomputation in Large Transformer Models", arXiv:2205.05198,
/// sec. 4.1) to GQA, MLA, gated FFNs and MoE. Their per-layer total `s·b·h·(34 + 5·a·s/h)` bytes
/// (16-bit activations) is: attention `11·sbh + 5·as²b`, MLP `19·sbh`, two LayerNorms `4·sbh`.
/// MoESim assumes what current LLM training does: no dropout (their 1-byte masks, `2·sbh`,
/// vanish) and FlashAttention (the `5·as²b` score terms are recomputed, not stored). What remains,
/// per token, in scalars:
///
/// - attention: its input `h`, Q, K, V and the output projection's input (MHA: `5h`, their `10
///   sbh` bytes), plus MLA's query and KV latents;
/// - each norm: its input `h` (their `2·sbh` per LayerNorm);
/// - dense FFN: its input `h` and the intermediate tensors, `2·I` for a plain MLP (their GeLU
///   input and second-matmul input: `h + 2·4h`, `18·sbh`), `3·I` for SwiGLU (gate, up, product);
/// - MoE: the router input `h`, each of the `k` routed copies of the token (`h` plus its
///   intermediates), each shared expert's intermediates; plus fp32 router logits, counted in
///   bytes apart (`routerLogitBytes`).
public enum ActivationMemory {
  /// Scalars stored per token by block `block` (before any parallel split).
  public static func scalarsPerToken(_ model: ModelSpec, block: BlockParameters) -> Double {
    let hidden = Double(model.hiddenSize)
    let intermediates = Double(model.ffn.kind.matrices == 3 ? 3 : 2)
    let norms = 2 * hidden
    var feedForward: Double
    if block.routedExperts > 0, let moe = model.moe {
      let expert = hidden + intermediates * Double(moe.expertIntermediateSize)
      let shared = intermediates * Double(moe.sharedExpertIntermediateSize)
      feedForward = hidden + Double(moe.topK) * expert + Double(moe.sharedExperts) * shared
    } else {
      feedForward = hidden + intermediates * Double(model.ffn.intermediateSize ?? 0)
    }
    return attentionScalarsPerToken(model.attention, hidden: hidden) + norms + feedForward
  }

  /// Bytes of fp32 router logits per token of an MoE block (0 for a dense block).
  public static func routerLogitBytes(block: BlockParameters) -> Double {
    4 * Double(block.routedExperts)
  }

  /// Attention input, Q, K, V and output-projection input; MLA adds its latents.
  static func attentionScalarsPerToken(_ attention: AttentionSpec, hidden: Double) -> Double {
    let heads = Double(attention.heads)
    let queryKeyWidth = heads * Double(attention.queryKeyHeadDim)
    let valueWidth = heads * Double(attention.valueHeadDim)
    guard let mla = attention.mla else {
      let keyValueWidth = Double(attention.kvHeads * attention.headDim)
      return hidden + queryKeyWidth + 2 * keyValueWidth + valueWidth
    }
    // MLA up-projects K and V to every head; the latents are inputs of the up-projections.
    let latents = Double(mla.qLoraRank ?? 0) + Double(mla.kvLoraRank + mla.qkRopeHeadDim)
    return hidden + latents + 2 * queryKeyWidth + 2 * valueWidth
  }
}
