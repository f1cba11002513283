import Foundation
import InteropPeer
import Testing

@Suite("Interop peer scenario, in process (PROTOCOL.md §6)")
struct PeerScenarioTests {
  @Test("Pairing (f): three default peers")
  func defaultPeers() throws {
    try runScenario(
      a: InProcessPeer(["alice"]), b: InProcessPeer(["bob"]), c: InProcessPeer(["carol"]))
  }

  @Test("Pairing (b) flags: creator and C send PublicMessage commits")
  func publicHandshake() throws {
    try runScenario(
      a: InProcessPeer(["--handshake", "public", "alice"]), b: InProcessPeer(["bob"]),
      c: InProcessPeer(["--handshake", "public", "carol"]), handshake: .public)
  }

  @Test("Pairing (c) flags: the tree goes out of band")
  func outOfBandTree() throws {
    try runScenario(
      a: InProcessPeer(["--ratchet-tree", "out-of-band", "alice"]), b: InProcessPeer(["bob"]),
      c: InProcessPeer(["--ratchet-tree", "out-of-band", "carol"]), ratchetTree: .outOfBand)
  }

  @Test("Both flags at once, joiner sending PublicMessage commits")
  func bothFlags() throws {
    try runScenario(
      a: InProcessPeer(["--ratchet-tree", "out-of-band", "--handshake", "public", "alice"]),
      b: InProcessPeer(["--handshake", "public", "bob"]),
      c: InProcessPeer(["--handshake", "public", "--ratchet-tree", "out-of-band", "carol"]),
      handshake: .public, ratchetTree: .outOfBand)
  }
}
