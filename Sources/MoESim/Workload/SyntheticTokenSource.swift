/// The synthetic token stream of `WorkloadSpec`: Zipf-distributed token types, each sequence from
/// one domain of the mixture, and the hidden state the router sees,
/// `h = embedding[token] + offset[domain] + context[sequence, position] + noise · z`, where the
/// context follows the sequence (temporal locality, `SyntheticTokenSource+Locality.swift`) and
/// the per-token noise `z` is N(0, I) at the first MoE layer and evolves from layer to layer.
///
/// The tables are built once from the seed; each block of each step draws from its own random
/// stream, so any block can be generated on any thread with identical results.
public struct SyntheticTokenSource: Sendable {
  public let spec: WorkloadSpec
  public let seed: UInt64
  /// `vocab × d` token embeddings, N(0, 1) entries.
  let embeddings: [Float]
  /// `domains × d` domain offsets, N(0, domain_offset_scale²) entries.
  let domainOffsets: [Float]
  /// `domains × vocab`: the token id at each Zipf rank, a different order per domain.
  let vocabularyOrder: [Int32]
  let zipf: ZipfSampler
  /// Cumulative domain weights normalised to 1, for drawing each sequence's domain.
  let domainCumulative: [Double]

  public init(spec: WorkloadSpec, seed: UInt64) {
    self.spec = spec
    self.seed = seed
    let dim = spec.routerDim
    var embeddings = [Float](repeating: 0, count: spec.vocabSize * dim)
    var generator = RandomStream.make(seed: seed, .tokenEmbeddings)
    embeddings.withUnsafeMutableBufferPointer {
      NormalSampler.fill($0, scale: 1, using: &generator)
    }
    self.embeddings = embeddings

    var offsets = [Float](repeating: 0, count: spec.domains.count * dim)
    generator = RandomStream.make(seed: seed, .domainOffsets)
    offsets.withUnsafeMutableBufferPointer {
      NormalSampler.fill($0, scale: Float(spec.domainOffsetScale), using: &generator)
    }
    domainOffsets = offsets

    var order = [Int32](repeating: 0, count: spec.domains.count * spec.vocabSize)
    for domain in spec.domains.indices {
      var shuffler = RandomStream.make(seed: seed, .domainVocabularyOrder, domain)
      let base = domain * spec.vocabSize
      for rank in 0..<spec.vocabSize { order[base + rank] = Int32(rank) }
      // Fisher–Yates with our own generator (the standard library's shuffle may change).
      var index = spec.vocabSize - 1
      while index > 0 {
        let other = Int(shuffler.next() % UInt64(index + 1))
        order.swapAt(base + index, base + other)
        index -= 1
      }
    }
    vocabularyOrder = order
    zipf = ZipfSampler(count: spec.vocabSize, exponent: spec.zipfExponent)

    let total = spec.domains.map(\.weight).reduce(0, +)
    var running = 0.0
    domainCumulative = spec.domains.map {
      running += $0.weight / total
      return running
    }
  }

  /// Number of sequences in one step (the last may be shorter than `sequence_length`).
  public var sequencesPerStep: Int {
    // Rounded up without `tokens + length - 1`, which overflows for a huge sequence_length.
    spec.tokensPerStep / spec.sequenceLength + (spec.tokensPerStep % spec.sequenceLength == 0 ? 0 : 1)
  }

  /// Cumulative domain weights at `step` of the drift schedule, normalised to 1.
  func scheduledCumulative(_ step: Int) -> [Double] {
    let weights = DomainSchedulePoint.weights(
      at: step, schedule: spec.domainSchedule, domains: spec.domains)
    let total = weights.reduce(0, +)
    var running = 0.0
    return weights.map {
      running += $0 / total
      return running
    }
  }

  /// Draws the domain of every sequence of `step` into `domains` (`sequencesPerStep` entries).
  public func drawSequenceDomains(step: Int, into domains: UnsafeMutableBufferPointer<Int32>) {
    var generator = RandomStream.make(seed: seed, .sequenceDomains, step)
    let cumulative = spec.domainSchedule.isEmpty ? domainCumulative : scheduledCumulative(step)
    let last = cumulative.count - 1
    for sequence in 0..<sequencesPerStep {
      let uniform = generator.nextUnitDouble()
      var domain = 0
      while domain < last && cumulative[domain] <= uniform { domain += 1 }
      domains[sequence] = Int32(domain)
    }
  }

  /// Generates tokens `first ..< first + count` of `step`: their ids into `tokenIds` and their
  /// hidden states at the first MoE layer (`count × d`, row-major) into `hidden`. `block` keys
  /// the random stream.
  /// - Parameters:
  ///   - context: the step's context states (`tokens × d`, from `drawContext`), or nil for none.
  ///   - layerState: when the hidden state evolves across layers, where to keep each token's
  ///     noise-free part and its noise `z` (`count × d` each) for `evolve`.
  public func generate(
    step: Int, block: Int, first: Int, count: Int, sequenceDomains: UnsafeBufferPointer<Int32>,
    context: UnsafePointer<Float>? = nil,
    layerState: (base: UnsafeMutablePointer<Float>, noise: UnsafeMutablePointer<Float>)? = nil,
    tokenIds: UnsafeMutablePointer<Int32>, hidden: UnsafeMutablePointer<Float>
  ) {
    let dim = spec.routerDim
    let vocab = spec.vocabSize
    var generator = RandomStream.make(seed: seed, .tokens, step, block)
    let noiseScale = Float(spec.noise)
    // The first MoE layer's share of the context (1 unless it ramps in over depth).
    let firstShare = contextShare(ordinal: 0)
    embeddings.withUnsafeBufferPointer { embeddings in
      domainOffsets.withUnsafeBufferPointer { offsets in
        vocabularyOrder.withUnsafeBufferPointer { order in
          for local in 0..<count {
            let domain = Int(sequenceDomains[(first + local) / spec.sequenceLength])
            let rank = zipf.sample(using: &generator)
            let token = Int(order[domain * vocab + rank])
            tokenIds[local] = Int32(token)
            let row = UnsafeMutableBufferPointer(start: hidden + local * dim, count: dim)
            let embedding = embeddings.baseAddress! + token * dim
            let offset = offsets.baseAddress! + domain * dim
            if let layerState {
              // z = N(0, I) (unscaled, it evolves) and the noise-free part kept apart.
              let z = UnsafeMutableBufferPointer(start: layerState.noise + local * dim, count: dim)
              NormalSampler.fill(z, scale: 1, using: &generator)
              let base = layerState.base + local * dim
              for j in 0..<dim {
                base[j] =
                  embedding[j] + offset[j]
                  + firstShare * (context?[(first + local) * dim + j] ?? 0)
                row[j] = noiseScale * z[j] + base[j]
              }
              continue
            }
            NormalSampler.fill(row, scale: noiseScale, using: &generator)
            for j in 0..<dim { row[j] += embedding[j] + offset[j] }
            if let context {
              let state = context + (first + local) * dim
              for j in 0..<dim { row[j] += firstShare * state[j] }
            }
          }
        }
      }
    }
  }
}
