import MLSCodec
import MLSCrypto

extension GroupState {
  /// Creates a one-member group in epoch 0. RFC 9420 §11.
  ///
  /// The creator's leaf comes from its own KeyPackage (source key_package). The first epoch's
  /// `epoch_secret` is random; both transcript hashes start empty, and the interim hash is
  /// computed from a confirmation tag over the empty confirmed transcript hash (§8.2).
  ///
  /// - Parameters:
  ///   - leafNode: the creator's leaf; `encryptionPrivateKey` and `signaturePrivateKey` are
  ///     its private keys.
  public static func create(
    groupID: [UInt8], cipherSuite: CipherSuite, leafNode: LeafNode,
    encryptionPrivateKey: SecretBytes, signaturePrivateKey: SecretBytes,
    extensions: [Extension] = [], options: GroupOptions = GroupOptions()
  ) throws(GroupError) -> GroupState {
    let provider = try GroupError.wrap { try CipherSuiteProvider(cipherSuite) }
    let ownKey = try GroupError.wrap { try provider.signaturePublicKey(for: signaturePrivateKey) }
    guard ownKey == leafNode.signatureKey else { throw .invalidArgument("signature key") }
    let encryptionKey = try GroupError.wrap { try provider.kemPublicKey(for: encryptionPrivateKey) }
    guard encryptionKey == leafNode.encryptionKey else { throw .invalidArgument("encryption key") }
    var tree = PublicRatchetTree(firstLeaf: leafNode)
    let treeHash = try GroupError.wrap { try tree.rootTreeHash(using: provider.hash) }
    let context = GroupContext(
      cipherSuite: cipherSuite, groupID: groupID, epoch: 0, treeHash: treeHash,
      confirmedTranscriptHash: [], extensions: extensions)
    let schedule = KeySchedule(provider: provider)
    let secrets = try GroupError.wrap {
      let epochSecret = try SecureRandom.secret(provider.hashLength)
      return try schedule.epochSecrets(epochSecret: epochSecret)
    }
    let tag = try GroupError.wrap {
      try ConfirmationTag.compute(
        provider: provider, confirmationKey: secrets.confirmationKey, confirmedTranscriptHash: [])
    }
    let interim = try GroupError.wrap {
      try TranscriptHashes.interim(provider: provider, confirmed: [], confirmationTag: tag)
    }
    let framingKeys = try GroupError.wrap {
      try FramingKeys(
        groupContext: context, epochSecrets: secrets, leafCount: tree.leafCount,
        configuration: options.secretTree)
    }
    var state = GroupState(
      provider: provider, options: options, groupContext: context, tree: tree,
      privateTree: TreeKEMPrivateState(leaf: LeafIndex(0), leafPrivateKey: encryptionPrivateKey),
      signaturePrivateKey: signaturePrivateKey, epochSecrets: secrets, framingKeys: framingKeys,
      interimTranscriptHash: interim, confirmationTag: tag)
    try state.checkInitialExtensions()
    state.recordResumptionPSK()
    return state
  }

  /// The creator's own leaf must support the extensions it puts in the GroupContext. §11.
  func checkInitialExtensions() throws(GroupError) {
    try checkGroupContextExtensions(groupContext.extensions, tree: tree)
  }

  /// A signed GroupInfo for the current epoch. RFC 9420 §12.4.3.
  ///
  /// With `includeRatchetTree` the tree travels in a `ratchet_tree` extension (§12.4.3.3);
  /// with the option `externalPubInGroupInfo` the `external_pub` extension lets non-members
  /// join by external commit (§12.4.3.2).
  public func groupInfo(includeRatchetTree: Bool = true) throws(GroupError) -> GroupInfo {
    try signedGroupInfo(includeRatchetTree: includeRatchetTree).info
  }

  /// The signed GroupInfo and its encoding, made in one pass. RFC 9420 §12.4.3, §5.1.2.
  ///
  /// The SignContent is signed where it lies (`groupInfoToSign`); then the header is dropped
  /// and the signature appended, which is the encoded GroupInfo the Welcome encrypts
  /// (§12.4.3.1).
  func signedGroupInfo(includeRatchetTree: Bool) throws(GroupError) -> (
    info: GroupInfo, encoded: [UInt8]
  ) {
    var (info, writer, headerLength, treeRange) = try groupInfoToSign(
      includeRatchetTree: includeRatchetTree)
    if let treeRange { info.extensions[0].extensionData = Array(writer.bytes[treeRange]) }
    info.signature = try GroupError.wrap {
      try Signature.sign(
        provider.signatureScheme, privateKey: signaturePrivateKey, message: writer.bytes)
    }
    writer.removeFirst(headerLength)
    try Self.encoding("GroupInfo") { try writer.writeOpaque(info.signature) }
    return (info, writer.bytes)
  }

  /// The GroupInfo without its signature, and the SignContent over its GroupInfoTBS.
  /// RFC 9420 §12.4.3, §5.1.2.
  ///
  /// The GroupInfo carries the whole tree, so in a large group its bytes dominate a commit
  /// that adds members: the tree is encoded once, in parts (`ratchetTreeParts`) written
  /// straight into the GroupInfoTBS, which is written once, behind the SignContent header
  /// (`opaque label<V>`, then the varint length of `content`, computed beforehand), with room
  /// for the signature behind it. The bytes from `headerLength` on are the start of the encoded
  /// GroupInfo. With the tree, `info.extensions[0]` is the `ratchet_tree` extension with its
  /// data left empty: it is `signContent.bytes[treeRange]`, which the caller copies out (while
  /// the signature is computed, on the Welcome's path).
  func groupInfoToSign(includeRatchetTree: Bool) throws(GroupError) -> (
    info: GroupInfo, signContent: TLSWriter, headerLength: Int, treeRange: Range<Int>?
  ) {
    var extensions: [Extension] = []
    var treeParts: [[UInt8]] = []
    var treeContentLength = 0
    if includeRatchetTree {
      treeParts = try Self.ratchetTreeParts(tree.nodes)
      treeContentLength = treeParts.reduce(0) { $0 + $1.count }
      extensions.append(Extension(extensionType: .ratchetTree, extensionData: []))
    }
    let treeDataLength =
      includeRatchetTree ? TLSWriter.opaqueLength(treeContentLength) : 0
    if options.externalPubInGroupInfo {
      let key = try GroupError.wrap { try epochSecrets.externalPublicKey() }
      extensions.append(try GroupError.wrap { try Extension(ExternalPub(externalPub: key)) })
    }
    let info = GroupInfo(
      groupContext: groupContext, extensions: extensions, confirmationTag: confirmationTag,
      signer: ownLeafIndex, signature: [])
    let context = try GroupCodec.encode(groupContext, "GroupContext")
    // GroupInfoTBS: group_context, extensions<V>, confirmation_tag<V>, signer (uint32).
    var extensionsLength = includeRatchetTree ? 2 + TLSWriter.opaqueLength(treeDataLength) : 0
    for item in extensions.dropFirst(includeRatchetTree ? 1 : 0) {
      extensionsLength += 2 + TLSWriter.opaqueLength(item.extensionData.count)
    }
    let tbsLength =
      context.count + TLSWriter.opaqueLength(extensionsLength)
      + TLSWriter.opaqueLength(confirmationTag.count) + 4
    let label = Array("MLS 1.0 GroupInfoTBS".utf8)
    let headerLength = TLSWriter.opaqueLength(label.count) + Varint.encodedLength(tbsLength)
    var writer = TLSWriter(reservingCapacity: headerLength + tbsLength + 256)
    var treeRange: Range<Int>?
    try Self.encoding("GroupInfoTBS") {
      try writer.writeOpaque(label)
      try writer.writeVarint(tbsLength)
      writer.writeRaw(context)
      try writer.writeVarint(extensionsLength)
      for (index, item) in extensions.enumerated() {
        writer.write(item.extensionType.rawValue)
        if index == 0 && includeRatchetTree {
          // extension_data<V> = optional<Node> ratchet_tree<V> (§12.4.3.3).
          try writer.writeVarint(treeDataLength)
          let start = writer.bytes.count
          try writer.writeVarint(treeContentLength)
          for part in treeParts { writer.writeRaw(part) }
          treeRange = start..<writer.bytes.count
        } else {
          try writer.writeOpaque(item.extensionData)
        }
      }
      try writer.writeOpaque(confirmationTag)
      writer.write(ownLeafIndex.rawValue)
    }
    guard writer.bytes.count == headerLength + tbsLength,
      treeRange.map({ $0.count == treeDataLength }) ?? true
    else { throw .malformed("GroupInfoTBS") }
    return (info, writer, headerLength, treeRange)
  }

  /// Nodes per part when the ratchet tree is encoded on several cores; smaller trees are
  /// encoded on the calling thread (dispatching costs more than it saves).
  static let treeEncodingPartSize = 1_024

  /// The content of `optional<Node> ratchet_tree<V>` without trailing blank nodes
  /// (§12.4.3.3), without its length prefix, straight from the tree's storage. Encoding the
  /// nodes dominates a large group's GroupInfo (every leaf's arrays are copied out of the tree
  /// and written; ~40% of adding a member to 10,000): the node range is cut into consecutive
  /// parts, each encoded on whichever core is free; joined, they are the sequential encoding.
  static func ratchetTreeParts(
    _ nodes: TreeNodes, partSize: Int = treeEncodingPartSize
  ) throws(GroupError) -> [[UInt8]] {
    let end = (nodes.lastIndex { $0 != nil } ?? -1) + 1
    let size = max(1, partSize)
    let partCount = max(1, (end + size - 1) / size)
    let parts = Parallel.map(count: partCount, chunkSize: 1) {
      (part: Int) -> [UInt8]? in
      let range = (part * size)..<min(end, (part + 1) * size)
      var writer = TLSWriter(reservingCapacity: range.count * 160)
      do {
        for position in range { try writer.writeOptional(nodes[position]) }
      } catch {
        return nil
      }
      return writer.bytes
    }
    var result: [[UInt8]] = []
    result.reserveCapacity(parts.count)
    for part in parts {
      guard let part else { throw .malformed("ratchet_tree") }
      result.append(part)
    }
    return result
  }

  /// Runs encoding steps; a failure (a length beyond its prefix) is `.malformed(name)`.
  static func encoding(_ name: String, _ body: () throws -> Void) throws(GroupError) {
    do {
      try body()
    } catch {
      throw .malformed(name)
    }
  }
}
