import MLSCodec
import MLSCrypto

/// The kind of a pre-shared key. RFC 9420 §8.4 (`PSKType`); 0 is reserved.
public enum PSKType: UInt8, Hashable, Sendable {
  case external = 1
  case resumption = 2
}

/// What a resumption PSK is used for. RFC 9420 §8.4 (`ResumptionPSKUsage`); 0 is reserved.
///
/// The usage is bound into the key schedule so a PSK injected for one purpose (say, a branch)
/// cannot be replayed for another (a reinitialisation).
public enum ResumptionPSKUsage: UInt8, Hashable, Sendable, TLSCodable {
  case application = 1
  case reinit = 2
  case branch = 3

  public func encode(to writer: inout TLSWriter) { writer.write(rawValue) }

  public init(from reader: inout TLSReader) throws {
    let raw = try reader.readUInt8()
    guard let usage = ResumptionPSKUsage(rawValue: raw) else {
      throw TLSDecodingError.invalidValue("ResumptionPSKUsage \(raw)")
    }
    self = usage
  }
}

/// Names a PSK and carries the nonce that makes each injection of it distinct. RFC 9420 §8.4.
///
/// This is the body of a PreSharedKey proposal (§12.1.4) and an entry of `GroupSecrets.psks`
/// (§12.4.3.1).
public struct PreSharedKeyID: Hashable, Sendable, TLSCodable {
  /// Which PSK: an external one by its id, or a resumption PSK by group, epoch and usage.
  public enum Key: Hashable, Sendable {
    /// `psk_id`, agreed out of band.
    case external(pskID: [UInt8])
    /// The `resumption_psk` of epoch `pskEpoch` of group `pskGroupID`.
    case resumption(usage: ResumptionPSKUsage, pskGroupID: [UInt8], pskEpoch: UInt64)
  }

  public var key: Key
  /// Fresh random bytes of length `KDF.Nh` per injection (§8.4).
  public var pskNonce: [UInt8]

  public init(key: Key, pskNonce: [UInt8]) {
    self.key = key
    self.pskNonce = pskNonce
  }

  public var pskType: PSKType {
    switch key {
    case .external: .external
    case .resumption: .resumption
    }
  }

  /// Whether the nonce has the length §8.4 requires for a group of this suite.
  public func hasValidNonce(for provider: CipherSuiteProvider) -> Bool {
    pskNonce.count == provider.hashLength
  }

  public func encode(to writer: inout TLSWriter) throws {
    writer.write(pskType.rawValue)
    switch key {
    case .external(let pskID):
      try writer.writeOpaque(pskID)
    case .resumption(let usage, let pskGroupID, let pskEpoch):
      try writer.write(usage)
      try writer.writeOpaque(pskGroupID)
      writer.write(pskEpoch)
    }
    try writer.writeOpaque(pskNonce)
  }

  public init(from reader: inout TLSReader) throws {
    let rawType = try reader.readUInt8()
    switch PSKType(rawValue: rawType) {
    case .external:
      key = .external(pskID: try reader.readOpaque())
    case .resumption:
      let usage: ResumptionPSKUsage = try reader.read()
      let groupID = try reader.readOpaque()
      let epoch = try reader.readUInt64()
      key = .resumption(usage: usage, pskGroupID: groupID, pskEpoch: epoch)
    case nil:
      throw TLSDecodingError.invalidValue("PSKType \(rawType)")
    }
    pskNonce = try reader.readOpaque()
  }
}

/// The context of a PSK's `derived psk` expansion. RFC 9420 §8.4.
///
/// Binding the PSK's id, position and the total count means the same PSKs in another order, or
/// a subset of them, give a different `psk_secret`.
public struct PSKLabel: Hashable, Sendable, TLSEncodable {
  public var id: PreSharedKeyID
  public var index: UInt16
  public var count: UInt16

  public init(id: PreSharedKeyID, index: UInt16, count: UInt16) {
    self.id = id
    self.index = index
    self.count = count
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.write(id)
    writer.write(index)
    writer.write(count)
  }
}
