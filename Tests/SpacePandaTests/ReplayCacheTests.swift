import SpacePanda
import Testing

@Suite("Replay cache")
struct ReplayCacheTests {
  static func id(_ n: Int) throws -> MessageIdentifier {
    try MessageIdentifier(message: [UInt8(n & 0xff), UInt8(n >> 8), 0x5a])
  }

  static func ids(_ ns: Int...) throws -> [MessageIdentifier] {
    try ns.map { try id($0) }
  }

  static let stream = SenderStream(epoch: 3, leafIndex: 1, contentKind: .application)

  @Test func identifierIsSHA256OfTheMessage() throws {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    let digest: [UInt8] = [
      0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22,
      0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00,
      0x15, 0xad,
    ]
    #expect(try MessageIdentifier(message: Array("abc".utf8)) == MessageIdentifier(digest: digest))
    var other = digest
    other[31] ^= 1
    #expect(try MessageIdentifier(message: Array("abc".utf8)) != MessageIdentifier(digest: other))
    #expect(throws: MLSError.invalidConfiguration("message identifier digest must be 32 bytes")) {
      try MessageIdentifier(digest: Array(digest.prefix(31)))
    }
  }

  @Test func refusesZeroCapacity() throws {
    #expect(throws: MLSError.invalidConfiguration("replayCacheSize must be at least 1")) {
      try ReplayCache(capacity: 0)
    }
    #expect(try ReplayCache(config: .default).capacity == 1000)
  }

  @Test func duplicateIsDetectedAndCounted() throws {
    var cache = try ReplayCache(capacity: 4)
    try cache.record(Self.id(1))
    #expect(cache.contains(try Self.id(1)))
    #expect(!cache.contains(try Self.id(2)))
    #expect(throws: MLSError.replayDetected) { try cache.record(Self.id(1)) }
    #expect(throws: MLSError.replayDetected) { try cache.record(Self.id(1)) }
    #expect(cache.statistics.replaysDetected == 2)
    #expect(cache.statistics.messagesRecorded == 1)
    #expect(cache.count == 1)
  }

  @Test func capacityIsRespectedAndOldestEvicted() throws {
    var cache = try ReplayCache(capacity: 3)
    for n in 1...5 { try cache.record(Self.id(n)) }
    #expect(cache.count == 3)
    #expect(cache.statistics.evictions == 2)
    #expect(try cache.identifiersByRecency == Self.ids(5, 4, 3))
    #expect(!cache.contains(try Self.id(1)))
    #expect(!cache.contains(try Self.id(2)))
    // An evicted identifier is no longer known: the generation window must catch such replays.
    try cache.record(Self.id(1))
    #expect(cache.statistics.messagesRecorded == 6)
  }

  @Test func touchedEntriesSurviveEviction() throws {
    var cache = try ReplayCache(capacity: 3)
    for n in 1...3 { try cache.record(Self.id(n)) }
    // Seeing 1 again (a replay) makes it the most recently used.
    #expect(throws: MLSError.replayDetected) { try cache.record(Self.id(1)) }
    try cache.record(Self.id(4))
    #expect(cache.contains(try Self.id(1)))
    #expect(!cache.contains(try Self.id(2)))
    #expect(try cache.identifiersByRecency == Self.ids(4, 1, 3))
    try cache.record(Self.id(5))
    #expect(try cache.identifiersByRecency == Self.ids(5, 4, 1))
  }

  @Test func capacityOneKeepsOnlyTheLast() throws {
    var cache = try ReplayCache(capacity: 1)
    try cache.record(Self.id(1))
    try cache.record(Self.id(2))
    #expect(try cache.identifiersByRecency == Self.ids(2))
    #expect(throws: MLSError.replayDetected) { try cache.record(Self.id(2)) }
    try cache.record(Self.id(1))
    #expect(cache.statistics.evictions == 2)
  }

  @Test func sameGenerationUnderNewBytesIsAReplay() throws {
    var cache = try ReplayCache(capacity: 10)
    try cache.record(Self.id(1), generation: 0, in: Self.stream)
    #expect(!cache.accepts(generation: 0, in: Self.stream))
    #expect(throws: MLSError.replayDetected) {
      try cache.record(Self.id(2), generation: 0, in: Self.stream)
    }
    // The refused message was not recorded.
    #expect(!cache.contains(try Self.id(2)))
    #expect(cache.statistics.replaysDetected == 1)
  }

  @Test func outOfOrderGenerationsWithinTheWindow() throws {
    var cache = try ReplayCache(capacity: 100)
    try cache.record(Self.id(10), generation: 10, in: Self.stream)
    #expect(cache.accepts(generation: 7, in: Self.stream))
    try cache.record(Self.id(7), generation: 7, in: Self.stream)
    #expect(!cache.accepts(generation: 7, in: Self.stream))
    #expect(cache.accepts(generation: 8, in: Self.stream))
    #expect(cache.accepts(generation: 11, in: Self.stream))
    try cache.record(Self.id(12), generation: 12, in: Self.stream)
    #expect(!cache.accepts(generation: 10, in: Self.stream))
    #expect(!cache.accepts(generation: 7, in: Self.stream))
    #expect(cache.accepts(generation: 11, in: Self.stream))
  }

  @Test func generationsOlderThanTheWindowAreRefused() throws {
    var cache = try ReplayCache(capacity: 100)
    try cache.record(Self.id(1), generation: 100, in: Self.stream)
    #expect(cache.accepts(generation: 36, in: Self.stream))  // 64 below
    #expect(!cache.accepts(generation: 35, in: Self.stream))  // 65 below
    try cache.record(Self.id(2), generation: 164, in: Self.stream)
    // 100 is exactly 64 below the new highest: still remembered as seen.
    #expect(!cache.accepts(generation: 100, in: Self.stream))
    #expect(cache.accepts(generation: 101, in: Self.stream))
    try cache.record(Self.id(3), generation: 1000, in: Self.stream)
    #expect(!cache.accepts(generation: 164, in: Self.stream))
    #expect(cache.accepts(generation: 999, in: Self.stream))
    #expect(!cache.accepts(generation: 1000, in: Self.stream))
  }

  @Test func streamsAreIndependent() throws {
    var cache = try ReplayCache(capacity: 100)
    try cache.record(Self.id(1), generation: 0, in: Self.stream)
    let handshake = SenderStream(epoch: 3, leafIndex: 1, contentKind: .handshake)
    let otherLeaf = SenderStream(epoch: 3, leafIndex: 2, contentKind: .application)
    let nextEpoch = SenderStream(epoch: 4, leafIndex: 1, contentKind: .application)
    for stream in [handshake, otherLeaf, nextEpoch] {
      #expect(cache.accepts(generation: 0, in: stream))
    }
    try cache.record(Self.id(2), generation: 0, in: nextEpoch)
    #expect(cache.trackedStreamCount == 2)
    cache.forgetEpochs(before: 4)
    #expect(cache.trackedStreamCount == 1)
    #expect(cache.accepts(generation: 0, in: Self.stream))
    #expect(!cache.accepts(generation: 0, in: nextEpoch))
  }

  @Test func replayedIdentifierLeavesTheWindowUnchanged() throws {
    var cache = try ReplayCache(capacity: 100)
    try cache.record(Self.id(1), generation: 5, in: Self.stream)
    #expect(throws: MLSError.replayDetected) {
      try cache.record(Self.id(1), generation: 9, in: Self.stream)
    }
    #expect(cache.accepts(generation: 9, in: Self.stream))
  }

  @Test func largeCacheStaysConsistent() throws {
    var cache = try ReplayCache(capacity: 1000)
    for n in 0..<2500 { try cache.record(Self.id(n)) }
    #expect(cache.count == 1000)
    #expect(cache.statistics.evictions == 1500)
    #expect(cache.identifiersByRecency.count == 1000)
    #expect(cache.contains(try Self.id(1500)))
    #expect(!cache.contains(try Self.id(1499)))
  }
}
