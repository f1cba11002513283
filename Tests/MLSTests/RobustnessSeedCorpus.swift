import FuzzHarness
import MLSCodec
import MLSCrypto

@testable import MLS

/// Valid encodings built by our own code, one set per fuzz target: the seed corpus the fuzzers
/// start from (Fuzz/corpus/<target>/), so they begin deep inside each structure instead of
/// spending their time discovering the outer syntax. RFC 9420 §6, §7.8, §10, §12.4.
///
/// Keys are fresh on every call, so the bytes differ between runs; the structure does not.
struct RobustnessSeedCorpus {
  let provider: CipherSuiteProvider
  /// Seeds by target, each with a file name.
  private(set) var seeds: [FuzzTarget: [(name: String, bytes: [UInt8])]] = [:]

  init() throws {
    provider = try CipherSuiteProvider(.x25519Aes128Sha256Ed25519)
    let keyPackages = [
      try Self.keyPackage(seed: 1, provider: provider),
      try Self.keyPackage(
        seed: 2, provider: try CipherSuiteProvider(.p256Aes128Sha256P256)),
    ]
    for (offset, keyPackage) in keyPackages.enumerated() {
      try add(.keyPackage, "keypackage-suite\(keyPackage.cipherSuite.rawValue)", keyPackage)
      try add(
        .mlsMessage, "mlsmessage-keypackage-\(offset)",
        MLSMessage(body: .keyPackage(keyPackage)))
    }

    let trees = try Self.trees(provider: provider)
    for (name, tree) in trees { try add(.ratchetTree, "tree-\(name)", tree.wireForm) }

    let committed = trees[trees.count - 1].tree
    let groupInfo = try Self.groupInfo(tree: committed, provider: provider)
    try add(.groupInfo, "groupinfo-with-tree", groupInfo)
    try add(.mlsMessage, "mlsmessage-groupinfo", MLSMessage(body: .groupInfo(groupInfo)))

    let welcome = try Self.welcome(keyPackage: keyPackages[0], provider: provider)
    try add(.welcome, "welcome", welcome)
    try add(.mlsMessage, "mlsmessage-welcome", MLSMessage(body: .welcome(welcome)))

    let publicMessages = try Self.publicMessages(keyPackage: keyPackages[0], provider: provider)
    for (offset, message) in publicMessages.enumerated() {
      try add(.publicMessage, "publicmessage-\(offset)", message)
      try add(
        .mlsMessage, "mlsmessage-publicmessage-\(offset)",
        MLSMessage(body: .publicMessage(message)))
    }
    let privateMessages = try Self.privateMessages(keyPackage: keyPackages[0])
    for (offset, message) in privateMessages.enumerated() {
      try add(.privateMessage, "privatemessage-\(offset)", message)
      try add(
        .mlsMessage, "mlsmessage-privatemessage-\(offset)",
        MLSMessage(body: .privateMessage(message)))
    }
  }

  private mutating func add(_ target: FuzzTarget, _ name: String, _ value: some TLSEncodable)
    throws
  {
    seeds[target, default: []].append((name, try value.tlsSerialized()))
  }

  /// A KeyPackage signed as RFC 9420 §10 requires, with a signed key-package leaf.
  static func keyPackage(seed: Int, provider: CipherSuiteProvider) throws -> KeyPackage {
    let signatureKeys = try provider.generateSignatureKeyPair()
    var leaf = LeafNode(
      encryptionKey: try provider.generateKEMKeyPair().publicKey,
      signatureKey: signatureKeys.publicKey,
      credential: .basic(identity: Array("seed \(seed)".utf8)),
      capabilities: Capabilities(
        versions: [.mls10], cipherSuites: [provider.suite],
        extensions: [ExtensionType(rawValue: 0x0A0A)],
        proposals: [], credentials: [.basic, .x509]),
      source: .keyPackage(Lifetime(notBefore: 0, notAfter: UInt64.max)),
      extensions: [Extension(extensionType: ExtensionType(rawValue: 0x0A0A), extensionData: [1])],
      signature: [])
    try leaf.sign(
      privateKey: signatureKeys.privateKey, groupID: [], leafIndex: LeafIndex(0),
      provider: provider)
    var keyPackage = KeyPackage(
      cipherSuite: provider.suite, initKey: try provider.generateKEMKeyPair().publicKey,
      leafNode: leaf, extensions: [], signature: [])
    keyPackage.signature = try provider.signWithLabel(
      privateKey: signatureKeys.privateKey, label: "KeyPackageTBS",
      content: try keyPackage.toBeSigned.tlsSerialized())
    return keyPackage
  }

  /// Trees that pass every check of RFC 9420 §12.4.3.1 under `FuzzTarget.treeGroupID`: one
  /// member; three members with blank parents; five members after a commit (parent nodes with
  /// parent hashes); and the same with a sixth member added (unmerged leaves). The last is the
  /// committed tree the GroupInfo seed carries.
  static func trees(provider: CipherSuiteProvider) throws -> [(
    name: String, tree: PublicRatchetTree
  )] {
    let single = try TreeKEMGroup(members: 1).tree
    let three = try TreeKEMGroup(members: 3).tree
    let group = try TreeKEMGroup(members: 5)
    var committed = try group.commit(from: LeafIndex(0)).tree
    guard var leaf = committed.leafNode(at: LeafIndex(0)),
      let signatureKey = group.signatureKeys[LeafIndex(0)]
    else { throw RatchetTreeError.blankLeaf(LeafIndex(0)) }
    // A commit leaf is signed with its group ID (§7.2); re-sign it for the fuzz group.
    try leaf.sign(
      privateKey: signatureKey, groupID: FuzzTarget.treeGroupID, leafIndex: LeafIndex(0),
      provider: provider)
    try committed.setNode(.leaf(leaf), at: LeafIndex(0).nodeIndex)
    var withUnmerged = committed
    withUnmerged.add(try TreeKEMGroup.member(9, provider: provider).leaf)
    return [
      ("one-member", single), ("three-members", three), ("committed", committed),
      ("unmerged", withUnmerged),
    ]
  }

  /// A GroupInfo carrying the tree and an external_pub, signed by leaf 0. RFC 9420 §12.4.3.
  static func groupInfo(tree: PublicRatchetTree, provider: CipherSuiteProvider) throws
    -> GroupInfo
  {
    var tree = tree
    let context = GroupContext(
      cipherSuite: provider.suite, groupID: FuzzTarget.treeGroupID, epoch: 3,
      treeHash: try tree.rootTreeHash(using: provider.hash),
      confirmedTranscriptHash: Array(repeating: 0x11, count: provider.hashLength),
      extensions: [])
    var groupInfo = GroupInfo(
      groupContext: context,
      extensions: [
        try Extension(tree.wireForm),
        try Extension(ExternalPub(externalPub: try provider.generateKEMKeyPair().publicKey)),
      ],
      confirmationTag: Array(repeating: 0x22, count: provider.hashLength), signer: LeafIndex(0),
      signature: [])
    // The signer's key lives with the test group that built the tree; a fresh key is enough
    // for a seed whose signature check may fail (the harness only needs it to run).
    let signer = try provider.generateSignatureKeyPair()
    groupInfo.signature = try provider.signWithLabel(
      privateKey: signer.privateKey, label: "GroupInfoTBS",
      content: try groupInfo.toBeSigned.tlsSerialized())
    return groupInfo
  }

  /// A Welcome with GroupSecrets really HPKE-encrypted to the KeyPackage's init key. §12.4.3.
  static func welcome(keyPackage: KeyPackage, provider: CipherSuiteProvider) throws -> Welcome {
    let secrets = GroupSecrets(
      joinerSecret: Array(repeating: 0x33, count: provider.hashLength),
      pathSecret: PathSecret(pathSecret: Array(repeating: 0x44, count: provider.hashLength)),
      psks: [])
    let sealed = try provider.encryptWithLabel(
      publicKey: keyPackage.initKey, label: "Welcome", context: Array(repeating: 0x55, count: 16),
      plaintext: try secrets.tlsSerialized())
    let reference = try provider.refHash(
      label: "MLS 1.0 KeyPackage Reference", value: try keyPackage.tlsSerialized())
    return Welcome(
      cipherSuite: provider.suite,
      secrets: [
        EncryptedGroupSecrets(
          newMember: reference,
          encryptedGroupSecrets: HPKECiphertext(
            kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext))
      ],
      encryptedGroupInfo: Array(repeating: 0x66, count: 48))
  }

  /// PublicMessages: a member's application-free proposal, a commit with an UpdatePath, and an
  /// external sender's proposal (no membership tag). RFC 9420 §6.2.
  static func publicMessages(keyPackage: KeyPackage, provider: CipherSuiteProvider) throws
    -> [PublicMessage]
  {
    let group = try TreeKEMGroup(members: 3)
    let path = try group.commit(from: LeafIndex(1)).path
    let tag = Array(repeating: UInt8(0x77), count: provider.hashLength)
    let signature = Array(repeating: UInt8(0x88), count: 64)
    func framed(_ sender: Sender, _ content: MessageContent) -> FramedContent {
      FramedContent(
        groupID: FuzzTarget.treeGroupID, epoch: 5, sender: sender, authenticatedData: [9],
        content: content)
    }
    let add = framed(.member(LeafIndex(0)), .proposal(.add(Add(keyPackage: keyPackage))))
    let commit = framed(
      .member(LeafIndex(1)),
      .commit(
        Commit(
          proposals: [
            .reference(Array(repeating: 0x99, count: provider.hashLength)),
            .proposal(.remove(Remove(removed: LeafIndex(2)))),
          ], path: path)))
    let external = framed(
      .external(senderIndex: 0), .proposal(.remove(Remove(removed: LeafIndex(1)))))
    return [
      PublicMessage(
        content: add, auth: FramedContentAuthData(signature: signature, confirmationTag: nil),
        membershipTag: tag),
      PublicMessage(
        content: commit, auth: FramedContentAuthData(signature: signature, confirmationTag: tag),
        membershipTag: tag),
      PublicMessage(
        content: external,
        auth: FramedContentAuthData(signature: signature, confirmationTag: nil),
        membershipTag: nil),
    ]
  }

  /// PrivateMessages whose encrypted fields hold plaintext encodings, which the harness parses
  /// as if decryption had returned them (SenderData, PrivateMessageContent with padding).
  /// RFC 9420 §6.3.
  static func privateMessages(keyPackage: KeyPackage) throws -> [PrivateMessage] {
    let senderData = try SenderData(
      leafIndex: LeafIndex(1), generation: 4, reuseGuard: [1, 2, 3, 4]
    ).tlsSerialized()
    let signature = Array(repeating: UInt8(0x88), count: 64)
    let application = try PrivateMessageContent(
      content: .application(Array("hello".utf8)),
      auth: FramedContentAuthData(signature: signature, confirmationTag: nil), paddingLength: 7
    ).tlsSerialized()
    let proposal = try PrivateMessageContent(
      content: .proposal(.add(Add(keyPackage: keyPackage))),
      auth: FramedContentAuthData(signature: signature, confirmationTag: nil)
    ).tlsSerialized()
    func message(_ type: ContentType, _ plaintext: [UInt8]) -> PrivateMessage {
      PrivateMessage(
        groupID: FuzzTarget.treeGroupID, epoch: 5, contentType: type, authenticatedData: [],
        encryptedSenderData: senderData, ciphertext: plaintext)
    }
    return [message(.application, application), message(.proposal, proposal)]
  }
}
