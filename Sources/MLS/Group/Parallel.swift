import Dispatch
import Synchronization

/// Independent per-item work spread over the cores in chunks, with results and errors in item
/// order, so parallel checks stay as deterministic as sequential ones.
///
/// Joins verify every leaf and commits adding many members validate every KeyPackage and seal
/// a Welcome entry per member (RFC 9420 §12.4.3.1): with the work per item dominated by public
/// key operations, chunks of a few dozen items keep both cores busy at negligible overhead.
enum Parallel {
  /// Items per chunk: large enough that dispatching a chunk is negligible next to its public
  /// key operations, small enough that both cores finish together.
  static let defaultChunkSize = 32

  /// `body(i)` for every `i` in `0..<count`, in chunks on all cores; the results in order.
  static func map<T: Sendable>(
    count: Int, chunkSize: Int = defaultChunkSize, _ body: @Sendable (Int) -> T
  ) -> [T] {
    guard count > 0 else { return [] }
    let size = max(1, chunkSize)
    let chunkCount = (count + size - 1) / size
    if chunkCount == 1 { return (0..<count).map(body) }
    let chunks = Mutex<[[T]]>(Array(repeating: [], count: chunkCount))
    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
      let range = (chunk * size)..<min(count, (chunk + 1) * size)
      let results = range.map(body)
      chunks.withLock { $0[chunk] = results }
    }
    return chunks.withLock { $0.flatMap { $0 } }
  }

  /// Runs `body(i)` for every `i` in `0..<count` in chunks on all cores and returns the lowest
  /// `i` whose body reported an error, with that error; nil when none did. A chunk stops at its
  /// first error, since no later item of it can be the lowest.
  static func firstFailure<E: Error & Sendable>(
    count: Int, chunkSize: Int = defaultChunkSize, _ body: @Sendable (Int) -> E?
  ) -> (Int, E)? {
    guard count > 0 else { return nil }
    let size = max(1, chunkSize)
    let chunkCount = (count + size - 1) / size
    let first = Mutex<(Int, E)?>(nil)
    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
      for item in (chunk * size)..<min(count, (chunk + 1) * size) {
        guard let error = body(item) else { continue }
        first.withLock { current in
          if current.map({ item < $0.0 }) ?? true { current = (item, error) }
        }
        return
      }
    }
    return first.withLock { $0 }
  }

  /// `firstFailure`, with `serial` run on one core alongside the chunks, and its result.
  ///
  /// A join verifies every leaf signature on all cores, and also hashes and checks the tree,
  /// which is one core's work: run one after the other, the second core idles through the
  /// single-core part. Here `serial` is the first iteration handed out, so one core starts on
  /// it while the others take chunks, and it then joins them on the chunks left.
  ///
  /// When `settles(result)` says the serial result already decides the outcome (a failure that
  /// is reported before any item's), the items not yet started are skipped: a Welcome whose
  /// GroupInfo signature or tree hash is wrong does not also cost N signature verifications.
  static func firstFailure<E: Error & Sendable, R: Sendable>(
    count: Int, chunkSize: Int = defaultChunkSize, alongside serial: @Sendable () -> R,
    settledBy settles: @Sendable (R) -> Bool = { _ in false },
    _ body: @Sendable (Int) -> E?
  ) -> (failure: (Int, E)?, serial: R) {
    let size = max(1, chunkSize)
    let chunkCount = (count + size - 1) / size
    let first = Mutex<(Int, E)?>(nil)
    let serialResult = Mutex<R?>(nil)
    let settled = Atomic<Bool>(false)
    DispatchQueue.concurrentPerform(iterations: chunkCount + 1) { iteration in
      guard iteration > 0 else {
        let result = serial()
        if settles(result) { settled.store(true, ordering: .relaxed) }
        serialResult.withLock { $0 = result }
        return
      }
      let chunk = iteration - 1
      for item in (chunk * size)..<min(count, (chunk + 1) * size) {
        if settled.load(ordering: .relaxed) { return }
        guard let error = body(item) else { continue }
        first.withLock { current in
          if current.map({ item < $0.0 }) ?? true { current = (item, error) }
        }
        return
      }
    }
    // concurrentPerform returns after every iteration, the serial one included, has run.
    guard let result = serialResult.withLock({ $0 }) else {
      return (first.withLock { $0 }, serial())
    }
    return (first.withLock { $0 }, result)
  }

  /// `first()` and `second()`, on two cores when `inParallel`, else one after the other.
  static func both<A: Sendable, B: Sendable>(
    inParallel: Bool, _ first: @Sendable () -> A, _ second: @Sendable () -> B
  ) -> (A, B) {
    guard inParallel else { return (first(), second()) }
    let results = Mutex<(A?, B?)>((nil, nil))
    DispatchQueue.concurrentPerform(iterations: 2) { iteration in
      if iteration == 0 {
        let value = first()
        results.withLock { $0.0 = value }
      } else {
        let value = second()
        results.withLock { $0.1 = value }
      }
    }
    // concurrentPerform returns after both iterations have run.
    let (a, b) = results.withLock { $0 }
    return (a ?? first(), b ?? second())
  }
}
