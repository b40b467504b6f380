import Foundation

/// Flushes standard output and turns a failed write (a full disk, `> /dev/full`) into exit
/// status 74 with a message, instead of exiting 0 with the data lost. The commands print little
/// (a table, a summary), so it is all still buffered here.
func checkedStandardOutput(_ status: ExitStatus) -> ExitStatus {
  // `fflush(nil)` flushes every stream; `stdout` itself is not reachable from Swift 6 code.
  guard fflush(nil) != 0 else { return status }
  let reason = String(cString: strerror(errno))
  printError("error: standard output: write failed: \(reason)")
  return status == .success ? .ioError : status
}
