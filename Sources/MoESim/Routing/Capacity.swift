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
    /// Per expert, the smallest sort key it keeps (0 when it keeps every assignment).
    var smallestKept: [UInt64]
    /// Four tables of `experts` partial counts.
    var counts: [Int32]

    init(assignments: Int, experts: Int) {
      dropped = [UInt8](repeating: 0, count: assignments)
      keys = [UInt64](repeating: 0, count: assignments)
      offsets = [Int](repeating: 0, count: experts + 1)
      running = [Int32](repeating: 0, count: experts)
      smallestKept = [UInt64](repeating: 0, count: experts)
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
    if policy == .probs {
      findSmallestKept(selected, gates, assignments, experts, capacity, routed, &scratch)
    }
    droppedFlags.withUnsafeMutableBufferPointer { flags in
      if policy == .position {
        markByPosition(selected, assignments, capacity, &scratch.running, flags)
      }
      scratch.smallestKept.withUnsafeBufferPointer { smallestKept in
        let dropped = flags.baseAddress!
        // Without branches on the flags (which assignments drop is data, not a pattern), and in
        // locals: the closure's captures live in memory, where each addition would wait for the
        // previous store. The dropped mass is summed per token, then over tokens.
        var droppedMass = 0.0
        var withoutExpert = 0
        for token in 0..<tokens {
          var keptHere = 0
          var droppedHere = 0.0
          for index in token * k..<(token + 1) * k {
            let expert = Int(selected[index])
            let valid: UInt8 = expert >= 0 ? 1 : 0
            if policy == .probs {
              // Dropped when below the smallest key its expert keeps; empty slots (expert −1)
              // read expert 0's bound and are masked out (`&`, as `&&` would branch).
              let below: UInt8 = gateKey(gates, index) < smallestKept[max(expert, 0)] ? 1 : 0
              dropped[index] = below & valid
            }
            let flag = Int(dropped[index])
            // Gates are finite and ≥ 0: times 0 or 1 is exact.
            droppedHere += Double(gates[index]) * Double(flag)
            keptHere &+= Int(valid) &- flag
          }
          droppedMass += droppedHere
          withoutExpert &+= keptHere == 0 ? 1 : 0
        }
        outcome.droppedGateMass = droppedMass
        outcome.tokensWithoutExpert = withoutExpert
      }
    }
    return outcome
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

  /// Finds, for each over-full expert, the smallest `gateKey` it keeps under `probs` (0 for the
  /// others, which keep every key): every key goes to its expert's bucket (a counting sort), and
  /// each over-full bucket is partially ordered so that its `capacity` largest come first.
  private static func findSmallestKept(
    _ selected: UnsafePointer<Int32>, _ gates: UnsafePointer<Float>, _ assignments: Int,
    _ experts: Int, _ capacity: Int, _ routed: UnsafePointer<Int32>, _ scratch: inout Scratch
  ) {
    scratch.offsets.withUnsafeMutableBufferPointer { offsets in
      scratch.running.withUnsafeMutableBufferPointer { running in
        scratch.smallestKept.withUnsafeMutableBufferPointer { smallestKept in
          scratch.keys.withUnsafeMutableBufferPointer { keys in
            offsets[0] = 0
            for expert in 0..<experts {
              offsets[expert + 1] = offsets[expert] + Int(routed[expert])
              running[expert] = 0
              smallestKept[expert] = 0
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
              var smallest = UInt64.max
              for key in bucket[0..<capacity] { smallest = min(smallest, key) }
              smallestKept[expert] = smallest
            }
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
