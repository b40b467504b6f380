/// The smallest device count on which a scenario's model fits, and the layout that achieves it.
///
/// The search keeps the scenario's data-parallel degree, expert-TP degree, mode, batch, context,
/// precision and ZeRO stage, and tries every tensor-parallel degree dividing the attention heads
/// up to `cluster.max_tp`, every pipeline depth up to the number of blocks and every expert-
/// parallel degree dividing the experts that the layout rules allow (`ep × expert_tp` dividing
/// `tp × dp`). Among layouts with the fewest devices it takes the one with the least memory on
/// its fullest device, then the fewest pipeline stages, then the smallest `tp`: deterministic.
public enum SmallestLayout {
  /// The fitting layout with the fewest devices, or nil when none fits within the search.
  public static func find(for scenario: Scenario) -> DeviceMemory? {
    let model = scenario.model
    let parts = ParameterBreakdown(model: model)
    let base = scenario.cluster.layout
    let heads = model.attention.heads
    let tensorDegrees = (1...max(1, min(heads, scenario.cluster.maxTP))).filter {
      heads % $0 == 0
    }
    let experts = model.moe?.experts ?? 1
    let expertDegrees = (1...experts).filter { experts % $0 == 0 }
    var best: (devices: Int, bytes: Double, pp: Int, tp: Int, memory: DeviceMemory)?
    for pp in 1...model.layers {
      for tp in tensorDegrees {
        let devices = tp * pp * base.dp
        if let best, devices > best.devices { continue }
        for ep in expertDegrees where (tp * base.dp) % (ep * base.expertTP) == 0 {
          let layout = ParallelLayout(tp: tp, ep: ep, expertTP: base.expertTP, dp: base.dp, pp: pp)
          let memory = DeviceMemory(
            model: model, parts: parts, precision: scenario.precision, memory: scenario.memory,
            sharding: WeightSharding(scenario: scenario, layout: layout),
            capacityBytes: scenario.cluster.deviceMemoryBytes)
          guard memory.fits else { continue }
          let bytes = memory.worst.totalBytes
          let candidate = (devices, bytes, pp, tp, memory)
          if let current = best {
            let better =
              (devices, bytes, pp, tp) < (current.devices, current.bytes, current.pp, current.tp)
            if !better { continue }
          }
          best = candidate
        }
      }
      // More stages only add devices once a fit with fewer exists at every tp.
      if let best, best.devices < (pp + 1) * base.dp { break }
    }
    return best?.memory
  }
}
