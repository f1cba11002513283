internal import COpenSSL

/// Comparisons of secrets and MACs that take the same time wherever the inputs differ.
public enum ConstantTime {
  /// True when `a` and `b` hold the same bytes. Lengths are not secret; contents are compared
  /// with `CRYPTO_memcmp`.
  public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBytes { pa in
      b.withUnsafeBytes { pb in
        CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0
      }
    }
  }
}
