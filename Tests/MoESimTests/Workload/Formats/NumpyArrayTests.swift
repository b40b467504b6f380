import Foundation
import Testing

@testable import MoESim

/// The `.npy` reader on arrays built byte by byte from the format's description
/// (numpy/lib/format.py), and on a file NumPy itself wrote.
@Suite struct NumpyArrayTests {
  /// A `.npy` file: magic, version, header length, the header padded with spaces and ended by
  /// a newline so that the data starts at a multiple of 64, then `payload`.
  static func npy(_ header: String, _ payload: [UInt8], major: UInt8 = 1) -> Data {
    let lengthBytes = major == 1 ? 2 : 4
    var text = header
    while (8 + lengthBytes + text.utf8.count + 1) % 64 != 0 { text += " " }
    text += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
    let length = text.utf8.count
    for index in 0..<lengthBytes { bytes.append(UInt8((length >> (8 * index)) & 0xff)) }
    return Data(bytes + Array(text.utf8) + payload)
  }

  static func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in
      withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
  }

  @Test(arguments: [UInt8(1), 2, 3])
  func int64MatrixInEveryVersion(major: UInt8) throws {
    let data = Self.npy(
      "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }",
      Self.littleEndian([Int64(1), 2, 3, 40, 50, -6]), major: major)
    let tensor = try NumpyArray.decode(data, file: "a.npy")
    #expect(tensor.shape == [2, 3])
    #expect(tensor.values == [1, 2, 3, 40, 50, -6])
  }

  /// Each element type: the bit patterns of 1.5 (float), 7 (integers) and 255 (u1).
  @Test func everyElementType() throws {
    let cases: [(String, [UInt8], Double)] = [
      ("<i4", Self.littleEndian([Int32(7)]), 7),
      ("<f4", Self.littleEndian([Float(1.5).bitPattern]), 1.5),
      ("<f8", Self.littleEndian([Double(1.5).bitPattern]), 1.5),
      ("|u1", [255], 255),
    ]
    for (descr, payload, value) in cases {
      let data = Self.npy("{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }", payload)
      #expect(try NumpyArray.decode(data, file: "a.npy").values == [value])
    }
  }

  @Test func scalarHasEmptyShape() throws {
    let data = Self.npy(
      "{'descr': '<i4', 'fortran_order': False, 'shape': (), }", Self.littleEndian([Int32(9)]))
    let tensor = try NumpyArray.decode(data, file: "a.npy")
    #expect(tensor.shape == [])
    #expect(tensor.values == [9])
  }

  @Test(arguments: [
    (
      "{'descr': '<i4', 'fortran_order': True, 'shape': (2,), }", 8,
      "fortran_order is True"
    ),
    ("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", 8, "big-endian"),
    ("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", 4, "descr '<i2'"),
    ("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", 8, "data truncated"),
    ("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", 8, "longer than its shape"),
    (
      "{'descr': '<i8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 8,
      "more elements than fit"
    ),
    ("{'descr': '<i4', 'shape': (2,), }", 8, "are all required"),
    ("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8, "unknown key 'x'"),
  ])
  func badHeadersAreRefused(header: String, payloadBytes: Int, problem: String) {
    let data = Self.npy(header, [UInt8](repeating: 0, count: payloadBytes))
    do {
      _ = try NumpyArray.decode(data, file: "bad.npy")
      Issue.record("accepted \(header)")
    } catch {
      #expect("\(error)".hasPrefix("bad.npy: not a readable .npy array: "))
      #expect("\(error)".contains(problem), "\(error)")
    }
  }

  @Test func headerLongerThanTheFileIsRefused() {
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [2, 0]
    bytes += [0xff, 0xff, 0xff, 0x7f]  // claims 2 GiB of header
    bytes += Array("{'descr'".utf8)
    do {
      _ = try NumpyArray.decode(Data(bytes), file: "big.npy")
      Issue.record("accepted a header longer than the file")
    } catch {
      #expect("\(error)".contains("claims 2147483647 bytes but the file has only 8"), "\(error)")
    }
  }

  /// `Scenarios/traces/example-eplb-weight.npy` was written by NumPy 2.4 (`np.save` of the
  /// int64 matrix in `example-loads.csv`, see `Scenarios/traces/README.md`): same values.
  @Test func fileWrittenByNumpyMatchesItsCSV() throws {
    let tensor = try NumpyArray.read(
      path: TestSupport.scenarioPath("traces/example-eplb-weight.npy"))
    let table = try ExpertLoadTable(
      csv: String(
        contentsOfFile: TestSupport.scenarioPath("traces/example-loads.csv"), encoding: .utf8),
      file: "example-loads.csv")
    #expect(tensor.shape == [table.layers.count, table.experts])
    #expect(tensor.values == table.loads.flatMap { $0 })
  }
}
