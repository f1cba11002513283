import Foundation
import MLSCodec

/// The result of one test-vector case.
public enum CaseOutcome: Sendable, Equatable {
  case passed
  case failed(String)
  /// A case that did not run, with the reason. Never counted as passed.
  case skipped(String)
}

/// A mismatch found while checking a vector case; the message names the field.
public struct VectorMismatch: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// Throws a `VectorMismatch` naming `field` unless `condition` holds.
public func expect(_ condition: Bool, _ field: @autoclosure () -> String) throws {
  if !condition { throw VectorMismatch(field()) }
}

/// Throws unless `actual` equals `expected`, showing both in hex.
public func expectBytes(_ actual: [UInt8], _ expected: [UInt8], _ field: String) throws {
  if actual != expected {
    throw VectorMismatch(
      "\(field): got \(Hex.encode(actual.prefix(48))), expected \(Hex.encode(expected.prefix(48)))")
  }
}

/// Runs `body` once per case and turns what it throws into a failed outcome.
///
/// `body` returns `.passed`, or `.skipped` with a reason for a case it cannot run.
public func runCases<Case>(_ cases: [Case], _ body: (Case) throws -> CaseOutcome) -> [CaseOutcome] {
  cases.enumerated().map { index, testCase in
    do {
      return try body(testCase)
    } catch {
      return .failed("case \(index): \(error)")
    }
  }
}

/// Bytes written as hex text in a JSON vector file.
public struct HexBytes: Decodable, Sendable, Equatable {
  public let bytes: [UInt8]

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let bytes = Hex.decode(text) else {
      throw Swift.DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not hex: \(text.prefix(20))"))
    }
    self.bytes = bytes
  }
}

/// Decodes a vector file: a JSON array of cases.
public func decodeCases<Case: Decodable>(_ type: Case.Type, from data: Data) throws -> [Case] {
  try JSONDecoder().decode([Case].self, from: data)
}
