import MoESimKernels

/// Replays recorded decisions (`RoutingTrace`, decisions layout): each token's experts and gates
/// come from the trace instead of a router. There are no router probabilities, so the
/// distribution the losses see is each token's gates normalised to 1 (as for `hash`), and the
/// z-loss and entropy are 0.
struct RecordedRouter: Router {
  let trace: RoutingTrace

  var slotsPerToken: Int { trace.slots }

  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    let slots = trace.slots
    let key = block.randomKey
    let first = key.block * Simulation.blockTokens
    let base = ((key.step * trace.layers + key.layer) * trace.tokens + first) * slots
    trace.selected.withUnsafeBufferPointer { recorded in
      trace.gates.withUnsafeBufferPointer { recordedGates in
        for token in 0..<block.tokens {
          let row = block.logits + token * block.stride
          row.update(repeating: 0, count: block.experts)
          var mass: Float = 0
          for slot in 0..<slots {
            let index = token * slots + slot
            block.selected[index] = recorded[base + index]
            block.gates[index] = recordedGates[base + index]
            mass += recordedGates[base + index]
          }
          guard mass > 0 else { continue }
          for slot in 0..<slots where block.selected[token * slots + slot] >= 0 {
            let expert = Int(block.selected[token * slots + slot])
            let share = block.gates[token * slots + slot] / mass
            row[expert] += share
            block.probabilitySums[expert] += share
          }
        }
      }
    }
  }
}

/// Routes recorded router logits (`RoutingTrace`, logits layout) with the scenario's router
/// kind: the block's logits are replaced by the recorded ones before `inner` routes them.
struct ReplayedLogits<Inner: Router>: Router {
  let inner: Inner
  let trace: RoutingTrace

  var slotsPerToken: Int { inner.slotsPerToken }

  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    let key = block.randomKey
    let experts = block.experts
    let first = key.block * Simulation.blockTokens
    let base = ((key.step * trace.layers + key.layer) * trace.tokens + first) * experts
    trace.logits.withUnsafeBufferPointer { recorded in
      for token in 0..<block.tokens {
        let row = block.logits + token * block.stride
        // `experts` is at least 1, so the buffer is non-empty.
        if let source = recorded.baseAddress {
          row.update(from: source + base + token * experts, count: experts)
        }
      }
    }
    inner.route(block, kernels: kernels, sums: &sums)
  }
}

/// Copies each block's router logits into `buffer` (`MoE layers × tokens × experts` of one step)
/// before `inner` routes them, so a run's logits can be exported as a trace.
struct RecordingLogits<Inner: Router>: Router {
  let inner: Inner
  let buffer: SharedPointer<Float>
  let tokens: Int

  var slotsPerToken: Int { inner.slotsPerToken }

  @inline(__always)
  func route(_ block: RouterBlock, kernels: KernelSet, sums: inout RouterBlockSums) {
    let key = block.randomKey
    let experts = block.experts
    let first = key.block * Simulation.blockTokens
    let destination = buffer + (key.layer * tokens + first) * experts
    for token in 0..<block.tokens {
      (destination + token * experts).update(
        from: block.logits + token * block.stride, count: experts)
    }
    inner.route(block, kernels: kernels, sums: &sums)
  }
}
