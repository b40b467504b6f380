import Foundation
import MoESim

/// `moesim plot RESULTS_DIR...`: SVG charts next to the CSVs.
enum PlotCommand {
  static func main(_ arguments: [String]) throws {
    let parsed = try Arguments(arguments, spec: OptionSpec(flags: ["--quiet"]), command: "plot")
    guard !parsed.positionals.isEmpty else {
      throw UsageError(message: "plot needs a results folder", command: "plot")
    }
    for folder in parsed.positionals {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder),
        isFolder.boolValue
      else {
        throw PlotError(path: folder, detail: "is not a folder", missing: true)
      }
      let written = try ResultPlots.write(folder: folder)
      if !parsed.flags.contains("--quiet") { written.forEach { print($0) } }
    }
  }
}
