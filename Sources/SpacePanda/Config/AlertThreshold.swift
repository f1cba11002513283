/// When a kind of event counts as unusual activity: `count` of them within `window`. The
/// product's checklists ask to "alert on unusual activity (many removals, etc.)" and "alert on
/// high replay attempts".
public struct AlertThreshold: Sendable, Hashable {
  /// The number of events inside `window` that raises an alert.
  public var count: Int
  /// The sliding window the events are counted in.
  public var window: Duration

  public init(count: Int, window: Duration) {
    self.count = count
    self.window = window
  }

  /// Removals: 3 within an hour.
  public static let removals = AlertThreshold(count: 3, window: .seconds(3600))
  /// Replays: 10 within ten minutes (a few duplicates are normal on flaky networks).
  public static let replays = AlertThreshold(count: 10, window: .seconds(600))
}
