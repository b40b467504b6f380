import Foundation

extension WorkingMemory {
  /// The memory a process may use, and what sets that limit.
  public struct Limit: Sendable, Equatable {
    public var bytes: Double
    /// E.g. `"this machine's memory"`, `"ulimit -v"`, `"the cgroup's memory.max"`.
    public var source: String
  }

  /// The smallest of the machine's physical memory, the address-space and data-segment
  /// limits (`ulimit -v`, `ulimit -d`) and the memory limit of the process's cgroup (v2
  /// `memory.max`, v1 `memory.limit_in_bytes`). Limits that are unlimited or unreadable are
  /// skipped.
  public static func availableLimit() -> Limit {
    var limits = [
      Limit(bytes: Double(ProcessInfo.processInfo.physicalMemory), source: "this machine's memory")
    ]
    for (resource, name) in [(RLIMIT_AS, "ulimit -v"), (RLIMIT_DATA, "ulimit -d")] {
      var limit = rlimit()
      #if os(Linux)
        let got = getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0
      #else
        let got = getrlimit(resource, &limit) == 0
      #endif
      // RLIM_INFINITY is all ones (rlim_t.max) on Linux and macOS.
      if got && limit.rlim_cur != rlim_t.max {
        limits.append(Limit(bytes: Double(limit.rlim_cur), source: "the limit \(name)"))
      }
    }
    if let bytes = cgroupLimitBytes() {
      limits.append(Limit(bytes: bytes, source: "this process's cgroup memory limit"))
    }
    return limits.min { $0.bytes < $1.bytes }!
  }

  /// The memory limit of the cgroup this process belongs to, or nil when there is none.
  static func cgroupLimitBytes() -> Double? {
    guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
    else { return nil }
    for line in membership.split(separator: "\n") {
      let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3 else { continue }
      let group = String(fields[2])
      // v2: "0::/path" → /sys/fs/cgroup/path/memory.max ("max" = unlimited).
      if fields[0] == "0" && fields[1].isEmpty {
        if let bytes = limitFile("/sys/fs/cgroup\(group)/memory.max")
          ?? limitFile("/sys/fs/cgroup/memory.max")
        {
          return bytes
        }
      }
      // v1: "4:memory:/path" → the memory hierarchy's limit, ~2⁶³ when unlimited.
      if fields[1].split(separator: ",").contains("memory") {
        if let bytes = limitFile("/sys/fs/cgroup/memory\(group)/memory.limit_in_bytes")
          ?? limitFile("/sys/fs/cgroup/memory/memory.limit_in_bytes")
        {
          return bytes
        }
      }
    }
    return nil
  }

  /// A limit file's value in bytes; nil when missing, "max", or 2⁶² or more (unlimited).
  private static func limitFile(_ path: String) -> Double? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8),
      let value = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)),
      value < 0x1p62
    else { return nil }
    return value
  }

  /// The working memory of a run of `scenario`, including what replaying its trace holds (a CSV
  /// trace's size and layout are read off the file; an unreadable file adds nothing, and the
  /// replay reports it).
  public static func ofRun(scenario: Scenario, threads: Int) -> WorkingMemory {
    var memory = WorkingMemory(scenario: scenario, threads: threads)
    let workload = scenario.workload
    guard workload.kind == .trace, let path = workload.trace,
      (workload.format ?? TraceFormat.detect(path: path)) == .csv,
      let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let size = (attributes[.size] as? NSNumber)?.doubleValue,
      let handle = FileHandle(forReadingAtPath: path)
    else { return memory }
    defer { try? handle.close() }
    let start = (try? handle.read(upToCount: 4096)) ?? Data()
    let header = String(decoding: start.prefix { $0 != 0x0A }, as: UTF8.self)
    memory.terms += traceReplay(
      scenario: scenario, logits: header.contains("logit_"), fileBytes: size)
    return memory
  }

  /// Refuses, before anything is allocated, a valid scenario whose buffers exceed the memory
  /// this process may use (`availableLimit()`), naming the key that scales the largest buffer.
  /// - Parameter file: the scenario file named in the error.
  public static func checkFits(_ scenario: Scenario, file: String, threads: Int) throws {
    let memory = ofRun(scenario: scenario, threads: threads)
    let limit = availableLimit()
    guard memory.bytes > limit.bytes, let largest = memory.largest else { return }
    let gib = { (bytes: Double) in String(format: "%.1f GiB", bytes / Double(1 << 30)) }
    throw ScenarioError(
      file: file, path: largest.path,
      kind: .outOfRange(
        value: String(largest.value),
        allowed: "a size whose run fits in the \(gib(limit.bytes)) this process may use"
          + " (\(limit.source)); this run needs \(gib(memory.bytes)); its largest buffer is"
          + " \(largest.name) = \(gib(largest.bytes))"))
  }
}
