import Foundation

/// One result line. Times are nanoseconds per operation; the memory row is in bytes.
struct Row: Codable, Sendable {
  var name: String
  /// Group size, or nil for rows that do not depend on it.
  var size: Int?
  /// "ns" or "bytes".
  var unit: String
  var median: Double
  var p90: Double
  var reps: Int
  /// What bounds the row from below, e.g. "2 x sign".
  var floor: String?
  /// The floor's cost in the same unit, from this run's floor measurements.
  var floorValue: Double?
  /// median / floorValue.
  var ratio: Double?
  /// The target, as text, and whether the median meets it.
  var target: String?
  var withinTarget: Bool?
}

struct Report: Codable, Sendable {
  var tool = "spacepanda-bench"
  var formatVersion = 1
  var date: String
  var suite: UInt16
  var cores: Int
  var machine: String
  var floors: [Row]
  var rows: [Row]

  func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }

  /// A Markdown table (also readable in a terminal).
  func table() -> String {
    var lines = [
      "spacepanda-bench  suite 0x\(hex(suite))  cores \(cores)  \(date)", machine, "",
      "| row | N | median | p90 | reps | floor | ratio | target | ok |",
      "|---|---:|---:|---:|---:|---|---:|---|---|",
    ]
    for row in floors + rows {
      let size = row.size.map { String($0) } ?? "-"
      let ratio = row.ratio.map { String(format: "%.2f", $0) } ?? "-"
      let ok = row.withinTarget.map { $0 ? "yes" : "NO" } ?? "-"
      let cells = [
        row.name, size, format(row.median, row.unit), format(row.p90, row.unit), String(row.reps),
        row.floor ?? "-", ratio, row.target ?? "-", ok,
      ]
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n")
  }

  private func hex(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  private func format(_ value: Double, _ unit: String) -> String {
    if unit == "bytes" { return String(format: "%.0f B", value) }
    if value < 1e3 { return String(format: "%.0f ns", value) }
    if value < 1e6 { return String(format: "%.1f us", value / 1e3) }
    if value < 1e9 { return String(format: "%.2f ms", value / 1e6) }
    return String(format: "%.2f s", value / 1e9)
  }
}
