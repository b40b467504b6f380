import Testing

@testable import MoESim

@Suite struct SharedPointerTests {
  /// Buffers start on a 64-byte cache line whatever their element type and size, so that the
  /// kernels' 16-float rows never span two lines; a copy holds the elements it was given.
  @Test(arguments: [1, 3, 16, 1000, 70_000])
  func buffersStartOnACacheLine(count: Int) {
    let floats = SharedPointer<Float>.allocate(count, 1.5)
    let integers = SharedPointer<Int32>.allocate(count, 7)
    let copy = SharedPointer.copy((0..<count).map(Float.init))
    defer { floats.deallocate(); integers.deallocate(); copy.deallocate() }
    for address in [
      UInt(bitPattern: floats.base), UInt(bitPattern: integers.base), UInt(bitPattern: copy.base),
    ] {
      #expect(address % 64 == 0)
    }
    #expect(floats[count - 1] == 1.5 && integers[0] == 7)
    #expect((0..<count).allSatisfy { copy[$0] == Float($0) })
  }
}
