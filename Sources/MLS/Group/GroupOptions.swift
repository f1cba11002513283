import MLSCrypto

/// A member's local policy for one group: what it checks and how it sends. RFC 9420 leaves
/// these choices to the application.
public struct GroupOptions: Sendable {
  /// Check leaf lifetimes against `clock` (§7.3). On by default; old test vectors carry
  /// expired lifetimes and turn it off.
  public var checkLifetimes: Bool
  /// Also check the lifetimes of KeyPackage leaves already in a joined tree (§7.3 recommends
  /// the check on receipt only; a member who never updated keeps its old lifetime). Off by
  /// default.
  public var checkLifetimesInTree: Bool
  /// Require leaves to list the group's cipher suite and version in their capabilities (§7.2).
  /// On by default; some official vectors omit suite 7 from leaves of suite-7 groups.
  public var requireGroupSuiteInCapabilities: Bool
  /// The time lifetime checks use.
  public var clock: any MLSClock
  /// The longest KeyPackage lifetime accepted (§7.2 asks applications to set one); nil: any.
  public var maximumLifetime: UInt64?
  /// Accepts or rejects every credential that enters the group (§5.3.1).
  public var authenticationService: any AuthenticationService
  /// How many past epochs' resumption PSKs are kept (§8.6), including the current one.
  public var resumptionPSKHistory: Int
  /// Retention of out-of-order message keys (§9.2).
  public var secretTree: SecretTreeConfiguration
  /// How many past epochs' message keys are kept for late application messages (§9.2), at
  /// most `GroupState.maximumPastEpochRetention`. 0, the default, keeps none: strict epochs.
  public var pastEpochRetention: Int = 0
  /// Send own proposals and commits as PublicMessage (`false`) or PrivateMessage (`true`).
  public var encryptHandshakeMessages: Bool
  /// Padding of own PrivateMessages (§6.3.1).
  public var padding: PaddingPolicy
  /// Put the ratchet tree into the GroupInfo of Welcomes (§12.4.3.3); otherwise the joiner
  /// needs it out of band.
  public var ratchetTreeInWelcome: Bool
  /// Put `external_pub` into GroupInfos so non-members can join by external commit (§12.4.3.2).
  public var externalPubInGroupInfo: Bool
  /// Caps on received trees and commits (§16.8); defaults: 2^16 leaves, 4096 proposals.
  public var limits: ResourceLimits

  public init(
    checkLifetimes: Bool = true, checkLifetimesInTree: Bool = false,
    requireGroupSuiteInCapabilities: Bool = true,
    clock: any MLSClock = SystemClock(),
    maximumLifetime: UInt64? = LeafNodeValidationOptions.defaultMaximumLifetime,
    authenticationService: any AuthenticationService = BasicCredentialAuthenticator(),
    resumptionPSKHistory: Int = 8, secretTree: SecretTreeConfiguration = .init(),
    encryptHandshakeMessages: Bool = false, padding: PaddingPolicy = .none,
    ratchetTreeInWelcome: Bool = true, externalPubInGroupInfo: Bool = false,
    limits: ResourceLimits = ResourceLimits()
  ) {
    self.checkLifetimes = checkLifetimes
    self.checkLifetimesInTree = checkLifetimesInTree
    self.requireGroupSuiteInCapabilities = requireGroupSuiteInCapabilities
    self.clock = clock
    self.maximumLifetime = maximumLifetime
    self.authenticationService = authenticationService
    self.resumptionPSKHistory = max(1, resumptionPSKHistory)
    self.secretTree = secretTree
    self.encryptHandshakeMessages = encryptHandshakeMessages
    self.padding = padding
    self.ratchetTreeInWelcome = ratchetTreeInWelcome
    self.externalPubInGroupInfo = externalPubInGroupInfo
    self.limits = limits
  }
}

/// Pre-shared keys known to a member, by id. RFC 9420 §8.4.
///
/// External PSKs are registered by the application; resumption PSKs of this group are taken
/// from the group's history, those of other groups (for reinit and branch joins) registered here.
public struct PSKStore: Sendable {
  var external: [[UInt8]: SecretBytes] = [:]
  var resumption: [ResumptionKey: SecretBytes] = [:]

  struct ResumptionKey: Hashable, Sendable {
    var groupID: [UInt8]
    var epoch: UInt64
  }

  public init() {}

  /// Registers an external PSK under `pskID`.
  public mutating func addExternal(pskID: [UInt8], psk: SecretBytes) {
    external[pskID] = psk
  }

  /// Registers the resumption PSK of another group's epoch.
  public mutating func addResumption(groupID: [UInt8], epoch: UInt64, psk: SecretBytes) {
    resumption[ResumptionKey(groupID: groupID, epoch: epoch)] = psk
  }

  func lookup(_ id: PreSharedKeyID) -> SecretBytes? {
    switch id.key {
    case .external(let pskID): external[pskID]
    case .resumption(_, let groupID, let epoch):
      resumption[ResumptionKey(groupID: groupID, epoch: epoch)]
    }
  }
}
