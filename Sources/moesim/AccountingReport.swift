import Foundation
import MoESim

/// Terminal text for `moesim params` and `moesim memory`; the CSV forms carry full precision.
enum AccountingReport {
  static let gib = 1_073_741_824.0

  /// Decimal gigabytes, as model sizes are quoted (`140.00 GB`).
  static func gigabytes(_ bytes: Double) -> String { String(format: "%.2f GB", bytes / 1e9) }
  /// Binary gibibytes, as device memory is quoted (`80.0 GiB`).
  static func gibibytes(_ bytes: Double) -> String { String(format: "%.1f GiB", bytes / gib) }
  /// `2.64e+11`.
  static func flops(_ value: Double) -> String { String(format: "%.3g", value) }

  /// Left-aligned first cell, right-aligned others.
  static func row(_ cells: [String], widths: [Int]) -> String {
    zip(cells, widths).enumerated().map { index, pair in
      let padding = String(repeating: " ", count: max(0, pair.1 - pair.0.count))
      return index == 0 ? pair.0 + padding : padding + pair.0
    }.joined(separator: " ")
  }

  static func parameters(scenario: Scenario, count: ParameterCount) -> String {
    let precision = scenario.precision
    let memory = DeviceMemory(scenario: scenario)
    let device = memory.worst
    let widths = [18, 10, 10, 7, 12, 12]
    var lines = [
      "\(scenario.name): parameters by component; weights \(precision.weights.rawValue)"
        + String(format: " (%g bits each)", precision.weightBits)
        + (precision.expertWeights == precision.weights
          ? ""
          : ", routed experts \(precision.expertWeights.rawValue)"
            + String(format: " (%g bits each)", precision.expertWeightBits))
        + "; per device: fullest of \(memory.layout.devices) (\(memory.layout.description),"
        + " stage \(device.index))",
      "",
      row(["component", "total", "active", "share", "bytes", "per device"], widths: widths),
    ]
    for component in count.components {
      lines.append(
        row(
          [
            component.name, Report.count(component.total), Report.count(component.active),
            Report.percent(count.total > 0 ? component.total / count.total : 0),
            gigabytes(component.weightBytes(precision)),
            gigabytes(device.componentWeightBytes[component.name] ?? 0),
          ], widths: widths))
    }
    let mainBytes = count.components.map { $0.weightBytes(precision) }.reduce(0, +)
    let mainOnDeviceBytes = device.componentWeightBytes.keys.sorted().filter { $0 != "mtp" }
      .map { device.componentWeightBytes[$0] ?? 0 }.reduce(0, +)
    lines.append(
      row(
        [
          "total", Report.count(count.total), Report.count(count.active), "100.0%",
          gigabytes(mainBytes), gigabytes(mainOnDeviceBytes),
        ], widths: widths))
    for extra in count.extras {
      lines.append(
        row(
          [
            "+ \(extra.name) (apart)", Report.count(extra.total), Report.count(extra.active), "",
            gigabytes(extra.weightBytes(precision)),
            gigabytes(device.componentWeightBytes[extra.name] ?? 0),
          ], widths: widths))
    }
    lines.append("")
    let convention =
      scenario.model.activeCountsEmbedding
      ? "counts the input embedding (model.active_counts_embedding = true)"
      : "leaves out the input embedding (model.active_counts_embedding = false)"
    lines.append(
      "active per token: \(Report.percent(count.total > 0 ? count.active / count.total : 0))"
        + " of total; the table \(convention)")
    lines.append(
      "active with the input embedding \(Report.count(count.activeWithEmbedding)),"
        + " without it \(Report.count(count.activeWithoutEmbedding))")
    if !count.extras.isEmpty {
      lines.append("total with the extra modules: \(Report.count(count.totalWithExtras))")
    }
    return lines.joined(separator: "\n")
  }

  static func compute(scenario: Scenario) -> String {
    let cost = ComputeCost(model: scenario.model, context: scenario.memory.context)
    var lines = [
      "FLOPs per token at a context of \(cost.context) tokens (memory.context):",
      "  forward   \(flops(cost.forwardFLOPsPerToken)) = matmul "
        + "\(flops(cost.forwardMatmulFLOPsPerToken)) + router "
        + "\(flops(cost.forwardRouterFLOPsPerToken)) + attention "
        + "\(flops(cost.forwardAttentionFLOPsPerToken))",
      "  training  \(flops(cost.trainingFLOPsPerToken)) (3 × forward); 6·N rule "
        + "\(flops(cost.sixNFLOPsPerToken)) with N = \(Report.count(cost.activeParameters)) active"
        + String(
          format: " (exact / 6·N = %.3f)", cost.trainingFLOPsPerToken / cost.sixNFLOPsPerToken),
      "Chinchilla-optimal tokens (20 per parameter): \(Report.count(cost.chinchillaTokensForTotal))"
        + " on total parameters, \(Report.count(cost.chinchillaTokensForActive)) on active",
    ]
    if let tokens = scenario.compute.trainingTokens {
      lines.append(
        "training on \(Report.count(tokens)) tokens: \(flops(cost.trainingFLOPs(tokens: tokens)))"
          + " FLOPs (6·N·D: \(flops(cost.sixNDFLOPs(tokens: tokens))))")
    }
    return lines.joined(separator: "\n")
  }

  static func memory(scenario: Scenario) -> String {
    let memory = DeviceMemory(scenario: scenario)
    let spec = scenario.memory
    let kinds = ResultTables.memoryKinds(spec.mode)
    var lines = [
      "\(scenario.name): \(spec.mode.rawValue) memory per device; "
        + "\(memory.layout.devices) devices × \(gibibytes(memory.capacityBytes)) "
        + "(\(memory.layout.description))",
      "  precision: weights \(scenario.precision.weights.rawValue)"
        + (scenario.precision.expertWeights == scenario.precision.weights
          ? "" : " (routed experts \(scenario.precision.expertWeights.rawValue))")
        + ", KV cache \(scenario.precision.kvCache.rawValue), activations "
        + "\(scenario.precision.activations.rawValue); batch \(spec.batch) × context "
        + "\(spec.context)"
        + (spec.mode == .training
          ? ", ZeRO stage \(spec.zeroStage), recompute \(spec.recompute.rawValue)" : "")
        + (spec.mode == .inference
          ? spec.prefillChunkTokens.map { ", prefill chunks of \($0) tokens" } ?? "" : ""),
      "",
    ]
    lines += table(memory, kinds: kinds)
    lines.append("")
    let worst = memory.worst
    let verdict = memory.fits ? "fits" : "does NOT fit"
    lines.append(
      "verdict: \(verdict): fullest device (stage \(worst.index)) needs "
        + "\(gibibytes(worst.totalBytes)) of \(gibibytes(memory.capacityBytes))")
    if let smallest = SmallestLayout.find(for: scenario) {
      lines.append(
        "smallest fit: \(smallest.layout.devices) devices (\(smallest.layout.description)),"
          + " fullest device \(gibibytes(smallest.worst.totalBytes))")
    } else {
      lines.append(
        "smallest fit: none with dp = \(scenario.cluster.layout.dp), tp ≤ "
          + "\(scenario.cluster.maxTP) (cluster.max_tp), pp ≤ \(scenario.model.layers)")
    }
    return lines.joined(separator: "\n")
  }

  static func table(_ memory: DeviceMemory, kinds: [DeviceMemory.Kind]) -> [String] {
    let headers = ["stage", "layers"] + kinds.map(\.rawValue) + ["total", "fits"]
    let widths = [5, 9] + kinds.map { max(11, $0.rawValue.count) } + [11, 5]
    var lines = [row(headers, widths: widths)]
    for stage in memory.stages {
      let cells =
        ["\(stage.index)", "\(stage.firstBlock)-\(stage.endBlock - 1)"]
        + kinds.map { gibibytes(stage.bytes[$0] ?? 0) }
        + [gibibytes(stage.totalBytes), stage.totalBytes <= memory.capacityBytes ? "yes" : "no"]
      lines.append(row(cells, widths: widths))
    }
    return lines
  }
}
