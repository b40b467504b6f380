/// Partial selection of the k largest values of a row, ties to the lower index, so results are
/// deterministic.
///
/// Rows of at least two 16-value chunks with `k ≤ 16` take a two-pass path. Pass one takes the
/// lane-wise maximum over the whole chunks: 16 values at 16 distinct positions, so their k-th
/// largest, `t`, is a lower bound on the row's k-th largest. Pass two marks the values `≥ t` in
/// vertical vector arithmetic only (one bit per chunk in each lane, packed into two 128-bit
/// words, whose lowest-bit walk has no branch but its exit) and gathers them, typically 8–13 for
/// k = 8 of 256; up to 16 are ranked against each other in vector lanes without branches, more
/// go through a small sorted list. Blocks of short rows (`E ≤ 16`) with `k ≤ 2` go sixteen rows
/// at a time, one per lane; other short rows take one scalar pass. Every path ranks by value,
/// then by index, so the order in which values are visited does not matter and all give the
/// same result.
///
/// Compiled into each kernel variant: the parts of `selectRows` are `@_transparent` (always
/// inlined), because an inlinable function the optimiser leaves out of line gets one
/// linker-merged copy for all modules — possibly the baseline's, without AVX.
public enum TopKSelection {
  public typealias Chunk = SIMD16<Float>

  /// Writes the indices of the `k` largest of `values[0..<count]`, largest first, into `indices`
  /// and the values into `best`. Values must not be NaN; ±infinity is allowed.
  @inlinable @inline(__always)
  public static func select(
    _ values: UnsafePointer<Float>, count: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>
  ) {
    withUnsafeTemporaryAllocation(byteCount: Scratch.bytes, alignment: 64) { scratch in
      select(
        values, count: count, k: k, indices: indices, best: best,
        scratch: Scratch(scratch.baseAddress!))
    }
  }

  /// Working memory of one selection, reused from row to row.
  @usableFromInline
  struct Scratch {
    /// Candidate values and their indices (`candidateCapacity` of each), then 5 vectors for the
    /// k-th largest, the candidate bit words and the ranked candidates.
    @usableFromInline static var bytes: Int { candidateCapacity * 8 + 5 * 64 }
    @usableFromInline let found: UnsafeMutablePointer<Float>
    @usableFromInline let foundAt: UnsafeMutablePointer<Int32>
    @usableFromInline let vectors: UnsafeMutableRawPointer

    @inlinable @inline(__always)
    init(_ base: UnsafeMutableRawPointer) {
      found = base.bindMemory(to: Float.self, capacity: candidateCapacity)
      foundAt = (base + candidateCapacity * 4).bindMemory(
        to: Int32.self, capacity: candidateCapacity)
      vectors = base + candidateCapacity * 8
    }

    /// Records `values[index]` as candidate number `count` (beyond `candidateCapacity` it is
    /// only counted) and counts it.
    @_transparent @usableFromInline
    func gather(_ values: UnsafePointer<Float>, at index: Int, count: inout Int) {
      if count < candidateCapacity {
        found[count] = values[index]
        foundAt[count] = Int32(truncatingIfNeeded: index)
      }
      count &+= 1
    }
  }

  @_transparent @usableFromInline
  static func select(
    _ values: UnsafePointer<Float>, count: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>, scratch: Scratch
  ) {
    let chunks = count / 16
    if k <= 2 && chunks < 2 {
      selectAtMostTwo(values, count: count, k: k, indices: indices, best: best)
      return
    }
    guard k <= 16 && chunks >= 2 else {
      var list = SortedList(indices: indices, best: best, k: k)
      for index in 0..<count { list.offer(values[index], at: index) }
      return
    }
    let raw = UnsafeRawPointer(values)
    // Two chunks at a time: folded in one at a time, the running maximum is split by the
    // optimiser into 4-lane pieces with shuffles between them (a third of the selection's time).
    var laneMaxima = raw.loadUnaligned(as: Chunk.self)
    var chunk = 1
    while chunk &+ 1 < chunks {
      let pair = LaneMath.maximum(
        raw.loadUnaligned(fromByteOffset: chunk &* 64, as: Chunk.self),
        raw.loadUnaligned(fromByteOffset: chunk &* 64 &+ 64, as: Chunk.self))
      laneMaxima = LaneMath.maximum(laneMaxima, pair)
      chunk &+= 2
    }
    if chunk < chunks {
      laneMaxima = LaneMath.maximum(
        laneMaxima, raw.loadUnaligned(fromByteOffset: chunk &* 64, as: Chunk.self))
    }
    guard !LaneMath.anyNonFinite(laneMaxima) else {
      // Infinite values (masked experts): the vector arithmetic below needs finite maxima.
      var list = SortedList(indices: indices, best: best, k: k)
      for index in 0..<count { list.offer(values[index], at: index) }
      return
    }
    let bound = kthLargest(of: laneMaxima, k: k, scratch: scratch.vectors)
    let found = scratch.found
    let foundAt = scratch.foundAt
    // The first 16 slots start empty: an empty slot ranks after every candidate (candidates
    // are finite).
    UnsafeMutableRawPointer(found).storeBytes(
      of: Chunk(repeating: -.greatestFiniteMagnitude), as: Chunk.self)
    UnsafeMutableRawPointer(foundAt).storeBytes(
      of: SIMD16<Int32>(repeating: .max), as: SIMD16<Int32>.self)
    var candidates = 0
    var group = 0
    while group < chunks {
      // Up to 16 chunks at once, in vertical arithmetic only: bit c of lane i is set when value
      // (group + c)·16 + i is below the bound.
      let groupChunks = min(16, chunks - group)
      // (Last chunk first, each shifting the earlier bits up by one: a shift by a constant.)
      var below = SIMD16<UInt32>()
      var chunk = groupChunks
      while chunk > 0 {
        chunk &-= 1
        let chunkValues = raw.loadUnaligned(
          fromByteOffset: (group &+ chunk) &* 64, as: Chunk.self)
        below = (below &<< 1) | LaneMath.lanesBelow(chunkValues, bound)
      }
      let groupBits = SIMD16<UInt32>(repeating: UInt32(truncatingIfNeeded: (1 << groupChunks) - 1))
      // Lanes i and i + 8 share a 32-bit word (16 bits each), two words to a 64-bit one: bit b of
      // word q is chunk b % 16 of lane 2q + b / 32 (+ 8 when bit 4 of b is set).
      let atLeast = ~below & groupBits
      scratch.vectors.storeBytes(
        of: atLeast.lowHalf | (atLeast.highHalf &<< 16), as: SIMD8<UInt32>.self)
      // Bit b of the 256 is chunk b % 16 of lane b / 32 (+ 8 when bit 4 of b is set), visited
      // as two 128-bit words: a 128-bit lowest-bit walk compiles without branches, so only the
      // two loop exits depend on the data.
      let base = group &* 16
      for half in 0..<2 {
        var bits = scratch.vectors.load(fromByteOffset: half &* 16, as: UInt128.self)
        while bits != 0 {
          let b = bits.trailingZeroBitCount &+ half &* 128
          bits &= bits &- 1
          let index = base &+ (b & 15) &<< 4 &+ b &>> 5 &+ (b & 16) &>> 1
          scratch.gather(values, at: index, count: &candidates)
        }
      }
      group += groupChunks
    }
    for index in chunks * 16..<count where values[index] >= bound {
      scratch.gather(values, at: index, count: &candidates)
    }
    if candidates <= 16 {
      selectByRank(
        found, foundAt, count: candidates, k: k, indices: indices, best: best,
        scratch: scratch.vectors)
      return
    }
    var list = SortedList(indices: indices, best: best, k: k)
    if candidates <= candidateCapacity {
      for slot in 0..<candidates { list.offer(found[slot], at: Int(foundAt[slot])) }
    } else {
      for index in 0..<count { list.offer(values[index], at: index) }
    }
  }

  /// Values at least the bound that the two-pass path gathers before selecting among them;
  /// beyond this many it takes the scalar pass.
  @inlinable static var candidateCapacity: Int { 64 }

  /// The top `k` of at most 16 candidates (`values` and their `at` indices: 16 slots each, the
  /// first `count` filled, the others holding `−greatestFiniteMagnitude` and `Int32.max`),
  /// largest first, without branches on the values: each candidate's rank — how many candidates precede
  /// it — is counted in vector lanes against each candidate in turn, broadcast, and each
  /// candidate is stored at its rank.
  ///
  /// The ranks are first counted as "how many are larger" only (4 instructions a candidate).
  /// Without equal values they are then 0, 1, …, count − 1 and `count` for every empty slot, and
  /// any equal pair lowers their sum (both get the lower rank), so the sum tells whether the
  /// count must be redone with ties going to the lower index (10 instructions a candidate).
  @_transparent @usableFromInline
  static func selectByRank(
    _ values: UnsafeMutablePointer<Float>, _ at: UnsafeMutablePointer<Int32>, count: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>,
    scratch ranked: UnsafeMutableRawPointer
  ) {
    // + 0 turns −0 into +0, so that a difference of zero means equal values. Kept at bytes
    // 192 ..< 256 for the broadcast loads, which the store forwards.
    let value = UnsafeRawPointer(values).loadUnaligned(as: Chunk.self) + Chunk(repeating: 0)
    ranked.storeBytes(of: value, toByteOffset: 192, as: Chunk.self)
    var rank = SIMD16<Int32>()
    for other in 0..<16 {
      // Candidate `other` against every lane (itself included, which adds nothing). −1 where
      // the other is larger: the sign of value − other (never zero for unequal finite values).
      let otherValue = Chunk(
        repeating: ranked.load(fromByteOffset: 192 &+ other &* 4, as: Float.self))
      rank &+= unsafeBitCast(value - otherValue, to: SIMD16<Int32>.self) &>> 31
    }
    let distinctSum = count &* (count &- 1) / 2 &+ (16 &- count) &* count
    if Int(rank.wrappedSum()) != -distinctSum {
      let index = UnsafeRawPointer(at).loadUnaligned(as: SIMD16<Int32>.self)
      rank = SIMD16<Int32>()
      for other in 0..<16 {
        let otherValue = Chunk(
          repeating: ranked.load(fromByteOffset: 192 &+ other &* 4, as: Float.self))
        let otherIndex = SIMD16<Int32>(repeating: at[other])
        let difference = unsafeBitCast(value - otherValue, to: SIMD16<Int32>.self)
        let larger = difference &>> 31
        // −1 where the difference is exactly +0 (equal values) and the other's index is lower.
        let equal = ~((difference | (0 &- difference)) &>> 31)
        let earlier = (otherIndex &- index) &>> 31
        rank &+= larger | (equal & earlier)
      }
    }
    // rank holds −(candidates preceding each lane). Store each lane at its rank in 17 slots
    // of values (bytes 0 ..< 68) and indices (68 ..< 136), empty lanes in slot 16.
    ranked.storeBytes(of: 0 &- rank, toByteOffset: 256, as: SIMD16<Int32>.self)
    for lane in 0..<16 {
      let slot = min(Int(ranked.load(fromByteOffset: 256 &+ lane &* 4, as: Int32.self)), 16)
      ranked.storeBytes(of: values[lane], toByteOffset: slot &* 4, as: Float.self)
      ranked.storeBytes(of: at[lane], toByteOffset: 68 &+ slot &* 4, as: Int32.self)
    }
    for slot in 0..<k {
      best[slot] = ranked.load(fromByteOffset: slot &* 4, as: Float.self)
      indices[slot] = ranked.load(fromByteOffset: 68 &+ slot &* 4, as: Int32.self)
    }
  }

  /// Bytes of working memory `selectRows` needs (64-byte aligned).
  public static var scratchBytes: Int { Scratch.bytes }

  /// Selects the top `k` of each of `tokens` rows (`experts` values each, row stride `stride`)
  /// into `tokens × k` indices and values, with `scratchBytes` of working memory.
  ///
  /// It contains no closure: each kernel variant's module inlines all of it, whereas a closure
  /// of an inlinable function gets one linker-merged symbol for every module, which may be
  /// the baseline's code. The caller allocates the scratch, in its own module.
  @inlinable @inline(__always)
  public static func selectRows(
    _ rows: UnsafePointer<Float>, stride: Int, tokens: Int, experts: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>,
    scratch memory: UnsafeMutableRawPointer
  ) {
    var first = 0
    if k <= 2 && experts <= 16 && stride >= 16 {
      // Short rows, top-1 or top-2: sixteen rows at a time, one per lane.
      while first + 16 <= tokens {
        selectAtMostTwo(
          sixteenRows: rows + first * stride, stride: stride, experts: experts, k: k,
          indices: indices + first * k, best: best + first * k)
        first += 16
      }
    }
    let scratch = Scratch(memory)
    for token in first..<tokens {
      select(
        rows + token * stride, count: experts, k: k, indices: indices + token * k,
        best: best + token * k, scratch: scratch)
    }
  }

  /// The best `k` values offered so far, largest first; of equal values the one at the lower
  /// index ranks first, whatever the order they are offered in.
  @usableFromInline
  struct SortedList {
    @usableFromInline let indices: UnsafeMutablePointer<Int32>
    @usableFromInline let best: UnsafeMutablePointer<Float>
    @usableFromInline let k: Int
    @usableFromInline var filled = 0
    @usableFromInline var threshold = -Float.infinity
    @usableFromInline var thresholdIndex = Int.max

    @inlinable @inline(__always)
    init(indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>, k: Int) {
      self.indices = indices
      self.best = best
      self.k = k
      for slot in 0..<k {
        best[slot] = -.infinity
        indices[slot] = -1
      }
    }

    @inlinable @inline(__always)
    mutating func offer(_ value: Float, at index: Int) {
      guard filled < k || precedes(value, index, threshold, thresholdIndex) else { return }
      var slot = min(filled, k - 1)
      while slot > 0 && precedes(value, index, best[slot - 1], Int(indices[slot - 1])) {
        best[slot] = best[slot - 1]
        indices[slot] = indices[slot - 1]
        slot -= 1
      }
      best[slot] = value
      indices[slot] = Int32(truncatingIfNeeded: index)
      if filled < k { filled += 1 }
      threshold = best[k - 1]
      thresholdIndex = Int(indices[k - 1])
    }
  }

  /// Whether `value` at `index` ranks before `other` at `otherIndex`: larger, or equal and
  /// earlier.
  @_transparent @usableFromInline
  static func precedes(_ value: Float, _ index: Int, _ other: Float, _ otherIndex: Int) -> Bool {
    value > other || (value == other && index < otherIndex)
  }

  /// The top one or two of a short row (`k ≤ 2`), held in registers: the same result as
  /// offering each value to a `SortedList`.
  @_transparent @usableFromInline
  static func selectAtMostTwo(
    _ values: UnsafePointer<Float>, count: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>
  ) {
    var first = -Float.infinity
    var firstIndex = Int.max
    var second = -Float.infinity
    var secondIndex = Int.max
    for index in 0..<count {
      let value = values[index]
      let beatsFirst = precedes(value, index, first, firstIndex)
      let beatsSecond = precedes(value, index, second, secondIndex)
      second = beatsFirst ? first : (beatsSecond ? value : second)
      secondIndex = beatsFirst ? firstIndex : (beatsSecond ? index : secondIndex)
      first = beatsFirst ? value : first
      firstIndex = beatsFirst ? index : firstIndex
    }
    best[0] = first
    indices[0] = firstIndex == Int.max ? -1 : Int32(truncatingIfNeeded: firstIndex)
    if k == 2 {
      best[1] = second
      indices[1] = secondIndex == Int.max ? -1 : Int32(truncatingIfNeeded: secondIndex)
    }
  }

  /// The top one or two of each of 16 short rows (`experts ≤ 16`, at least 16 readable values
  /// each), one row per vector lane: the experts are visited in index order and each lane keeps
  /// its best two with vector selects, so no branch depends on the values. A larger value
  /// displaces a kept one, an equal one does not, as in `SortedList`. Rows with a non-finite
  /// value go through `selectAtMostTwo` (the lane arithmetic needs finite values).
  @_transparent @usableFromInline
  static func selectAtMostTwo(
    sixteenRows rows: UnsafePointer<Float>, stride: Int, experts: Int, k: Int,
    indices: UnsafeMutablePointer<Int32>, best: UnsafeMutablePointer<Float>
  ) {
    typealias Lanes = SIMD16<Int32>
    var first = column(rows, stride: stride, expert: 0)
    var firstIndex = Lanes()
    var second = Chunk(repeating: -.infinity)
    var secondIndex = Lanes(repeating: -1)
    var nonFinite = LaneMath.anyNonFinite(first)
    if experts >= 2 {
      let next = column(rows, stride: stride, expert: 1)
      nonFinite = nonFinite || LaneMath.anyNonFinite(next)
      // −1 where the next value is larger: the sign of first − next.
      let larger = unsafeBitCast(first - next, to: Lanes.self) &>> 31
      second = LaneMath.select(first, where: larger, else: next)
      secondIndex = LaneMath.select(Lanes(), where: larger, else: Lanes(repeating: 1))
      first = LaneMath.select(next, where: larger, else: first)
      firstIndex = LaneMath.select(Lanes(repeating: 1), where: larger, else: Lanes())
    }
    for expert in 2..<max(2, experts) {
      let value = column(rows, stride: stride, expert: expert)
      nonFinite = nonFinite || LaneMath.anyNonFinite(value)
      let index = Lanes(repeating: Int32(truncatingIfNeeded: expert))
      let beatsFirst = unsafeBitCast(first - value, to: Lanes.self) &>> 31
      let beatsSecond = unsafeBitCast(second - value, to: Lanes.self) &>> 31
      second = LaneMath.select(
        first, where: beatsFirst, else: LaneMath.select(value, where: beatsSecond, else: second))
      secondIndex = LaneMath.select(
        firstIndex, where: beatsFirst,
        else: LaneMath.select(index, where: beatsSecond, else: secondIndex))
      first = LaneMath.select(value, where: beatsFirst, else: first)
      firstIndex = LaneMath.select(index, where: beatsFirst, else: firstIndex)
    }
    guard !nonFinite else {
      for row in 0..<16 {
        selectAtMostTwo(
          rows + row * stride, count: experts, k: k, indices: indices + row * k,
          best: best + row * k)
      }
      return
    }
    for row in 0..<16 {
      best[row * k] = first[row]
      indices[row * k] = firstIndex[row]
      if k == 2 {
        best[row * k + 1] = second[row]
        indices[row * k + 1] = secondIndex[row]
      }
    }
  }

  /// Value `expert` of 16 rows, one per lane, with −0 turned into +0 (so that a zero
  /// difference means equal values).
  @_transparent @usableFromInline
  static func column(_ rows: UnsafePointer<Float>, stride: Int, expert: Int) -> Chunk {
    var values = Chunk()
    for row in 0..<16 { values[row] = rows[row * stride + expert] }
    return values + Chunk(repeating: 0)
  }

  /// The k-th largest of the 16 finite lanes of `chunk` (1 ≤ k ≤ 16), without branches.
  ///
  /// With `g_i` the number of lanes strictly greater than lane i, the lanes with `g_i < k` are
  /// exactly those `≥` the k-th largest value, which is therefore their minimum. The counts come
  /// from comparing the chunk with each of its lanes in turn, broadcast (loaded from the chunk
  /// stored once), the minimum from a tree over halves. A −0 lane may count a +0 lane as
  /// greater; the minimum is then +0, the same number.
  @inlinable @inline(__always)
  public static func kthLargest(of chunk: Chunk, k: Int) -> Float {
    withUnsafeTemporaryAllocation(byteCount: 64, alignment: 64) { scratch in
      kthLargest(of: chunk, k: k, scratch: scratch.baseAddress!)
    }
  }

  /// `kthLargest(of:k:)` with 64 bytes of working memory from the caller.
  @_transparent @usableFromInline
  static func kthLargest(of chunk: Chunk, k: Int, scratch raw: UnsafeMutableRawPointer) -> Float {
    raw.storeBytes(of: chunk, as: Chunk.self)
    var greater = SIMD16<Int32>()
    for other in 0..<16 {
      // Lane `other` against every lane (itself included, which adds nothing): a broadcast
      // load, which the store forwards, unlike unaligned loads across it.
      let value = Chunk(repeating: raw.load(fromByteOffset: other &* 4, as: Float.self))
      // The sign bit of lane − value is set exactly when value > lane.
      greater &+= unsafeBitCast(
        unsafeBitCast(chunk - value, to: SIMD16<UInt32>.self) &>> 31, to: SIMD16<Int32>.self)
    }
    // Without equal lanes exactly one has k − 1 greater, the k-th largest: its bits are the sum
    // of the lanes' bits masked to it (an integer sum, which compiles to a short tree; the
    // select and minimum below are split by the optimiser into 2-lane pieces, about 70
    // instructions).
    let difference = greater &- Int32(k &- 1)
    let isKth = ~((difference | (0 &- difference)) &>> 31)
    if isKth.wrappedSum() == -1 {
      let bits = unsafeBitCast(chunk, to: SIMD16<Int32>.self) & isKth
      return Float(bitPattern: UInt32(bitPattern: bits.wrappedSum()))
    }
    let keep = (greater &- Int32(k)) &>> 31
    let minimum = LaneMath.select(chunk, where: keep, else: Chunk(repeating: .infinity))
    // The minimum of the 16 lanes as a tree over halves (register shuffles, no memory).
    let eight = LaneMath.minimum(minimum.lowHalf, minimum.highHalf)
    let four = LaneMath.minimum(eight.lowHalf, eight.highHalf)
    let two = LaneMath.minimum(four.lowHalf, four.highHalf)
    return min(two[0], two[1])
  }
}
