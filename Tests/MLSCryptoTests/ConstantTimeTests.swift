import MLSCrypto
import Testing

@Suite("Constant-time comparison")
struct ConstantTimeTests {
  @Test func equalAndUnequal() {
    #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
    #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
    #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
    #expect(ConstantTime.equals([], []))
  }
}
