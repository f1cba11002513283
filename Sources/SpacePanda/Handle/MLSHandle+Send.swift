import MLS
import MLSCodec
import MLSCrypto

extension MLSHandle {
  /// Proposes adding the client of `keyPackage` (an MLSMessage carrying a KeyPackage).
  /// RFC 9420 §12.1.1. Returns the proposal message to broadcast; a later `commit()` commits it.
  public func proposeAdd(keyPackage: [UInt8]) throws(MLSError) -> [UInt8] {
    let add = try Self.parseKeyPackage(keyPackage, config)
    return try propose(.add(Add(keyPackage: add)))
  }

  /// Proposes removing the member at leaf `memberIndex`. RFC 9420 §12.1.3.
  public func proposeRemove(memberIndex: UInt32) throws(MLSError) -> [UInt8] {
    try propose(.remove(Remove(removed: LeafIndex(memberIndex))))
  }

  /// Proposes fresh keys for this client's leaf. RFC 9420 §12.1.2. Another member must commit
  /// it (a committer cannot commit its own Update; `update()` uses a commit path instead).
  public func proposeUpdate() throws(MLSError) -> [UInt8] {
    let policy = authorizationPolicy
    let config = config
    return try perform { (state, _) throws(MLSError) in
      try state.authorize(
        .update(Update(leafNode: try state.ownLeaf())), by: state.ownReference,
        policy: policy)
      var group = state.group
      let message = try HandleCodec.group { () throws(GroupError) in try group.proposeUpdate() }
      let bytes = try HandleCodec.encode(message)
      try MLSHandle.checkSize(bytes, config)
      state.group = group
      return bytes
    }
  }

  /// Commits every pending proposal (with an UpdatePath when RFC 9420 §12.4 requires one) and
  /// merges it at once. RFC 9420 §12.4.1.
  ///
  /// When the commit adds members and the group has an application secret, a PreSharedKey
  /// proposal for it is added by value, so the Welcome needs it. Returns the commit for the
  /// group and, when members are added, the Welcome for them.
  public func commit() throws(MLSError) -> (commit: [UInt8], welcome: [UInt8]?) {
    try commit(byValue: [], forcePath: false)
  }

  /// Adds the client of `keyPackage` in one commit (with any pending proposals).
  public func add(keyPackage: [UInt8]) throws(MLSError) -> (commit: [UInt8], welcome: [UInt8]?) {
    let add = try Self.parseKeyPackage(keyPackage, config)
    return try commit(byValue: [.add(Add(keyPackage: add))], forcePath: false)
  }

  /// Removes the member at leaf `memberIndex` in one commit (with any pending proposals).
  public func remove(memberIndex: UInt32) throws(MLSError) -> (commit: [UInt8], welcome: [UInt8]?) {
    try commit(byValue: [.remove(Remove(removed: LeafIndex(memberIndex)))], forcePath: false)
  }

  /// Replaces this client's leaf keys with a commit carrying an UpdatePath (RFC 9420 §12.4.1),
  /// which also commits any pending proposals: post-compromise security (§16.6).
  public func update() throws(MLSError) -> (commit: [UInt8], welcome: [UInt8]?) {
    try commit(byValue: [], forcePath: true)
  }

  /// Encrypts application data as a PrivateMessage of the current epoch. RFC 9420 §6.3.
  public func encrypt(_ plaintext: [UInt8]) throws(MLSError) -> [UInt8] {
    let policy = authorizationPolicy
    let config = config
    return try perform { (state, _) throws(MLSError) in
      guard state.group.isActive else { throw .notAMember }
      try policy.authorize(
        .sendApplicationMessage, by: state.ownReference, in: state.group.groupContext)
      var group = state.group
      let message = try HandleCodec.group { () throws(GroupError) in
        try group.encrypt(application: plaintext)
      }
      let bytes = try HandleCodec.encode(message)
      try MLSHandle.checkSize(bytes, config)
      state.group = group
      state.counters.messagesSent += 1
      return bytes
    }
  }

  func propose(_ proposal: Proposal) throws(MLSError) -> [UInt8] {
    let policy = authorizationPolicy
    let config = config
    return try perform { (state, _) throws(MLSError) in
      guard state.group.isActive else { throw .notAMember }
      try state.authorize(proposal, by: state.ownReference, policy: policy)
      var group = state.group
      let message = try HandleCodec.group { () throws(GroupError) in
        try group.propose(proposal)
      }
      let bytes = try HandleCodec.encode(message)
      try MLSHandle.checkSize(bytes, config)
      state.group = group
      return bytes
    }
  }

  func commit(byValue: [Proposal], forcePath: Bool) throws(MLSError) -> (
    commit: [UInt8], welcome: [UInt8]?
  ) {
    let policy = authorizationPolicy
    let config = config
    let result = try perform { (state, events) throws(MLSError) in
      try state.commit(
        byValue: byValue, forcePath: forcePath, policy: policy, config: config, events: &events)
    }
    return (result.commit, result.welcome)
  }

  static func parseKeyPackage(_ bytes: [UInt8], _ config: MLSConfig) throws(MLSError)
    -> KeyPackage
  {
    try checkSize(bytes, config)
    guard case .keyPackage(let keyPackage) = try HandleCodec.decode(MLSMessage.self, bytes).body
    else { throw .malformedMessage("not a KeyPackage message") }
    return keyPackage
  }
}

/// The result of an own commit (a struct so it crosses the lock as one `Sendable` value).
struct CommitResult: Sendable {
  var commit: [UInt8]
  var welcome: [UInt8]?
}

extension HandleState {
  /// This client's current leaf.
  func ownLeaf() throws(MLSError) -> LeafNode {
    guard group.isActive, let leaf = group.tree.leafNode(at: group.ownLeafIndex) else {
      throw .notAMember
    }
    return leaf
  }

  /// The policy's verdict on `proposal` by `member` in the current epoch. PreSharedKey
  /// proposals need no right (they only strengthen the key schedule); ReInit and ExternalInit
  /// are not supported by the handle.
  func authorize(
    _ proposal: Proposal, by member: MemberReference, policy: any AuthorizationPolicy
  ) throws(MLSError) {
    let operation: GroupOperation
    switch proposal {
    case .add: operation = .add
    case .remove(let body): operation = .remove(target: body.removed.rawValue)
    case .update: operation = .update
    case .groupContextExtensions(let body): operation = .changeExtensions(proposed: body.extensions)
    case .preSharedKey: return
    case .reInit: throw .unauthorized("ReInit proposals are not accepted by MLSHandle")
    case .externalInit: throw .unauthorized("ExternalInit outside an external commit")
    }
    try policy.authorize(operation, by: member, in: group.groupContext)
  }

  /// Commits the cached proposals and `byValue`, merges, and reports the transition.
  mutating func commit(
    byValue: [Proposal], forcePath: Bool, policy: any AuthorizationPolicy, config: MLSConfig,
    events: inout [MLSEvent]
  ) throws(MLSError) -> CommitResult {
    guard group.isActive else { throw .notAMember }
    for proposal in byValue { try authorize(proposal, by: ownReference, policy: policy) }
    var proposals = byValue
    let all = group.pendingProposals + byValue
    let addsMembers = all.contains { if case .add = $0 { true } else { false } }
    if addsMembers, let appPSK, !appPSK.isInjected(by: all) {
      let id = try appPSK.freshID(nonceLength: group.provider.hashLength)
      proposals.append(.preSharedKey(PreSharedKey(psk: id)))
    }
    var next = group
    let output = try HandleCodec.group { () throws(GroupError) in
      let output = try next.commit(proposals: proposals, forcePath: forcePath)
      try next.mergePendingCommit()
      return output
    }
    let commit = try HandleCodec.encode(output.commit)
    try MLSHandle.checkSize(commit, config)
    let welcome = try output.welcome.map { (message) throws(MLSError) in
      try HandleCodec.encode(message)
    }
    let old = group
    group = next
    events += transitionEvents(from: old, by: ownReference)
    return CommitResult(commit: commit, welcome: welcome)
  }
}
