import Foundation

/// Expert capacity and token dropping for one MoE layer and one step (the whole batch).
///
/// `capacity = ceil(T · k / E · capacity_factor)` assignments per expert, computed per batch as
/// Megatron-Core's `get_capacity` does (moe_utils.py) and as in Switch Transformer (Fedus et al.
/// 2022, eq. 3, with k = 1). An expert routed more assignments than its capacity drops the excess:
/// `probs` keeps the highest gates, `position` keeps the earliest tokens (both as Megatron-Core's
/// `moe_token_drop_policy`). Ties in `probs` go to the earlier token.
public enum Capacity {
  /// Assignments one expert may take, or nil when dropless; at least `minimum` (Megatron-Core's
  /// `get_capacity(..., min_capacity)`, moe_utils.py: a capacity below it is raised to it).
  public static func perExpert(
    tokens: Int, topK: Int, experts: Int, factor: Double?, minimum: Int = 0
  ) -> Int? {
    guard let factor else { return nil }
    return max(
      minimum, Int((Double(tokens) * Double(topK) / Double(experts) * factor).rounded(.up)))
  }

  /// Reusable buffers for `apply`, sized for one layer's step.
  struct Scratch {
    /// 1 for each dropped assignment, 0 for the others (and for empty slots).
    var dropped: [UInt8]
    var offsets: [Int]
    var running: [Int32]
    /// Sort keys of the assignments, bucketed by expert.
    var keys: [UInt64]
    /// Four tables of `experts` partial counts.
    var counts: [Int32]

    init(assignments: Int, experts: Int) {
      dropped = [UInt8](repeating: 0, count: assignments)
      keys = [UInt64](repeating: 0, count: assignments)
      offsets = [Int](repeating: 0, count: experts + 1)
      running = [Int32](repeating: 0, count: experts)
      counts = [Int32](repeating: 0, count: 4 * experts)
    }
  }

  /// What dropping did to one layer's step.
  struct Outcome: Equatable {
    var droppedGateMass: Double = 0
    var totalGateMass: Double = 0
    /// Tokens all of whose assignments were dropped (they pass only through the residual).
    var tokensWithoutExpert = 0
    /// Expert slots the capacity provides in all (`E · C`, summed over sequences when the
    /// capacity is per sequence); 0 when dropless.
    var capacitySlots = 0
  }

  /// Counts routed and kept assignments per expert and marks the dropped ones. Empty slots
  /// (expert -1) are neither routed nor kept; a token whose slots are all empty or dropped counts
  /// as without expert.
  ///
  /// - Parameters:
  ///   - selected, gates: `tokens × k`, in token order.
  ///   - routed, kept: `experts` outputs: assignments per expert before and after capacity.
  static func apply(
    selected: UnsafePointer<Int32>, gates: UnsafePointer<Float>, tokens: Int, topK k: Int,
    experts: Int, capacity: Int?, policy: DropPolicy, scratch: inout Scratch,
    routed: UnsafeMutablePointer<Int32>, kept: UnsafeMutablePointer<Int32>
  ) -> Outcome {
    let assignments = tokens * k
    var outcome = Outcome()
    // Counted in four tables, by slot position, then added: with few experts, consecutive
    // assignments often hit one counter, and each increment would wait for the last one's store.
    scratch.counts.withUnsafeMutableBufferPointer { counts in
      let counts = counts.baseAddress!
      counts.update(repeating: 0, count: 4 * experts)
      // Empty slots (expert −1) count 0 into expert 0's counter.
      var empty = 0
      for index in 0..<assignments {
        let expert = Int(selected[index])
        let valid: Int32 = expert >= 0 ? 1 : 0
        counts[(index & 3) &* experts &+ max(expert, 0)] &+= valid
        empty &+= Int(1 &- valid)
      }
      if empty > 0 {
        var withoutExpert = 0
        for token in 0..<tokens {
          var routedHere = 0
          for index in token * k..<(token + 1) * k where selected[index] >= 0 { routedHere &+= 1 }
          withoutExpert &+= routedHere == 0 ? 1 : 0
        }
        outcome.tokensWithoutExpert = withoutExpert
      }
      for expert in 0..<experts {
        routed[expert] =
          (counts[expert] &+ counts[experts &+ expert])
          &+ (counts[2 &* experts &+ expert] &+ counts[3 &* experts &+ expert])
      }
    }
    outcome.totalGateMass = sum(gates, count: assignments)
    guard let capacity, (0..<experts).contains(where: { Int(routed[$0]) > capacity }) else {
      kept.update(from: routed, count: experts)
      return outcome
    }
    // Either policy keeps exactly `capacity` of an over-full expert's assignments.
    for expert in 0..<experts { kept[expert] = min(routed[expert], Int32(capacity)) }
    // Take the flags out of `scratch` so the policies can use its other buffers meanwhile.
    var droppedFlags: [UInt8] = []
    swap(&droppedFlags, &scratch.dropped)
    defer { swap(&droppedFlags, &scratch.dropped) }
    droppedFlags.withUnsafeMutableBufferPointer { flags in
      switch policy {
      case .position:
        markByPosition(selected, assignments, capacity, &scratch.running, flags)
      case .probs:
        flags.baseAddress!.update(repeating: 0, count: assignments)
        markLowestGates(selected, gates, assignments, experts, capacity, routed, &scratch, flags)
      }
      let totals = droppedTotals(
        UnsafeBufferPointer(rebasing: flags[0..<assignments]), selected, gates, topK: k)
      outcome.droppedGateMass = totals.mass
      // Tokens without a routed slot were counted above; these had slots and lost them all.
      outcome.tokensWithoutExpert &+= totals.tokensAllDropped
    }
    return outcome
  }

  /// The dropped gate mass — each token's dropped gates summed in slot order, those sums added
  /// in token order — and the tokens all of whose routed slots were dropped. The flags are read
  /// eight at a time and only the tokens of a group holding a drop are visited: a kept gate adds
  /// `gate · 0 = +0`, and a token without drops adds +0 to a sum ≥ 0, neither of which changes a
  /// bit, so the mass is the one a pass over every slot gives.
  private static func droppedTotals(
    _ flags: UnsafeBufferPointer<UInt8>, _ selected: UnsafePointer<Int32>,
    _ gates: UnsafePointer<Float>, topK k: Int
  ) -> (mass: Double, tokensAllDropped: Int) {
    var mass = 0.0
    var tokensAllDropped = 0
    // The first token not yet visited (a group of flags may end inside a token).
    var nextToken = 0
    let bytes = UnsafeRawPointer(flags.baseAddress!)
    var start = 0
    while start < flags.count {
      let width = min(8, flags.count - start)
      defer { start += width }
      if width == 8, bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self) == 0 {
        continue
      }
      // Tokens of this group not visited yet: none when a token of more than eight slots was
      // visited whole at an earlier group.
      let first = max(nextToken, start / k)
      let last = (start + width - 1) / k
      guard first <= last else { continue }
      // Without branches on the flags, which are data; the locals keep the sums in registers.
      var groupMass = mass
      var groupAllDropped = tokensAllDropped
      for token in first...last {
        var tokenMass = 0.0
        var kept = 0
        var drops = 0
        for index in token &* k..<(token &+ 1) &* k {
          let flag = Int(flags[index])
          let valid = selected[index] >= 0 ? 1 : 0
          tokenMass += Double(gates[index]) * Double(flag)
          kept &+= valid &- flag
          drops &+= flag
        }
        groupMass += tokenMass
        groupAllDropped &+= (kept == 0 ? 1 : 0) & (drops > 0 ? 1 : 0)
      }
      mass = groupMass
      tokensAllDropped = groupAllDropped
      nextToken = last + 1
    }
    return (mass, tokensAllDropped)
  }

  /// Marks each over-full expert's assignments after its first `capacity`, in token order.
  private static func markByPosition(
    _ selected: UnsafePointer<Int32>, _ assignments: Int, _ capacity: Int,
    _ running: inout [Int32], _ dropped: UnsafeMutableBufferPointer<UInt8>
  ) {
    for index in running.indices { running[index] = 0 }
    for index in 0..<assignments {
      let expert = Int(selected[index])
      dropped[index] = 0
      guard expert >= 0 else { continue }
      running[expert] += 1
      if Int(running[expert]) > capacity { dropped[index] = 1 }
    }
  }

  /// One integer key per assignment that orders as the drop policy `probs` ranks: by gate,
  /// higher first, then by earlier index. Gates are ≥ 0, whose bit patterns order as the values
  /// do (+0 for −0); every key is > 0.
  @inline(__always)
  private static func gateKey(_ gates: UnsafePointer<Float>, _ index: Int) -> UInt64 {
    let gate = gates[index] == 0 ? 0 : gates[index]
    return UInt64(gate.bitPattern) << 32 | UInt64(UInt32.max - UInt32(truncatingIfNeeded: index))
  }

  /// The assignment index a `gateKey` was made from.
  @inline(__always)
  private static func assignmentIndex(of key: UInt64) -> Int {
    Int(UInt32.max - UInt32(truncatingIfNeeded: key))
  }

  /// Flags, for each over-full expert, the assignments `probs` drops: every key goes to its
  /// expert's bucket (a counting sort), each over-full bucket is partially ordered so that its
  /// `capacity` largest come first, and the keys after them — the lowest gates, the later token
  /// on a tie — name the dropped assignments in their low 32 bits.
  private static func markLowestGates(
    _ selected: UnsafePointer<Int32>, _ gates: UnsafePointer<Float>, _ assignments: Int,
    _ experts: Int, _ capacity: Int, _ routed: UnsafePointer<Int32>, _ scratch: inout Scratch,
    _ dropped: UnsafeMutableBufferPointer<UInt8>
  ) {
    // A key holds its index in 32 bits; the working-memory check refuses steps anywhere near
    // 2³² assignments (each takes 12 bytes of step buffers for every layer of a group).
    precondition(assignments <= 1 << 32, "more assignments than a capacity key can index")
    scratch.offsets.withUnsafeMutableBufferPointer { offsets in
      scratch.running.withUnsafeMutableBufferPointer { running in
        scratch.keys.withUnsafeMutableBufferPointer { keys in
          offsets[0] = 0
          for expert in 0..<experts {
            offsets[expert + 1] = offsets[expert] + Int(routed[expert])
            running[expert] = 0
          }
          // Base pointers in locals: the buffers' own are re-read after every store otherwise.
          let keyBase = keys.baseAddress!
          let offsetBase = offsets.baseAddress!
          let runningBase = running.baseAddress!
          for index in 0..<assignments {
            let expert = Int(selected[index])
            guard expert >= 0 else { continue }
            keyBase[offsetBase[expert] &+ Int(runningBase[expert])] = gateKey(gates, index)
            runningBase[expert] &+= 1
          }
          for expert in 0..<experts where Int(routed[expert]) > capacity {
            let bucket = UnsafeMutableBufferPointer(
              rebasing: keys[offsets[expert]..<offsets[expert + 1]])
            moveLargestFirst(bucket, count: capacity)
            for key in bucket[capacity...] { dropped[assignmentIndex(of: key)] = 1 }
          }
        }
      }
    }
  }

  /// The sum of `count` gates in double precision, in four interleaved partial sums (so that
  /// the additions do not wait on one another) added in a fixed order.
  static func sum(_ gates: UnsafePointer<Float>, count: Int) -> Double {
    var partial = (0.0, 0.0, 0.0, 0.0)
    var index = 0
    while index + 4 <= count {
      partial.0 += Double(gates[index])
      partial.1 += Double(gates[index + 1])
      partial.2 += Double(gates[index + 2])
      partial.3 += Double(gates[index + 3])
      index += 4
    }
    while index < count {
      partial.0 += Double(gates[index])
      index += 1
    }
    return (partial.0 + partial.1) + (partial.2 + partial.3)
  }

  /// Reorders `keys` (distinct) so that its `count` largest come first, in no particular order:
  /// Hoare's selection (FIND, Hoare 1961) with a median-of-three pivot, O(n) on average — the
  /// drop policy needs which assignments stay, not their order. Each pass is a Lomuto partition
  /// written without branches (every key is swapped into place and the boundary advances by the
  /// comparison's 0 or 1), since which side a key falls on is a coin flip a branch predictor
  /// cannot learn.
  static func moveLargestFirst(_ keys: UnsafeMutableBufferPointer<UInt64>, count: Int) {
    guard count > 0 && count < keys.count, let base = keys.baseAddress else { return }
    var low = 0
    var high = keys.count - 1
    while low < high {
      // The median of three, moved to `high`.
      let middle = (low + high) / 2
      let first = base[low]
      let centre = base[middle]
      let last = base[high]
      let pivot = max(min(first, centre), min(max(first, centre), last))
      let pivotAt = pivot == first ? low : (pivot == centre ? middle : high)
      base[pivotAt] = last
      base[high] = pivot
      // Keys above the pivot to [low, boundary), the others after them.
      var boundary = low
      for index in low..<high {
        let key = base[index]
        base[index] = base[boundary]
        base[boundary] = key
        boundary &+= Int(unsafeBitCast(key > pivot, to: UInt8.self))
      }
      base[high] = base[boundary]
      base[boundary] = pivot
      // Now [0, boundary) > pivot at `boundary` > (boundary, end): done if `count` falls on the
      // pivot's either side, else continue in the part that holds position `count`.
      if count == boundary || count == boundary + 1 { return }
      if count < boundary {
        high = boundary - 1
      } else {
        low = boundary + 1
      }
    }
  }
}
