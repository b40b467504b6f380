/// The decisions of a CSV trace as its rows are read, laid out `steps × layers × tokens ×
/// slots`: each (step, MoE layer, token) takes its experts in file order, empty slots −1 with
/// gate 0. `slots` starts at the router's top k and the table is re-laid wider when a token has
/// more rows (at most one row per expert, so at most `maximumSlots`); `trim` narrows it to the
/// fullest token, so the layout is the one a pass that first counted every token's rows gives.
struct DecisionTable {
  /// (step, MoE layer, token) triples.
  let tokenSlots: Int
  let maximumSlots: Int
  private(set) var slots: Int
  private(set) var selected: [Int32]
  private(set) var gates: [Float]
  /// Rows taken so far, per (step, MoE layer, token).
  private(set) var filled: [Int32]

  init(tokenSlots: Int, slots: Int, maximumSlots: Int) {
    self.tokenSlots = tokenSlots
    self.maximumSlots = max(1, maximumSlots)
    self.slots = min(max(1, slots), self.maximumSlots)
    selected = [Int32](repeating: -1, count: tokenSlots * self.slots)
    gates = [Float](repeating: 0, count: tokenSlots * self.slots)
    filled = [Int32](repeating: 0, count: tokenSlots)
  }

  /// Adds `expert` with `gate` to the triple `slot`; false (and nothing added) when that expert
  /// is already recorded there.
  mutating func add(slot: Int, expert: Int32, gate: Float) -> Bool {
    let taken = Int(filled[slot])
    for index in 0..<taken where selected[slot * slots + index] == expert { return false }
    if taken == slots { relayout(slots: min(maximumSlots, 2 * slots)) }
    selected[slot * slots + taken] = expert
    gates[slot * slots + taken] = gate
    filled[slot] += 1
    return true
  }

  /// Narrows the table to the most rows any triple has (at least 1).
  mutating func trim() {
    let fullest = max(1, Int(filled.max() ?? 0))
    if fullest != slots { relayout(slots: fullest) }
  }

  private mutating func relayout(slots wider: Int) {
    var newSelected = [Int32](repeating: -1, count: tokenSlots * wider)
    var newGates = [Float](repeating: 0, count: tokenSlots * wider)
    for slot in 0..<tokenSlots {
      for index in 0..<min(Int(filled[slot]), wider) {
        newSelected[slot * wider + index] = selected[slot * slots + index]
        newGates[slot * wider + index] = gates[slot * slots + index]
      }
    }
    selected = newSelected
    gates = newGates
    slots = wider
  }
}
