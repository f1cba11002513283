/// The generations seen from one sender ratchet: the highest, plus a bitmap of the
/// `GenerationWindow.width` generations just below it.
///
/// RFC 9420 §9.2 lets messages arrive out of order, so "higher than the last" is not enough;
/// a sliding bitmap (the anti-replay window familiar from IPsec and DTLS) remembers which
/// earlier generations arrived. Anything older than the window is refused as a possible replay:
/// its key is almost certainly deleted anyway.
struct GenerationWindow: Sendable, Hashable {
  /// Generations below the highest that are tracked individually.
  static let width: UInt32 = 64

  private(set) var highest: UInt32
  /// Bit `i` set: generation `highest - 1 - i` was seen.
  private var seenBelow: UInt64 = 0

  init(first generation: UInt32) {
    highest = generation
  }

  /// Whether `generation` may still be accepted.
  func accepts(_ generation: UInt32) -> Bool {
    if generation > highest { return true }
    let distance = highest - generation
    if distance == 0 || distance > Self.width { return false }
    return seenBelow & (1 << UInt64(distance - 1)) == 0
  }

  /// Marks `generation` seen; the caller checked `accepts` first.
  mutating func mark(_ generation: UInt32) {
    if generation > highest {
      let shift = UInt64(generation - highest)
      // Smart shifts give 0 when shifting by 64 or more, which is what a jump past the
      // window needs; the old highest then sits `shift` below the new one.
      seenBelow = seenBelow << shift
      if shift <= UInt64(Self.width) { seenBelow |= 1 << (shift - 1) }
      highest = generation
      return
    }
    let distance = highest - generation
    if distance >= 1 && distance <= Self.width {
      seenBelow |= 1 << UInt64(distance - 1)
    }
  }
}
