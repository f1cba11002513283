import MLSCodec
import MLSCrypto

/// Why a received ratchet tree was rejected. RFC 9420 §7.9.2, §12.4.3.1.
///
/// Each case names the rule broken and where; none carries key material beyond indices.
public enum TreeValidationError: Error, Equatable, Sendable {
  /// A non-blank parent is not parent-hash valid from exactly one descendant (§7.9.2).
  case parentHashNotValid(NodeIndex)
  /// A leaf's signature over its LeafNodeTBS does not verify (§7.3).
  case leafSignatureInvalid(LeafIndex)
  /// An HPKE encryption key appears in two nodes (§7.3, §12.4.3.1).
  case duplicateEncryptionKey(NodeIndex)
  /// A signature key appears in two leaves (§7.3).
  case duplicateSignatureKey(LeafIndex)
  /// An unmerged-leaves list is not strictly increasing (§7.1).
  case unmergedLeavesNotSorted(NodeIndex)
  /// An unmerged leaf is not a descendant of its parent node (§12.4.3.1).
  case unmergedLeafNotDescendant(parent: NodeIndex, leaf: LeafIndex)
  /// An unmerged leaf is blank (§12.4.3.1).
  case unmergedLeafBlank(parent: NodeIndex, leaf: LeafIndex)
  /// A non-blank node between an unmerged leaf and its parent does not list the leaf (§12.4.3.1).
  case unmergedLeafMissingBelow(parent: NodeIndex, leaf: LeafIndex, node: NodeIndex)
  /// The root tree hash differs from the one the group agreed on (§12.4.3.1).
  case treeHashMismatch
  /// A hash or signature computation failed (not a property of the tree).
  case cryptoFailure(String)
}

/// A public key as a set element, hashed as one buffer rather than byte by byte.
struct KeyBytes: Hashable, Sendable {
  let bytes: [UInt8]

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  func hash(into hasher: inout Hasher) {
    bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
  }
}

extension PublicRatchetTree {
  /// Checks that every non-blank parent is parent-hash valid. RFC 9420 §7.9.2 ("top down").
  ///
  /// For parent P with children C and S, a descendant D in the resolution of C is valid for P
  /// when D's parent_hash is the parent hash of P with copath child S and P's unmerged leaves
  /// under C are exactly the resolution of C without D. Exactly one such D must exist.
  public mutating func verifyParentHashes(using algorithm: HashAlgorithm)
    throws(TreeValidationError)
  {
    let math = math
    for raw in stride(from: UInt32(1), to: UInt32(nodes.count), by: 2) {
      let index = NodeIndex(raw)
      guard let parent = parentNode(at: index),
        let left = math.left(index), let right = math.right(index)
      else { continue }
      var matches = 0
      for (child, sibling) in [(left, right), (right, left)] {
        let expected: [UInt8]
        do {
          expected = try parentHash(of: index, copathChild: sibling, using: algorithm)
        } catch {
          throw .cryptoFailure("parent hash")
        }
        let childRange = leafRange(under: child)
        let unmergedBelow = Set(
          parent.unmergedLeaves.filter { childRange.contains($0.rawValue) }.map(\.nodeIndex))
        let resolution = Set(resolution(of: child))
        // rest == unmergedBelow with rest = resolution minus the candidate, checked once for
        // the shared part so that many look-alike candidates cost O(1) each.
        guard unmergedBelow.isSubset(of: resolution), resolution.count == unmergedBelow.count + 1
        else { continue }
        for candidate in resolution where !unmergedBelow.contains(candidate) {
          if storedParentHash(at: candidate) == expected { matches += 1 }
        }
      }
      guard matches == 1 else { throw .parentHashNotValid(index) }
    }
  }

  /// Checks that encryption keys are unique among all nodes and signature keys among leaves.
  /// RFC 9420 §7.3, §12.4.3.1.
  ///
  /// Keys are hashed as whole byte buffers (`KeyBytes`): `[UInt8]`'s own hashing feeds the
  /// hasher one byte at a time, which dominated this check for large trees.
  public func verifyUniqueKeys() throws(TreeValidationError) {
    var encryptionKeys = Set<KeyBytes>(minimumCapacity: nodes.count)
    var signatureKeys = Set<KeyBytes>(minimumCapacity: nodes.count / 2 + 1)
    for (offset, node) in nodes.enumerated() {
      let index = NodeIndex(UInt32(offset))
      switch node {
      case .leaf(let leaf):
        guard encryptionKeys.insert(KeyBytes(leaf.encryptionKey)).inserted else {
          throw .duplicateEncryptionKey(index)
        }
        guard signatureKeys.insert(KeyBytes(leaf.signatureKey)).inserted else {
          throw .duplicateSignatureKey(LeafIndex(UInt32(offset / 2)))
        }
      case .parent(let parent):
        guard encryptionKeys.insert(KeyBytes(parent.encryptionKey)).inserted else {
          throw .duplicateEncryptionKey(index)
        }
      case nil:
        continue
      }
    }
  }

  /// Checks every parent's unmerged leaves. RFC 9420 §7.1, §12.4.3.1.
  ///
  /// Each entry must be sorted, a non-blank leaf under the parent, and listed by every non-blank
  /// node between the leaf and the parent.
  public func verifyUnmergedLeaves() throws(TreeValidationError) {
    let math = math
    for raw in stride(from: UInt32(1), to: UInt32(nodes.count), by: 2) {
      let index = NodeIndex(raw)
      guard let parent = parentNode(at: index) else { continue }
      for (position, leaf) in parent.unmergedLeaves.enumerated() {
        if position > 0, parent.unmergedLeaves[position - 1] >= leaf {
          throw .unmergedLeavesNotSorted(index)
        }
        guard math.contains(leaf), isInSubtree(leaf.nodeIndex, of: index) else {
          throw .unmergedLeafNotDescendant(parent: index, leaf: leaf)
        }
        guard !isBlank(leaf.nodeIndex) else {
          throw .unmergedLeafBlank(parent: index, leaf: leaf)
        }
        for between in math.directPath(leaf.nodeIndex) {
          if between == index { break }
          if let node = parentNode(at: between), !node.unmergedLeaves.contains(leaf) {
            throw .unmergedLeafMissingBelow(parent: index, leaf: leaf, node: between)
          }
        }
      }
    }
  }
}

extension LeafNode {
  /// The SignWithLabel label of a leaf node. RFC 9420 §7.2.
  static let signatureLabel = "LeafNodeTBS"

  /// Checks the signature over LeafNodeTBS with the leaf's own signature key. RFC 9420 §7.2.
  ///
  /// `groupID` and `leafIndex` are the context update and commit leaves are signed with.
  public func verifySignature(
    groupID: [UInt8], leafIndex: LeafIndex, provider: CipherSuiteProvider
  ) throws(CryptoError) {
    let content = try tbsBytes(groupID: groupID, leafIndex: leafIndex)
    try provider.verifyWithLabel(
      publicKey: signatureKey, label: Self.signatureLabel, content: content, signature: signature)
  }

  /// The encoded LeafNodeTBS of a leaf in a tree (`encodeTBS`).
  private func tbsBytes(groupID: [UInt8], leafIndex: LeafIndex) throws(CryptoError) -> [UInt8] {
    var writer = TLSWriter(reservingCapacity: 512)
    do {
      try encodeTBS(groupID: groupID, leafIndex: leafIndex, to: &writer)
    } catch {
      throw .invalidLength("LeafNodeTBS")
    }
    return writer.bytes
  }

  /// Signs the leaf: sets `signature` over LeafNodeTBS. RFC 9420 §7.2.
  public mutating func sign(
    privateKey: SecretBytes, groupID: [UInt8], leafIndex: LeafIndex,
    provider: CipherSuiteProvider
  ) throws(CryptoError) {
    let content = try tbsBytes(groupID: groupID, leafIndex: leafIndex)
    signature = try provider.signWithLabel(
      privateKey: privateKey, label: Self.signatureLabel, content: content)
  }
}

extension PublicRatchetTree {
  /// Verifies every leaf's signature. RFC 9420 §7.3, §12.4.3.1.
  ///
  /// The checks are independent, so they are spread over the cores in chunks; the error names
  /// the lowest failing leaf, as a sequential check would.
  public func verifyLeafSignatures(
    groupID: [UInt8], provider: CipherSuiteProvider
  ) throws(TreeValidationError) {
    let leaves = occupiedLeaves
    let tree = self
    let failure = Parallel.firstFailure(count: leaves.count, chunkSize: Self.signatureChunkSize) {
      (position: Int) -> TreeValidationError? in
      tree.leafSignatureFailure(leaves[position], groupID: groupID, provider: provider)
    }
    if let (_, error) = failure { throw error }
  }

  /// `.leafSignatureInvalid(leaf)` when the leaf at `leaf` is not validly signed; nil when it
  /// is, or is blank.
  func leafSignatureFailure(
    _ leaf: LeafIndex, groupID: [UInt8], provider: CipherSuiteProvider
  ) -> TreeValidationError? {
    guard let node = leafNode(at: leaf) else { return nil }
    do {
      try node.verifySignature(groupID: groupID, leafIndex: leaf, provider: provider)
      return nil
    } catch {
      return .leafSignatureInvalid(leaf)
    }
  }

  /// The integrity checks a joiner runs on a received tree. RFC 9420 §12.4.3.1.
  ///
  /// The root tree hash must equal the one the group agreed on; unmerged leaves must be
  /// consistent; keys unique; every non-blank parent parent-hash valid; every leaf signed.
  /// Credential, capability and lifetime rules (§7.3) belong to the group layer, which knows
  /// the group's policy and clock.
  ///
  /// The leaf signatures are verified on every core while one of them also runs the other
  /// checks (they hash on one core), so the join pays for the hashing only as part of the
  /// signature time. The error is the one the checks in the order above would report first:
  /// a structural fault wins over a bad signature, and among bad signatures the lowest leaf.
  public mutating func validate(
    groupID: [UInt8], expectedTreeHash: [UInt8], provider: CipherSuiteProvider
  ) throws(TreeValidationError) {
    let noCheck: @Sendable () -> Never? = { nil }
    _ = try validate(
      groupID: groupID, expectedTreeHash: expectedTreeHash, provider: provider, after: noCheck)
  }

  /// `validate`, after a check that comes before it (a joiner's GroupInfo signature, §12.4.3.1)
  /// and runs first on the core that does the structural checks, so it too overlaps the leaf
  /// signatures. When `earlier` reports an error, that error is returned and the tree's faults
  /// are not reported, as if the tree had not been checked after it.
  mutating func validate<E: Error & Sendable>(
    groupID: [UInt8], expectedTreeHash: [UInt8], provider: CipherSuiteProvider,
    after earlier: @Sendable () -> E?
  ) throws(TreeValidationError) -> E? {
    let leaves = occupiedLeaves
    let snapshot = self
    let checked = Parallel.firstFailure(
      count: leaves.count, chunkSize: Self.signatureChunkSize,
      alongside: { () -> (PublicRatchetTree, TreeValidationError?, E?) in
        if let failure = earlier() { return (snapshot, nil, failure) }
        var tree = snapshot
        do throws(TreeValidationError) {
          try tree.validateStructure(expectedTreeHash: expectedTreeHash, using: provider.hash)
          return (tree, nil, nil)
        } catch {
          return (tree, error, nil)
        }
      },
      settledBy: { $0.1 != nil || $0.2 != nil },
      { (position: Int) -> TreeValidationError? in
        snapshot.leafSignatureFailure(leaves[position], groupID: groupID, provider: provider)
      })
    // The hashes computed on the snapshot stay valid for this tree: its nodes are the same.
    hashCache = checked.serial.0.hashCache
    if let failure = checked.serial.2 { return failure }
    if let error = checked.serial.1 { throw error }
    if let (_, error) = checked.failure { throw error }
    return nil
  }

  /// Leaves per chunk of signature checks: about a millisecond of work, so the cores finish
  /// within a millisecond of each other.
  static let signatureChunkSize = 16

  /// The checks of `validate` other than signatures, in its order.
  mutating func validateStructure(
    expectedTreeHash: [UInt8], using algorithm: HashAlgorithm
  ) throws(TreeValidationError) {
    let treeHash: [UInt8]
    do {
      treeHash = try rootTreeHash(using: algorithm)
    } catch {
      throw .cryptoFailure("tree hash")
    }
    guard treeHash == expectedTreeHash else { throw .treeHashMismatch }
    try verifyUnmergedLeaves()
    try verifyUniqueKeys()
    try verifyParentHashes(using: algorithm)
  }
}
