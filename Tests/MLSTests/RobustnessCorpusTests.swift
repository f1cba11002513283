import Foundation
import MLSCodec
import MLSCrypto
import Testing

@testable import FuzzHarness
@testable import MLS

/// The fuzz harness and its seed corpus (Fuzz/corpus/<target>/), checked by every normal test
/// run: the seeds reach deep into each structure, the committed corpus still decodes, and the
/// harness reports what it promises to. RFC 9420 §2.1.
@Suite("Fuzz harness and seed corpus")
struct RobustnessCorpusTests {
  /// The committed corpus, next to this repository's Package.swift.
  static let corpusRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fuzz/corpus")

  @Test func everyTargetHasSeedsItAccepts() throws {
    let corpus = try RobustnessSeedCorpus()
    for target in FuzzTarget.allCases {
      let seeds = corpus.seeds[target] ?? []
      #expect(!seeds.isEmpty, "\(target.rawValue) has no seeds")
      for seed in seeds {
        #expect(target.run(seed.bytes) == .accepted, "\(target.rawValue)/\(seed.name)")
      }
    }
  }

  /// Seeds are only useful if they pass the checks after decoding, so the fuzzer's mutations
  /// start from inputs that reach the last check.
  @Test func seedTreesPassEveryJoinerCheck() throws {
    let provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let trees = try RobustnessSeedCorpus.trees(provider: provider)
    #expect(trees.count == 4)
    for (name, tree) in trees {
      var decoded = try PublicRatchetTree(
        nodes: RatchetTree(tlsSerialized: try tree.wireForm.tlsSerialized()).nodes)
      let hash = try decoded.rootTreeHash(using: provider.hash)
      #expect(throws: Never.self, "\(name)") {
        try decoded.validate(
          groupID: FuzzTarget.treeGroupID, expectedTreeHash: hash, provider: provider)
      }
    }
    // The last tree has a parent that lists the added member as unmerged (§7.1, §12.1.1).
    let unmerged = trees[3].tree.nodes.compactMap { $0?.parentNode?.unmergedLeaves }.joined()
    #expect(unmerged.contains(LeafIndex(5)))
  }

  @Test func seedKeyPackagesCarryValidSignatures() throws {
    for suite in [CipherSuite.x25519Aes128Sha256Ed25519, .p256Aes128Sha256P256] {
      let provider = try CipherSuiteProvider(suite)
      let keyPackage = try RobustnessSeedCorpus.keyPackage(seed: 3, provider: provider)
      try provider.verifyWithLabel(
        publicKey: keyPackage.leafNode.signatureKey, label: "KeyPackageTBS",
        content: try keyPackage.toBeSigned.tlsSerialized(), signature: keyPackage.signature)
      try keyPackage.leafNode.verifySignature(
        groupID: [], leafIndex: LeafIndex(0), provider: provider)
    }
  }

  /// Every committed corpus file still decodes and round-trips (the decoders have not drifted
  /// from the corpus), and the corpus stays small.
  @Test func committedCorpusIsAcceptedAndSmall() throws {
    var totalBytes = 0
    for target in FuzzTarget.allCases {
      let folder = Self.corpusRoot.appendingPathComponent(target.rawValue)
      let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      #expect(!names.isEmpty, "\(target.rawValue) has no committed seeds")
      for name in names {
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
        totalBytes += bytes.count
        #expect(target.run(bytes) == .accepted, "\(target.rawValue)/\(name)")
      }
    }
    #expect(totalBytes < 200_000)
  }

  /// Empty and cut-short inputs are refused, never accepted and never a finding.
  @Test func truncatedSeedsAreRejected() throws {
    let corpus = try RobustnessSeedCorpus()
    for target in FuzzTarget.allCases {
      #expect(target.run([]) == .rejected, "\(target.rawValue) empty")
      for seed in corpus.seeds[target] ?? [] {
        for cut in [1, seed.bytes.count / 2, seed.bytes.count - 1] {
          #expect(
            target.run(Array(seed.bytes.prefix(cut))) == .rejected,
            "\(target.rawValue)/\(seed.name) cut at \(cut)")
        }
        #expect(target.run(seed.bytes + [0]) == .rejected, "\(target.rawValue) trailing byte")
      }
    }
  }

  /// A decoder that accepts two encodings of one value is reported, so the harness can fail.
  @Test func harnessReportsNonCanonicalDecoder() throws {
    #expect(throws: FuzzFinding.roundTripMismatch(type: "LenientFlag")) {
      try FuzzChecks.decodeRoundTrip(LenientFlag.self, [0x02])
    }
    #expect(throws: FuzzFinding.reencodingFailed(type: "UnencodableFlag")) {
      try FuzzChecks.decodeRoundTrip(UnencodableFlag.self, [0x01])
    }
    #expect(try FuzzChecks.decodeRoundTrip(LenientFlag.self, [0x01]) == LenientFlag(value: true))
    #expect(try FuzzChecks.decodeRoundTrip(LenientFlag.self, [0x01, 0x00]) == nil)
  }

  /// Writes a fresh seed corpus into Fuzz/corpus/. Runs only when asked:
  /// `SPACEPANDA_WRITE_CORPUS=1 swift test --filter writeSeedCorpus`.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["SPACEPANDA_WRITE_CORPUS"] != nil))
  func writeSeedCorpus() throws {
    let corpus = try RobustnessSeedCorpus()
    for target in FuzzTarget.allCases {
      let folder = Self.corpusRoot.appendingPathComponent(target.rawValue)
      try? FileManager.default.removeItem(at: folder)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      for seed in corpus.seeds[target] ?? [] {
        try Data(seed.bytes).write(to: folder.appendingPathComponent(seed.name))
      }
    }
  }
}

/// A boolean that reads any non-zero byte as true: two encodings of `true`.
private struct LenientFlag: TLSCodable, Equatable {
  var value: Bool
  init(value: Bool) { self.value = value }
  init(from reader: inout TLSReader) throws { value = try reader.readUInt8() != 0 }
  func encode(to writer: inout TLSWriter) { writer.write(UInt8(value ? 1 : 0)) }
}

/// A value that decodes but refuses to encode.
private struct UnencodableFlag: TLSCodable {
  init(from reader: inout TLSReader) throws { _ = try reader.readUInt8() }
  func encode(to writer: inout TLSWriter) throws { throw TLSEncodingError.valueTooLarge(1) }
}
