import MLSCodec
import MLSCrypto

/// A path secret sent to a new member. RFC 9420 §12.4.3.1 (`PathSecret`).
public struct PathSecret: Hashable, Sendable, TLSCodable {
  public var pathSecret: [UInt8]

  public init(pathSecret: [UInt8]) { self.pathSecret = pathSecret }

  public func encode(to writer: inout TLSWriter) throws { try writer.writeOpaque(pathSecret) }
  public init(from reader: inout TLSReader) throws { pathSecret = try reader.readOpaque() }
}

/// The secrets a Welcome gives one new member, sealed to their init key. RFC 9420 §12.4.3.1.
///
/// Holds secrets as plain bytes because it is a wire structure; callers move them into
/// `SecretBytes` as soon as it is decoded.
public struct GroupSecrets: Hashable, Sendable, TLSCodable {
  public var joinerSecret: [UInt8]
  public var pathSecret: PathSecret?
  /// The PSKs of the commit, in the same order (§8.4).
  public var psks: [PreSharedKeyID]

  public init(joinerSecret: [UInt8], pathSecret: PathSecret?, psks: [PreSharedKeyID]) {
    self.joinerSecret = joinerSecret
    self.pathSecret = pathSecret
    self.psks = psks
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(joinerSecret)
    try writer.writeOptional(pathSecret)
    try writer.writeVector(psks)
  }

  public init(from reader: inout TLSReader) throws {
    joinerSecret = try reader.readOpaque()
    pathSecret = try reader.readOptional()
    psks = try reader.readVector()
  }
}

/// GroupSecrets sealed to one new member, found by their KeyPackageRef. RFC 9420 §12.4.3.1.
public struct EncryptedGroupSecrets: Hashable, Sendable, TLSCodable {
  /// `KeyPackageRef new_member`: the RefHash of the new member's KeyPackage (§5.2).
  public var newMember: [UInt8]
  public var encryptedGroupSecrets: HPKECiphertext

  public init(newMember: [UInt8], encryptedGroupSecrets: HPKECiphertext) {
    self.newMember = newMember
    self.encryptedGroupSecrets = encryptedGroupSecrets
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeOpaque(newMember)
    try writer.write(encryptedGroupSecrets)
  }

  public init(from reader: inout TLSReader) throws {
    newMember = try reader.readOpaque()
    encryptedGroupSecrets = try reader.read()
  }
}

/// Invites new members: per-member group secrets and the GroupInfo encrypted under a key derived
/// from the welcome secret. RFC 9420 §12.4.3.1 (`Welcome`).
public struct Welcome: Hashable, Sendable, TLSCodable {
  public var cipherSuite: CipherSuite
  public var secrets: [EncryptedGroupSecrets]
  public var encryptedGroupInfo: [UInt8]

  public init(
    cipherSuite: CipherSuite, secrets: [EncryptedGroupSecrets], encryptedGroupInfo: [UInt8]
  ) {
    self.cipherSuite = cipherSuite
    self.secrets = secrets
    self.encryptedGroupInfo = encryptedGroupInfo
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(cipherSuite)
    try writer.writeVector(secrets)
    try writer.writeOpaque(encryptedGroupInfo)
  }

  public init(from reader: inout TLSReader) throws {
    cipherSuite = try reader.read()
    secrets = try reader.readVector()
    encryptedGroupInfo = try reader.readOpaque()
  }
}
