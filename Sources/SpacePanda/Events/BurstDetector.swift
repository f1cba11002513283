/// Counts events of one kind in a sliding window and reports when `threshold.count` of them
/// fall within `threshold.window`. After a report it starts afresh, so a burst raises one
/// alert, not one per event. Memory is bounded by `threshold.count` timestamps.
struct BurstDetector: Sendable {
  var threshold: AlertThreshold
  /// Times of recent events, never more than `threshold.count`.
  private var recent: [MLSTimestamp] = []

  init(threshold: AlertThreshold) {
    self.threshold = threshold
  }

  /// Notes an event at `time`; true when it completes a burst.
  mutating func note(at time: MLSTimestamp) -> Bool {
    let cutoff = time - threshold.window
    // Times after `time` mean the clock stepped back; they cannot be trusted to be recent.
    recent.removeAll { $0 <= cutoff || $0 > time }
    recent.append(time)
    guard recent.count >= threshold.count else { return false }
    recent.removeAll()
    return true
  }
}
