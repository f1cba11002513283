import MLS
import MLSCodec
import MLSCrypto
import SpacePanda
import Testing

@Suite("Authorization policies")
struct AuthorizationTests {
  static let alice = MemberReference(leafIndex: 0, identity: Array("alice".utf8))
  static let bob = MemberReference(leafIndex: 1, identity: Array("bob".utf8))
  static let carol = MemberReference(leafIndex: 2, identity: Array("carol".utf8))
  static let admins = AdminList(identities: [Array("alice".utf8)])

  static func context(_ extensions: [Extension]) -> GroupContext {
    GroupContext(
      cipherSuite: .x25519Aes128Sha256Ed25519, groupID: [1], epoch: 3, treeHash: [],
      confirmedTranscriptHash: [], extensions: extensions)
  }

  static func adminContext() throws -> GroupContext {
    context([try Extension(admins)])
  }

  static let everyOperation: [GroupOperation] = [
    .add, .remove(target: 2), .update, .sendApplicationMessage, .changeExtensions(proposed: []),
  ]

  @Test func adminListEncoding() throws {
    let list = AdminList(identities: [[0x61], [0x62, 0x63]])
    // Outer varint length 5, then each identity with its own varint length.
    #expect(try list.tlsSerialized() == [0x05, 0x01, 0x61, 0x02, 0x62, 0x63])
    #expect(try AdminList(tlsSerialized: [0x05, 0x01, 0x61, 0x02, 0x62, 0x63]) == list)
    #expect(throws: TLSDecodingError.self) { try AdminList(tlsSerialized: [0x03, 0x05, 0x61]) }
    let ext = try Extension(list)
    #expect(ext.extensionType.rawValue == 0xFF00)
    #expect(try [ext].payload(AdminList.self) == list)
  }

  @Test func adminListRules() {
    #expect(Self.admins.violation == nil)
    #expect(AdminList(identities: []).violation == "admin list is empty")
    #expect(AdminList(identities: [[1], []]).violation == "admin list has an empty identity")
    #expect(AdminList(identities: [[1], [1]]).violation == "admin list has duplicates")
  }

  @Test func defaultPolicyAllowsEverything() throws {
    for operation in Self.everyOperation {
      try DefaultPolicy().authorize(operation, by: Self.bob, in: Self.context([]))
    }
  }

  @Test func adminMayDoEverything() throws {
    let context = try Self.adminContext()
    for operation in Self.everyOperation.dropLast() {
      try AdminPolicy().authorize(operation, by: Self.alice, in: context)
    }
    try AdminPolicy().authorize(
      .changeExtensions(proposed: [try Extension(Self.admins)]), by: Self.alice, in: context)
    let newList = AdminList(identities: [Array("alice".utf8), Array("bob".utf8)])
    try AdminPolicy().authorize(
      .changeExtensions(proposed: [try Extension(newList)]), by: Self.alice, in: context)
  }

  @Test func membersMaySendAndUpdateOnly() throws {
    let context = try Self.adminContext()
    try AdminPolicy().authorize(.update, by: Self.bob, in: context)
    try AdminPolicy().authorize(.sendApplicationMessage, by: Self.bob, in: context)
    #expect(throws: MLSError.unauthorized("add is reserved to admins")) {
      try AdminPolicy().authorize(.add, by: Self.bob, in: context)
    }
    #expect(throws: MLSError.unauthorized("remove is reserved to admins")) {
      try AdminPolicy().authorize(.remove(target: 2), by: Self.bob, in: context)
    }
    #expect(throws: MLSError.unauthorized("change extensions is reserved to admins")) {
      try AdminPolicy().authorize(
        .changeExtensions(proposed: [try Extension(Self.admins)]), by: Self.bob, in: context)
    }
  }

  @Test func memberMayRemoveItself() throws {
    try AdminPolicy().authorize(.remove(target: 1), by: Self.bob, in: try Self.adminContext())
    let unplaced = MemberReference(leafIndex: nil, identity: Array("bob".utf8))
    #expect(throws: MLSError.unauthorized("remove is reserved to admins")) {
      try AdminPolicy().authorize(.remove(target: 1), by: unplaced, in: try Self.adminContext())
    }
  }

  @Test func identityIsComparedExactly() throws {
    let impostor = MemberReference(leafIndex: 0, identity: Array("Alice".utf8))
    #expect(throws: MLSError.unauthorized("add is reserved to admins")) {
      try AdminPolicy().authorize(.add, by: impostor, in: try Self.adminContext())
    }
  }

  @Test func onlyAdminsChangeTheAdminList() throws {
    let context = try Self.adminContext()
    let policy = AdminPolicy(adminsOnlyForAllExtensionChanges: false)
    let takeover = AdminList(identities: [Array("bob".utf8)])
    #expect(throws: MLSError.unauthorized("change extensions is reserved to admins")) {
      try policy.authorize(
        .changeExtensions(proposed: [try Extension(takeover)]), by: Self.bob, in: context)
    }
    // Other extension changes that keep the list are open to members under this setting.
    let appID = try Extension(ApplicationID(applicationID: [9]))
    try policy.authorize(
      .changeExtensions(proposed: [try Extension(Self.admins), appID]), by: Self.bob, in: context)
    #expect(throws: MLSError.unauthorized("change extensions is reserved to admins")) {
      try AdminPolicy().authorize(
        .changeExtensions(proposed: [try Extension(Self.admins), appID]), by: Self.bob,
        in: context)
    }
  }

  @Test func adminListCannotBeRemovedOrBroken() throws {
    let context = try Self.adminContext()
    #expect(throws: MLSError.invalidProposal("admin list cannot be removed")) {
      try AdminPolicy().authorize(.changeExtensions(proposed: []), by: Self.alice, in: context)
    }
    let cases: [([Extension], String)] = [
      ([try Extension(AdminList(identities: []))], "admin list is empty"),
      ([try Extension(AdminList(identities: [[1], [1]]))], "admin list has duplicates"),
      (
        [Extension(extensionType: .spacePandaAdmins, extensionData: [0x09])],
        "admin list extension does not parse"
      ),
      ([try Extension(Self.admins), try Extension(Self.admins)], "admin list extension repeated"),
    ]
    for (proposed, rule) in cases {
      #expect(throws: MLSError.invalidProposal(rule)) {
        try AdminPolicy().authorize(
          .changeExtensions(proposed: proposed), by: Self.alice, in: context)
      }
    }
  }

  @Test func noAdminListFailsClosed() throws {
    let context = Self.context([])
    try AdminPolicy().authorize(.sendApplicationMessage, by: Self.alice, in: context)
    let rule = "needs an admin and the group has no admin list"
    #expect(throws: MLSError.unauthorized("add " + rule)) {
      try AdminPolicy().authorize(.add, by: Self.alice, in: context)
    }
    // Nobody can install a list after creation.
    #expect(throws: MLSError.unauthorized("change extensions " + rule)) {
      try AdminPolicy().authorize(
        .changeExtensions(proposed: [try Extension(Self.admins)]), by: Self.alice, in: context)
    }
  }

  @Test func damagedCurrentListIsCorruptState() {
    let context = Self.context([Extension(extensionType: .spacePandaAdmins, extensionData: [0xff])])
    #expect(
      throws: MLSError.corruptedState("admin list extension in the group context does not parse")
    ) {
      try AdminPolicy().authorize(.add, by: Self.alice, in: context)
    }
  }

  @Test func operationNames() {
    #expect(
      Self.everyOperation.map(\.name) == ["add", "remove", "update", "send", "change extensions"])
  }
}
