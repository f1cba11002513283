import MLS
import MLSCodec

extension ExtensionType {
  /// SpacePanda's admin list, a group context extension. 0xFF00 lies in the range RFC 9420
  /// §17.3 reserves for private use (0xF000-0xFFFF), so it cannot collide with a registered
  /// type, and outside the GREASE values (§13.5: 0x0A0A, 0x1A1A, ..., 0xFAFA). Every member's
  /// capabilities must list it, as for any group context extension (§11.1, §12.1.7).
  public static let spacePandaAdmins = ExtensionType(rawValue: 0xFF00)
}

/// The identities allowed to add and remove members under `AdminPolicy`:
///
///     struct { opaque identity<V>; } AdminIdentity;
///     AdminIdentity admins<V>;
///
/// Kept in the group context so every member agrees on it each epoch, and changed only through
/// a GroupContextExtensions proposal, which `AdminPolicy` lets only admins make.
public struct AdminList: ExtensionPayload, Hashable {
  public static let extensionType = ExtensionType.spacePandaAdmins
  /// Credential identities, compared byte for byte.
  public var identities: [[UInt8]]

  public init(identities: [[UInt8]]) {
    self.identities = identities
  }

  public func contains(_ identity: [UInt8]) -> Bool {
    identities.contains(identity)
  }

  /// The rule the list breaks, or nil. An empty list would lock the group's membership
  /// forever; duplicates and empty identities are mistakes.
  public var violation: String? {
    if identities.isEmpty { return "admin list is empty" }
    if identities.contains(where: \.isEmpty) { return "admin list has an empty identity" }
    if Set(identities).count != identities.count { return "admin list has duplicates" }
    return nil
  }

  public func encode(to writer: inout TLSWriter) throws {
    try writer.writeVector { (inner: inout TLSWriter) throws in
      for identity in identities { try inner.writeOpaque(identity) }
    }
  }

  public init(from reader: inout TLSReader) throws {
    identities = try reader.readVector { (inner: inout TLSReader) throws in
      try inner.readOpaque()
    }
  }
}
