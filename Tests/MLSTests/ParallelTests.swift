import Synchronization
import Testing

@testable import MLS

@Suite("Parallel: work spread over the cores")
struct ParallelTests {
  struct Failure: Error, Equatable { let item: Int }

  /// Busy work standing in for a signature verification (a few microseconds).
  private static func work(_ seed: Int) -> Int {
    var value = seed
    for _ in 0..<20_000 { value = value &* 6_364_136_223_846_793_005 &+ 1 }
    return value
  }

  @Test func lowestFailingItemIsReported() {
    let result = Parallel.firstFailure(
      count: 1_000, chunkSize: 16, alongside: { 7 },
      { (item: Int) -> Failure? in item == 900 || item == 333 ? Failure(item: item) : nil })
    #expect(result.failure?.0 == 333)
    #expect(result.failure?.1 == Failure(item: 333))
    #expect(result.serial == 7)
  }

  @Test func settlingSerialResultSkipsTheItemsNotStarted() {
    let ran = Atomic<Int>(0)
    let result = Parallel.firstFailure(
      count: 4_000, chunkSize: 16, alongside: { "bad tree hash" },
      settledBy: { _ in true },
      { (item: Int) -> Failure? in
        ran.add(1, ordering: .relaxed)
        return Self.work(item) == 0 ? Failure(item: item) : nil
      })
    #expect(result.serial == "bad tree hash")
    // Only the chunks already started when the serial part settled run (a few at most).
    #expect(ran.load(ordering: .relaxed) < 4_000 / 2)
  }

  @Test func unsettledSerialResultRunsEveryItem() {
    let ran = Atomic<Int>(0)
    let result = Parallel.firstFailure(
      count: 4_000, chunkSize: 16, alongside: { "fine" },
      settledBy: { _ in false },
      { (item: Int) -> Failure? in
        ran.add(1, ordering: .relaxed)
        return nil
      })
    #expect(result.failure == nil)
    #expect(ran.load(ordering: .relaxed) == 4_000)
  }
}
