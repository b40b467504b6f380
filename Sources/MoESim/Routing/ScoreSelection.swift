import MoESimKernels

/// Group-limited routing: experts split into `groups` equal groups (DeepSeek-V3 `n_group`), of
/// which each token may use the best `topKGroups` (`topk_group`). `groups == 1` is unlimited.
struct GroupLimit: Sendable, Equatable {
  var groups: Int
  var topKGroups: Int
  /// A group is ranked by the sum of its this many highest scores (`RouterSpec.GroupScore`);
  /// a group of fewer experts sums them all.
  var scoredExperts: Int = 2

  static let none = GroupLimit(groups: 1, topKGroups: 1)

  var isLimiting: Bool { groups > 1 && topKGroups < groups }
}

/// Top-k selection over one token's scores with an optional selection bias and group limit,
/// the selection step every token-choice router shares.
///
/// - Selection bias (DeepSeek-V3, §2.1.2, eq. 16): experts are ranked by `s_i + b_i`, but the
///   gates keep the unbiased `s_i`.
/// - Group limit (DeepSeek-V3 node-limited routing; HF `modeling_deepseek_v3.py`
///   `MoEGate`): each group is scored by the sum of its `scoredExperts` highest (biased)
///   scores, the best `topk_group` groups are kept and the rest masked out before the top-k:
///   the top 2 in transformers' DeepSeek-V3, the top `k / topk_group` in Megatron-Core's
///   `group_limited_topk` (moe_utils.py; 2 for DeepSeek-V3's k = 8, topk_group = 4), the best
///   one in DeepSeek-V2's `group_limited_greedy`. A group of one expert is scored by that expert.
/// Ties go to the lower expert or group index.
enum ScoreSelection {
  /// Writes the `k` selected experts, best (by biased score) first, into `indices` and their
  /// unbiased scores into `gates`.
  /// - Parameters:
  ///   - scores: `experts` values (a router row; it may be padded).
  ///   - bias: `experts` values or nil.
  ///   - scratch: `2 × stride` floats, `stride ≥ experts` rounded up to 16.
  @inline(__always)
  static func select(
    _ scores: UnsafePointer<Float>, experts: Int, k: Int, bias: UnsafePointer<Float>?,
    limit: GroupLimit, scratch: UnsafeMutablePointer<Float>,
    indices: UnsafeMutablePointer<Int32>, gates: UnsafeMutablePointer<Float>
  ) {
    guard bias != nil || limit.isLimiting else {
      TopKSelection.select(scores, count: experts, k: k, indices: indices, best: gates)
      return
    }
    let ranking = scratch
    if let bias {
      for expert in 0..<experts { ranking[expert] = scores[expert] + bias[expert] }
    } else {
      ranking.update(from: scores, count: experts)
    }
    if limit.isLimiting {
      maskWeakGroups(ranking, experts: experts, limit: limit, groupScores: scratch + experts)
    }
    TopKSelection.select(ranking, count: experts, k: k, indices: indices, best: gates)
    for slot in 0..<k { gates[slot] = scores[Int(indices[slot])] }
  }

  /// Sets the ranking of every expert outside the best `topKGroups` groups to −∞.
  @inline(__always)
  static func maskWeakGroups(
    _ ranking: UnsafeMutablePointer<Float>, experts: Int, limit: GroupLimit,
    groupScores: UnsafeMutablePointer<Float>
  ) {
    let groupSize = experts / limit.groups
    let summed = min(limit.scoredExperts, groupSize)
    for group in 0..<limit.groups {
      let members = group * groupSize..<(group + 1) * groupSize
      guard summed > 2 else {
        var first = -Float.infinity
        var second = -Float.infinity
        for expert in members {
          let value = ranking[expert]
          if value > first {
            second = first
            first = value
          } else if value > second {
            second = value
          }
        }
        groupScores[group] = summed == 2 ? first + second : first
        continue
      }
      // More than two: pick the best `summed` from a copy, after the `groups` scores (a group
      // of at least two in at least two groups leaves room: `groups + groupSize ≤ experts`).
      let copy = groupScores + limit.groups
      for (offset, expert) in members.enumerated() { copy[offset] = ranking[expert] }
      var total: Float = 0
      for _ in 0..<summed {
        var best = 0
        for offset in 1..<groupSize where copy[offset] > copy[best] { best = offset }
        total += copy[best]
        copy[best] = -.infinity
      }
      groupScores[group] = total
    }
    // Mark the kept groups by replacing their score with +∞, best first; ties to the lower index.
    for _ in 0..<limit.topKGroups {
      var best = -1
      for group in 0..<limit.groups where groupScores[group] != .infinity {
        if best < 0 || groupScores[group] > groupScores[best] { best = group }
      }
      if best >= 0 { groupScores[best] = .infinity }
    }
    for group in 0..<limit.groups where groupScores[group] != .infinity {
      for expert in group * groupSize..<(group + 1) * groupSize { ranking[expert] = -.infinity }
    }
  }
}
