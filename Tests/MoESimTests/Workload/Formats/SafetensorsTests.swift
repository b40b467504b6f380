import Foundation
import Testing

@testable import MoESim

/// The safetensors reader on files built byte by byte from the format's description
/// (huggingface/safetensors README: u64 header length, JSON header, raw data).
@Suite struct SafetensorsTests {
  static func file(_ header: String, _ payload: [UInt8]) -> Data {
    let length = UInt64(header.utf8.count)
    return Data(
      withUnsafeBytes(of: length.littleEndian) { Array($0) } + Array(header.utf8) + payload)
  }

  @Test func twoTensorsAreRead() throws {
    let payload =
      NumpyArrayTests.littleEndian([Int64(3), 0, 5]) + NumpyArrayTests.littleEndian([Int32(-2)])
    let header =
      #"{"__metadata__":{"format":"pt"},"0_1":{"dtype":"I64","shape":[3],"data_offsets":[0,24]},"#
      + #""x":{"dtype":"I32","shape":[1,1],"data_offsets":[24,28]}}"#
    let tensors = try Safetensors.decode(Self.file(header, payload), file: "r.safetensors")
    #expect(tensors.keys.sorted() == ["0_1", "x"])
    #expect(tensors["0_1"] == RecordedTensor(shape: [3], values: [3, 0, 5]))
    #expect(tensors["x"] == RecordedTensor(shape: [1, 1], values: [-2]))
  }

  @Test(arguments: [
    (#"{"a":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}"#, 8, "outside the 8 data bytes"),
    (#"{"a":{"dtype":"I64","shape":[2],"data_offsets":[0,8]}}"#, 8, "does not fill"),
    (
      #"{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"#
        + #""b":{"dtype":"I32","shape":[1],"data_offsets":[4,8]}}"#, 8, "'b' data_offsets overlap"
    ),
    (#"{"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, 4, "dtype BF16"),
    (#"{"a":{"dtype":"I32","shape":[1],"data_offsets":[0,4],"z":1}}"#, 4, "unknown key 'z'"),
    (#"{"a":{"dtype":"I32","shape":[-1],"data_offsets":[0,4]}}"#, 4, "shape holds -1"),
    (#"[1]"#, 0, "not a JSON object"),
  ])
  func badFilesAreRefused(header: String, payloadBytes: Int, problem: String) {
    let data = Self.file(header, [UInt8](repeating: 0, count: payloadBytes))
    do {
      _ = try Safetensors.decode(data, file: "bad.safetensors")
      Issue.record("accepted \(header)")
    } catch {
      #expect("\(error)".hasPrefix("bad.safetensors: not a readable safetensors file: "))
      #expect("\(error)".contains(problem), "\(error)")
    }
  }

  @Test func headerLongerThanTheFileIsRefused() {
    var data = Data(withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Array($0) })
    data.append(contentsOf: Array("{}".utf8))
    do {
      _ = try Safetensors.decode(data, file: "big.safetensors")
      Issue.record("accepted a header longer than the file")
    } catch {
      #expect("\(error)".contains("claims 1099511627776 bytes but the file has only 2"), "\(error)")
    }
  }
}
