import SpacePanda
import Testing

@Suite("Passphrase policy")
struct PassphrasePolicyTests {
  @Test func twelveCharactersIsTheMinimum() {
    let policy = PassphrasePolicy()
    #expect(!policy.accepts("elevenchars"))
    #expect(policy.accepts("twelve chars"))
    #expect(!policy.accepts(""))
  }
}
