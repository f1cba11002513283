/// The rule a passphrase for encrypted group state must meet: at least 12 characters, as the
/// product's security checklist requires ("Strong passphrase enforcement (min 12 chars)").
public struct PassphrasePolicy: Sendable, Hashable {
  /// The fewest characters (extended grapheme clusters) a passphrase may have.
  public var minimumLength: Int

  public init(minimumLength: Int = 12) {
    self.minimumLength = minimumLength
  }

  /// Whether `passphrase` is long enough.
  public func accepts(_ passphrase: String) -> Bool {
    passphrase.count >= minimumLength
  }
}
