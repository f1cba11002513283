/// A set of at most `capacity` keys that forgets the least recently used one when full.
///
/// A hash map from key to slot plus a doubly linked list threaded through parallel arrays:
/// insert, lookup, touch and eviction are O(1), and once the set is full an insertion reuses
/// the evicted slot, so steady-state operations do not allocate.
struct LRUSet<Key: Hashable & Sendable>: Sendable {
  /// What `insertOrTouch` found.
  enum Outcome: Equatable {
    /// The key was new; `evicted` is the least recently used key it displaced, if the set was
    /// full.
    case inserted(evicted: Key?)
    /// The key was present; it is now the most recently used.
    case touched
  }

  let capacity: Int
  private var keys: [Key] = []
  private var older: [Int] = []
  private var newer: [Int] = []
  private var slots: [Key: Int] = [:]
  /// Most recently used slot, or -1 when empty.
  private var newest = -1
  /// Least recently used slot, or -1 when empty.
  private var oldest = -1

  /// `capacity` must be positive; callers validate it (`MLSConfig.validate()`).
  init(capacity: Int) {
    self.capacity = max(1, capacity)
    let reserved = min(self.capacity, 1 << 16)
    keys.reserveCapacity(reserved)
    older.reserveCapacity(reserved)
    newer.reserveCapacity(reserved)
    slots.reserveCapacity(reserved)
  }

  var count: Int { slots.count }

  func contains(_ key: Key) -> Bool { slots[key] != nil }

  /// Keys from most to least recently used (for tests and diagnostics).
  var keysByRecency: [Key] {
    var result: [Key] = []
    result.reserveCapacity(count)
    var slot = newest
    while slot >= 0 {
      result.append(keys[slot])
      slot = older[slot]
    }
    return result
  }

  /// Makes `key` the most recently used, inserting it (and evicting the oldest) if absent.
  mutating func insertOrTouch(_ key: Key) -> Outcome {
    if let slot = slots[key] {
      unlink(slot)
      linkAsNewest(slot)
      return .touched
    }
    if keys.count < capacity {
      let slot = keys.count
      keys.append(key)
      older.append(-1)
      newer.append(-1)
      slots[key] = slot
      linkAsNewest(slot)
      return .inserted(evicted: nil)
    }
    let slot = oldest
    let evicted = keys[slot]
    unlink(slot)
    slots[evicted] = nil
    keys[slot] = key
    slots[key] = slot
    linkAsNewest(slot)
    return .inserted(evicted: evicted)
  }

  private mutating func unlink(_ slot: Int) {
    let before = older[slot]
    let after = newer[slot]
    if before >= 0 { newer[before] = after } else { oldest = after }
    if after >= 0 { older[after] = before } else { newest = before }
    older[slot] = -1
    newer[slot] = -1
  }

  private mutating func linkAsNewest(_ slot: Int) {
    older[slot] = newest
    newer[slot] = -1
    if newest >= 0 { newer[newest] = slot } else { oldest = slot }
    newest = slot
  }
}
