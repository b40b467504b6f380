/// The smallest device count on which a scenario's model fits, and the layout that achieves it.
///
/// The search keeps the scenario's data-parallel degree, expert-TP degree, mode, batch, context,
/// precision and ZeRO stage, and tries every tensor-parallel degree dividing the attention heads
/// up to `cluster.max_tp`, every pipeline depth up to the number of blocks and every expert-
/// parallel degree dividing the experts that the layout rules allow (`ep × expert_tp` dividing
/// `tp × dp`). Among layouts with the fewest devices it takes the one with the least memory on
/// its fullest device, then the fewest pipeline stages, then the smallest `tp` (then `ep`):
/// deterministic.
///
/// For each `tp` and `ep` only the shallowest fitting pipeline can be the answer (deeper ones add
/// devices), and two lower bounds on the fullest device skip the depths that cannot fit without
/// estimating them: the stages together hold at least the one-stage layout's weights, gradients,
/// optimizer states and KV cache (so the fullest holds at least that over the stage count), and
/// some stage holds `DeviceMemory.activationFloor`. Deeper pipelines are then tried from the
/// shallowest the bounds allow, each first by its first two and last stages alone; so the search
/// estimates a few whole layouts per `tp` and `ep`, each in time linear in its stages, whatever
/// the number of layers.
public enum SmallestLayout {
  /// Relative slack on the lower bounds, so that rounding never skips a layout that fits.
  static let boundSlack = 1e-9

  /// The fitting layout with the fewest devices, or nil when none fits within the search.
  public static func find(for scenario: Scenario) -> DeviceMemory? {
    let model = scenario.model
    let parts = ParameterBreakdown(model: model)
    let census = BlockCensus(parts.blocks)
    let base = scenario.cluster.layout
    let capacity = scenario.cluster.usableMemoryBytes
    let heads = model.attention.heads
    let tensorDegrees = (1...max(1, min(heads, scenario.cluster.maxTP))).filter {
      heads % $0 == 0
    }
    let experts = model.moe?.experts ?? 1
    let expertDegrees = (1...experts).filter { experts % $0 == 0 }
    func estimate(_ layout: ParallelLayout) -> DeviceMemory {
      DeviceMemory(
        model: model, parts: parts, census: census, precision: scenario.precision,
        memory: scenario.memory, sharding: WeightSharding(scenario: scenario, layout: layout),
        capacityBytes: capacity)
    }
    let ceiling = capacity * (1 + boundSlack)
    var best: (devices: Int, bytes: Double, pp: Int, tp: Int, memory: DeviceMemory)?
    for tp in tensorDegrees {
      for ep in expertDegrees where (tp * base.dp) % (ep * base.expertTP) == 0 {
        let layout = { (pp: Int) in
          ParallelLayout(tp: tp, ep: ep, expertTP: base.expertTP, dp: base.dp, pp: pp)
        }
        let floor = DeviceMemory.activationFloor(
          model: model, census: census, precision: scenario.precision, memory: scenario.memory,
          tp: Double(tp))
        guard floor <= ceiling else { continue }
        let single = estimate(layout(1))
        let held = single.stages[0].totalBytes - (single.stages[0].bytes[.activations] ?? 0)
        let shallowest = max(1, Int(min(Double(model.layers), (held / ceiling).rounded(.up))))
        for pp in shallowest...model.layers {
          let devices = tp * pp * base.dp
          if let best, devices > best.devices { break }
          // The first two stages (the embedding, the most micro-batches in flight) and the last
          // (the head, its logits) are the usual fullest: checked alone before the whole layout.
          let sharding = WeightSharding(scenario: scenario, layout: layout(pp))
          let stages = DeviceMemory.stageCount(layout: layout(pp), blocks: parts.blocks.count)
          let overflows = Set([0, min(1, stages - 1), stages - 1]).contains { index in
            DeviceMemory.stage(
              index, of: stages, model: model, parts: parts, census: census,
              precision: scenario.precision, memory: scenario.memory, sharding: sharding
            ).totalBytes > capacity
          }
          if overflows { continue }
          let memory = pp == 1 ? single : estimate(layout(pp))
          guard memory.fits else { continue }
          let bytes = memory.worst.totalBytes
          if let current = best,
            !((devices, bytes, pp, tp) < (current.devices, current.bytes, current.pp, current.tp))
          {
            break
          }
          best = (devices, bytes, pp, tp, memory)
          break
        }
      }
    }
    return best?.memory
  }
}
