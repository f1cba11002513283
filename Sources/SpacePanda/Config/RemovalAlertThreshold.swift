/// When removals count as unusual activity: `removals` removals within `window`. The product's
/// operations checklist asks for an alert "on unusual activity (many removals, etc.)".
public struct RemovalAlertThreshold: Sendable, Hashable {
  /// The number of removals inside `window` that raises an alert.
  public var removals: Int
  /// The sliding window the removals are counted in.
  public var window: Duration

  public init(removals: Int = 3, window: Duration = .seconds(3600)) {
    self.removals = removals
    self.window = window
  }
}
