import Foundation

/// A small SVG writer: a fixed-size canvas with a plot area, text escaping, number formatting
/// and "nice" axis ticks. Charts add elements in drawing order.
struct SVGDocument {
  static let width = 760.0
  static let height = 460.0
  /// The plot area inside the margins (room for the title, tick labels, axis labels, legend).
  static let plotLeft = 80.0, plotRight = 580.0, plotTop = 50.0, plotBottom = 390.0
  /// Colour-blind-safe categorical palette (Okabe & Ito 2008, "Color Universal Design").
  static let palette = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
  ]

  private(set) var body: [String] = []

  init(title: String) {
    text(title, x: Self.width / 2, y: 28, anchor: "middle", size: 16, weight: "bold")
  }

  mutating func add(_ element: String) { body.append(element) }

  mutating func text(
    _ content: String, x: Double, y: Double, anchor: String = "start", size: Double = 12,
    weight: String = "normal", rotate: Bool = false
  ) {
    let transform = rotate ? " transform=\"rotate(-90 \(Self.f(x)) \(Self.f(y)))\"" : ""
    add(
      "<text x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" text-anchor=\"\(anchor)\""
        + " font-size=\"\(Self.f(size))\" font-weight=\"\(weight)\"\(transform)>"
        + "\(Self.escape(content))</text>")
  }

  /// The document as text: an XML declaration, the `svg` root, a white background.
  var rendered: String {
    let header =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.f(Self.width))\""
      + " height=\"\(Self.f(Self.height))\" viewBox=\"0 0 \(Self.f(Self.width))"
      + " \(Self.f(Self.height))\" font-family=\"sans-serif\">\n"
      + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    return header + body.joined(separator: "\n") + "\n</svg>\n"
  }

  /// XML-escapes text and attribute values.
  static func escape(_ text: String) -> String {
    var escaped = ""
    for character in text {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      default: escaped.append(character)
      }
    }
    return escaped
  }

  /// A coordinate with two decimals at most.
  static func f(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    // `Int` holds every whole coordinate a chart draws; larger magnitudes print as written.
    return rounded == rounded.rounded() && abs(rounded) < 1e15
      ? String(Int(rounded)) : String(rounded)
  }

  /// A data value exactly as the CSV writes it (shortest round-trip form).
  static func value(_ value: Double) -> String { CSVField.real(value).text }

  /// A tick label: up to four significant digits, `k`/`M`/`G`/`T` for large magnitudes.
  static func label(_ value: Double) -> String {
    let magnitude = abs(value)
    for (scale, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
    where magnitude >= scale {
      return String(format: "%.4g", value / scale) + suffix
    }
    return String(format: "%.4g", value)
  }

  /// Ticks at 1, 2 or 5 × 10^k covering `low...high`, about `target` of them; returns the
  /// widened range and the tick values.
  static func ticks(low: Double, high: Double, target: Int = 5)
    -> (low: Double, high: Double, ticks: [Double])
  {
    var low = low.isFinite ? low : 0
    var high = high.isFinite ? high : 1
    if high <= low {
      let pad = low == 0 ? 1 : abs(low) * 0.1
      low -= pad
      high += pad
    }
    let rough = (high - low) / Double(max(1, target))
    let power = pow(10, (log10(rough)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
    let first = (low / step).rounded(.down) * step
    let last = (high / step).rounded(.up) * step
    let count = Int(((last - first) / step).rounded())
    return (first, last, (0...count).map { first + Double($0) * step })
  }
}
