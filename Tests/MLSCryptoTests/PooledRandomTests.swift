import MLSCrypto
import Testing

@Suite("Pooled public random bytes (reuse guards, RFC 9420 §6.3.2)")
struct PooledRandomTests {
  /// Lengths are exact, draws differ, and more than one pool's worth (512 bytes) is served, so
  /// refills happen; a 16-byte collision among these draws would mean repeated pool content.
  @Test func publicBytesAreFreshAcrossRefills() throws {
    var seen = Set<[UInt8]>()
    for _ in 0..<200 {
      let drawn = try SecureRandom.publicBytes(16)
      #expect(drawn.count == 16)
      seen.insert(drawn)
    }
    #expect(seen.count == 200)
    let guards = try (0..<300).map { _ in try SecureRandom.publicBytes(4) }
    #expect(guards.allSatisfy { $0.count == 4 })
    // 300 four-byte draws that were all zero (or all equal) would mean unfilled pool memory.
    #expect(Set(guards).count > 250)
  }

  /// Outside the pool's range the bytes come straight from the generator.
  @Test func publicBytesOutsideThePoolRange() throws {
    #expect(try SecureRandom.publicBytes(0).isEmpty)
    let large = try SecureRandom.publicBytes(SecureRandom.publicPoolLimit + 1)
    #expect(large.count == SecureRandom.publicPoolLimit + 1)
    #expect(large != [UInt8](repeating: 0, count: large.count))
    #expect(try SecureRandom.publicBytes(SecureRandom.publicPoolLimit).count == 32)
  }
}
