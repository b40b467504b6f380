import MoESimKernels

/// The figures of one MoE layer in one step: one row of `steps.csv`.
public struct LayerStepMetrics: Sendable, Equatable {
  public var step: Int
  /// Index of the transformer block (0-based, counting dense layers too).
  public var layer: Int
  public var tokens: Int
  /// Capacity per expert in assignments; nil when dropless.
  public var capacity: Int?
  public var assignmentsKept: Int
  public var assignmentsDropped: Int
  /// Spread of assignments routed per expert, before capacity.
  public var load: LoadStatistics
  /// Mean entropy of the router's full distribution, nats.
  public var entropy: Double
  public var auxLoss: Double
  public var zLoss: Double
  /// Share of the total gate weight carried by dropped assignments.
  public var droppedGateFraction: Double
  /// Tokens all of whose assignments were dropped.
  public var tokensWithoutExpert: Int
  /// Sequence-level auxiliary loss, when `router.sequence_aux_loss` asks for it.
  public var sequenceAuxLoss: Double? = nil
  /// Expert slots padded to capacity (`E · C − kept`), when `router.pad_to_capacity` is set.
  public var paddedSlots: Int? = nil
  /// The balancing bias this step routed with (selection bias plus logit correction).
  public var bias = BiasSummary()
  /// Per-device work and traffic; nil unless `cluster.placement` is set.
  public var devices: DeviceTraffic? = nil
  /// How alike consecutive tokens of a sequence route (before capacity).
  public var locality = RoutingLocality()
  /// First choices on the same device as at the previous MoE layer; nil for the first MoE
  /// layer and without `cluster.placement`.
  public var crossLayer: CrossLayerLocality? = nil

  /// Spread of the kept assignments over the expert-parallel devices; nil without placement.
  public var deviceLoad: LoadStatistics? {
    devices.map { LoadStatistics($0.assignments.map { Int32(clamping: $0) }) }
  }

  /// MaxVio of the step (Wang et al. 2024, arXiv:2408.15664, §4.1): `max_i load_i / mean − 1`.
  public var maxViolation: Double { load.maxOverMean - 1 }
}

/// Totals over a run: per-expert counts and the headline figures of `summary.csv`.
public struct RunTotals: Sendable, Equatable {
  /// Transformer-block index of each MoE layer, in order.
  public let layers: [Int]
  public let experts: Int
  /// `moeLayers × experts` assignments kept over the run.
  public private(set) var keptPerExpert: [Int]
  /// `moeLayers × experts` assignments dropped over the run.
  public private(set) var droppedPerExpert: [Int]
  public private(set) var tokens = 0
  public private(set) var assignmentsKept = 0
  public private(set) var assignmentsDropped = 0
  public private(set) var layerSteps = 0
  public private(set) var maxOverMeanSum = 0.0
  public private(set) var worstMaxOverMean = 0.0
  public private(set) var auxLossSum = 0.0
  public private(set) var zLossSum = 0.0
  public private(set) var entropySum = 0.0
  public private(set) var tokensWithoutExpert = 0
  public private(set) var coefficientOfVariationSum = 0.0
  /// Consecutive-token and cross-layer figures over every layer and step.
  public private(set) var locality = RoutingLocality()
  public private(set) var crossLayer = CrossLayerLocality()
  /// Sums over placed layer steps of the per-device max/mean, CV and balancedness.
  public private(set) var deviceLayerSteps = 0
  public private(set) var deviceMaxOverMeanSum = 0.0
  public private(set) var deviceCoefficientOfVariationSum = 0.0
  public private(set) var balancednessSum = 0.0
  /// How the run computed its router logits (token tiles for routers of few experts that
  /// take them).
  public internal(set) var logitsLayout = TokenTiles.Layout.rows
  /// The expert placement the run ends with (nil without `cluster.placement`).
  public internal(set) var finalPlacement: RunPlacement?

  public init(layers: [Int], experts: Int) {
    self.layers = layers
    self.experts = experts
    keptPerExpert = Array(repeating: 0, count: layers.count * experts)
    droppedPerExpert = Array(repeating: 0, count: layers.count * experts)
  }

  /// Adds one layer's step; `ordinal` is the MoE layer's position in `layers`.
  mutating func add(
    _ metrics: LayerStepMetrics, ordinal: Int, routed: UnsafePointer<Int32>,
    kept: UnsafePointer<Int32>
  ) {
    if ordinal == 0 { tokens += metrics.tokens }
    assignmentsKept += metrics.assignmentsKept
    assignmentsDropped += metrics.assignmentsDropped
    layerSteps += 1
    maxOverMeanSum += metrics.load.maxOverMean
    worstMaxOverMean = max(worstMaxOverMean, metrics.load.maxOverMean)
    auxLossSum += metrics.auxLoss
    zLossSum += metrics.zLoss
    entropySum += metrics.entropy
    tokensWithoutExpert += metrics.tokensWithoutExpert
    coefficientOfVariationSum += metrics.load.coefficientOfVariation
    locality.add(metrics.locality)
    if let crossLayer = metrics.crossLayer { self.crossLayer.add(crossLayer) }
    if let device = metrics.deviceLoad {
      deviceLayerSteps += 1
      deviceMaxOverMeanSum += device.maxOverMean
      deviceCoefficientOfVariationSum += device.coefficientOfVariation
      balancednessSum += 1 / device.maxOverMean
    }
    let base = ordinal * experts
    for expert in 0..<experts {
      keptPerExpert[base + expert] += Int(kept[expert])
      droppedPerExpert[base + expert] += Int(routed[expert] - kept[expert])
    }
  }

  /// Counts tokens of a model without MoE layers, which nothing routes.
  mutating func countTokensWithoutRouting(_ count: Int) { tokens += count }

  /// Dropped share of all assignments.
  public var dropFraction: Double {
    let total = assignmentsKept + assignmentsDropped
    return total > 0 ? Double(assignmentsDropped) / Double(total) : 0
  }

  func mean(_ sum: Double) -> Double { layerSteps > 0 ? sum / Double(layerSteps) : 0 }
  public var meanMaxOverMean: Double { mean(maxOverMeanSum) }
  public var auxLossMean: Double { mean(auxLossSum) }
  public var zLossMean: Double { mean(zLossSum) }
  public var entropyMean: Double { mean(entropySum) }
  public var coefficientOfVariationMean: Double { mean(coefficientOfVariationSum) }
  /// Means over placed layer steps of the per-device figures; nil without placement.
  public var deviceMeans: (maxOverMean: Double, coefficientOfVariation: Double, balancedness: Double)? {
    guard deviceLayerSteps > 0 else { return nil }
    let steps = Double(deviceLayerSteps)
    return (
      deviceMaxOverMeanSum / steps, deviceCoefficientOfVariationSum / steps, balancednessSum / steps
    )
  }
  /// Mean over layer steps of each step's MaxVio (`MaxVio_batch`).
  public var maxViolationBatchMean: Double { meanMaxOverMean - 1 }

  /// `MaxVio_global` (Wang et al. 2024, arXiv:2408.15664, §4.1): per MoE layer, the largest
  /// expert's share of the layer's assignments over the whole run, over the mean share, minus
  /// 1; averaged over layers. nil before any assignment.
  public var maxViolationGlobal: Double? {
    var sum = 0.0
    var counted = 0
    for ordinal in layers.indices {
      let base = ordinal * experts
      let loads = (0..<experts).map { keptPerExpert[base + $0] + droppedPerExpert[base + $0] }
      let total = loads.reduce(0, +)
      guard total > 0, let largest = loads.max() else { continue }
      sum += Double(largest) * Double(experts) / Double(total) - 1
      counted += 1
    }
    return counted > 0 ? sum / Double(counted) : nil
  }
}
