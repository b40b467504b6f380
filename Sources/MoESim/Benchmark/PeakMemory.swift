import Foundation

/// The process's peak resident memory (Linux `VmHWM`), resettable so that each measurement of a
/// benchmark reports its own peak.
public enum PeakMemory {
  /// Resets the peak to the current resident size (writes `5` to `/proc/self/clear_refs`, Linux
  /// 4.0 and later); returns false where that is not possible, and the peak then keeps counting
  /// from the process's start.
  @discardableResult
  public static func reset() -> Bool {
    guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? handle.close() }
    return (try? handle.write(contentsOf: Data("5".utf8))) != nil
  }

  /// The peak resident size since the start or the last `reset()`, in MiB, or nil where
  /// `/proc/self/status` is not available.
  public static func peakMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
      let kibibytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return nil }
    return kibibytes / 1024
  }
}
