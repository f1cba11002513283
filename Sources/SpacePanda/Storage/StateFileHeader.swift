import MLSCodec

/// The fixed-size, unencrypted header of a state file (format version 1):
///
///     magic "SPMLS" (5) | version (1) | kdf (1) | m KiB (4) | t (4) | p (4) | salt (16) | nonce (12)
///
/// Integers are big-endian. Everything needed to derive the key and decrypt is here, and the
/// whole header is authenticated twice (header MAC and AEAD associated data), so changing a
/// parameter is detected rather than silently weakening the file.
struct StateFileHeader: Sendable, Hashable {
  static let magic: [UInt8] = Array("SPMLS".utf8)
  static let currentVersion: UInt8 = 1
  /// KDF code 1: Argon2id version 0x13 (RFC 9106).
  static let argon2idKDF: UInt8 = 1
  static let saltLength = 16
  static let nonceLength = 12
  static let encodedLength = 5 + 1 + 1 + 4 + 4 + 4 + saltLength + nonceLength

  var parameters: Argon2Parameters
  var salt: [UInt8]
  var nonce: [UInt8]

  func encoded() -> [UInt8] {
    var writer = TLSWriter(reservingCapacity: Self.encodedLength)
    writer.writeRaw(Self.magic)
    writer.write(Self.currentVersion)
    writer.write(Self.argon2idKDF)
    writer.write(parameters.memoryKiB)
    writer.write(parameters.iterations)
    writer.write(parameters.lanes)
    writer.writeRaw(salt)
    writer.writeRaw(nonce)
    return writer.bytes
  }

  /// Parses and checks a header: the magic, a known version and KDF, and parameters within
  /// bounds. Any failure is `corruptedState` naming what was wrong.
  init(parsing bytes: [UInt8]) throws(MLSError) {
    guard bytes.count >= Self.encodedLength else {
      throw .corruptedState("file shorter than its header")
    }
    var reader = TLSReader(Array(bytes.prefix(Self.encodedLength)))
    let magic: [UInt8]
    let version: UInt8
    let kdf: UInt8
    do throws(TLSDecodingError) {
      magic = try reader.readRaw(count: Self.magic.count)
      version = try reader.readUInt8()
      kdf = try reader.readUInt8()
      parameters = Argon2Parameters(
        memoryKiB: try reader.readUInt32(), iterations: try reader.readUInt32(),
        lanes: try reader.readUInt32())
      salt = try reader.readRaw(count: Self.saltLength)
      nonce = try reader.readRaw(count: Self.nonceLength)
    } catch {
      throw .corruptedState("header truncated")
    }
    guard magic == Self.magic else { throw .corruptedState("not a SpacePanda state file") }
    guard version == Self.currentVersion else {
      throw .corruptedState("unsupported state file version \(version)")
    }
    guard kdf == Self.argon2idKDF else {
      throw .corruptedState("unknown key derivation function \(kdf)")
    }
    if let violation = parameters.violation { throw .corruptedState(violation) }
  }

  init(parameters: Argon2Parameters, salt: [UInt8], nonce: [UInt8]) {
    self.parameters = parameters
    self.salt = salt
    self.nonce = nonce
  }
}
