import MLSCrypto

/// Shares the capability lists that members repeat. RFC 9420 §7.2 (`Capabilities`).
///
/// Every member lists (nearly) the same versions, suites, extension, proposal and credential
/// types; decoded from the wire, each leaf owns five separate arrays for them (about 240 bytes
/// per member in array headers and rounding). A tree keeps up to `limit` distinct lists of each
/// kind and makes every equal list of a new leaf point at the kept one, so each distinct list is
/// stored once. Values are unchanged: this only shares storage. GREASE values (§13.5) make a few
/// variants per list, well under the limit; a tree with more variants just stores the rest
/// unshared.
struct CapabilityInterner: Sendable {
  /// Distinct lists kept per kind; bounds the linear search a new leaf costs.
  static let limit = 32

  private var versions: [[ProtocolVersion]] = []
  private var cipherSuites: [[CipherSuite]] = []
  private var extensions: [[ExtensionType]] = []
  private var proposals: [[ProposalType]] = []
  private var credentials: [[CredentialType]] = []

  init() {}

  /// The leaf with its capability lists replaced by equal, shared ones.
  mutating func intern(_ leaf: LeafNode) -> LeafNode {
    var shared = leaf
    shared.capabilities.versions = Self.intern(leaf.capabilities.versions, in: &versions)
    shared.capabilities.cipherSuites = Self.intern(
      leaf.capabilities.cipherSuites, in: &cipherSuites)
    shared.capabilities.extensions = Self.intern(leaf.capabilities.extensions, in: &extensions)
    shared.capabilities.proposals = Self.intern(leaf.capabilities.proposals, in: &proposals)
    shared.capabilities.credentials = Self.intern(
      leaf.capabilities.credentials, in: &credentials)
    return shared
  }

  /// The kept list equal to `list`, keeping `list` itself when there is room.
  private static func intern<Element: Equatable>(
    _ list: [Element], in table: inout [[Element]]
  ) -> [Element] {
    guard !list.isEmpty else { return list }
    if let kept = table.first(where: { $0 == list }) { return kept }
    if table.count < limit { table.append(list) }
    return list
  }
}
