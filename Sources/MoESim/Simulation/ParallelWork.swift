import Dispatch
import Synchronization

/// A pointer into a buffer that several workers write at disjoint positions.
///
/// The simulation splits every buffer by fixed blocks (tokens) or layers, and each block or layer
/// is written by exactly one worker, so sharing the pointer is race-free by construction.
struct SharedPointer<Element>: @unchecked Sendable {
  let base: UnsafeMutablePointer<Element>
  let count: Int

  /// Allocates `count` elements initialised to `value`; pair with `deallocate()`.
  static func allocate(_ count: Int, _ value: Element) -> SharedPointer {
    let base = uninitialized(max(count, 1))
    base.initialize(repeating: value, count: max(count, 1))
    return SharedPointer(base: base, count: max(count, 1))
  }

  /// Allocates a copy of `elements`.
  static func copy(_ elements: [Element]) -> SharedPointer {
    let base = uninitialized(max(elements.count, 1))
    elements.withUnsafeBufferPointer { base.initialize(from: $0.baseAddress!, count: $0.count) }
    return SharedPointer(base: base, count: elements.count)
  }

  /// Room for `count` elements starting on a 64-byte cache line: rows of 16 floats (router
  /// weights, logits) then sit on whole lines, so no vector load or store spans two (from
  /// `malloc`'s 16-byte alignment, every one did).
  private static func uninitialized(_ count: Int) -> UnsafeMutablePointer<Element> {
    UnsafeMutableRawPointer.allocate(
      byteCount: count * MemoryLayout<Element>.stride,
      alignment: max(64, MemoryLayout<Element>.alignment)
    ).bindMemory(to: Element.self, capacity: count)
  }

  func deallocate() {
    base.deinitialize(count: count)
    // Raw, as `uninitialized` allocated it (with its alignment).
    UnsafeMutableRawPointer(base).deallocate()
  }

  /// Sets every element to `value`.
  func fill(_ value: Element) { base.update(repeating: value, count: count) }

  subscript(index: Int) -> Element {
    get { base[index] }
    nonmutating set { base[index] = newValue }
  }

  static func + (pointer: SharedPointer, offset: Int) -> UnsafeMutablePointer<Element> {
    pointer.base + offset
  }
}

/// Runs `count` independent work items on `threads` workers. Each worker takes the next item
/// not yet taken (so a worker slowed by the machine does not hold the others up); what an item
/// computes must depend on `i` alone, never on the worker or on which items came before, so the
/// results are the same for any thread count and any schedule. (Per-worker buffers are only
/// scratch, or sums in exact integer arithmetic, whose order does not matter.)
enum ParallelWork {
  static func run(
    count: Int, threads: Int, _ body: @Sendable (_ worker: Int, _ item: Int) -> Void
  ) {
    let workers = max(1, min(threads, count))
    if workers == 1 {
      for item in 0..<count { body(0, item) }
      return
    }
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      while true {
        let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard item < count else { return }
        body(worker, item)
      }
    }
  }
}
