// swift-tools-version: 6.0
// SpacePanda MLS: a native Swift implementation of RFC 9420 (Messaging Layer Security).
import PackageDescription

let package = Package(
  name: "SpacePandaMLS",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "MLSCodec", targets: ["MLSCodec"]),
    .library(name: "MLSCrypto", targets: ["MLSCrypto"]),
    .library(name: "MLS", targets: ["MLS"]),
    .library(name: "SpacePanda", targets: ["SpacePanda"]),
    .executable(name: "spacepanda", targets: ["spacepanda"]),
  ],
  targets: [
    // C libraries from the system (Debian: libssl-dev, libsodium-dev, libargon2-dev).
    .systemLibrary(
      name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
    .systemLibrary(
      name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
      providers: [.apt(["libsodium-dev"]), .brew(["libsodium"])]),
    .systemLibrary(
      name: "CArgon2", path: "Sources/CArgon2", pkgConfig: "libargon2",
      providers: [.apt(["libargon2-dev"]), .brew(["argon2"])]),

    // TLS presentation language (RFC 9420 §2.1): no dependencies.
    .target(name: "MLSCodec"),
    // Cipher suites, HPKE, signatures, KDFs over OpenSSL 3 and libsodium.
    .target(name: "MLSCrypto", dependencies: ["COpenSSL", "CSodium", "MLSCodec"]),
    // The protocol: tree, key schedule, secret tree, messages, framing, group.
    .target(name: "MLS", dependencies: ["MLSCrypto", "MLSCodec"]),
    // The application layer: MLSHandle, configuration, replay cache, encrypted store, events.
    .target(name: "SpacePanda", dependencies: ["MLS", "MLSCrypto", "MLSCodec", "CArgon2"]),
    // Runners for the official RFC 9420 and RFC 9180 test vectors.
    .target(name: "MLSConformance", dependencies: ["MLS", "MLSCrypto", "MLSCodec"]),
    // The interop peer of `spacepanda peer`: JSON-line requests driving one GroupState.
    .target(name: "InteropPeer", dependencies: ["MLS", "MLSCrypto", "MLSCodec"]),
    .executableTarget(
      name: "spacepanda",
      dependencies: ["SpacePanda", "MLS", "MLSCrypto", "MLSCodec", "MLSConformance", "InteropPeer"]),
    // Benchmarks against the primitive floors (`make bench`, release mode); CSodium and COpenSSL
    // only to time the raw primitives.
    .executableTarget(
      name: "spacepanda-bench",
      dependencies: ["MLS", "MLSCrypto", "MLSCodec", "SpacePanda", "CSodium", "COpenSSL"]),
    // The checks behind the libFuzzer targets; built by every build so it cannot rot.
    .target(name: "FuzzHarness", dependencies: ["MLS", "MLSCrypto", "MLSCodec"]),

    .testTarget(name: "MLSCodecTests", dependencies: ["MLSCodec"]),
    .testTarget(name: "MLSCryptoTests", dependencies: ["MLSCrypto", "MLSCodec"]),
    .testTarget(name: "MLSTests", dependencies: ["MLS", "MLSCrypto", "MLSCodec", "FuzzHarness"]),
    .testTarget(name: "SpacePandaTests", dependencies: ["SpacePanda", "MLS", "MLSCrypto"]),
    .testTarget(name: "ConformanceTests", dependencies: ["MLSConformance"]),
    // The subprocess tests run the `spacepanda` binary: depending on it makes it built first.
    .testTarget(
      name: "InteropPeerTests", dependencies: ["InteropPeer", "MLS", "MLSCodec", "spacepanda"]),
    // Drives the built `spacepanda` binary as separate processes (alice, bob, carol).
    .testTarget(name: "CLITests", dependencies: ["spacepanda"]),
  ],
  swiftLanguageModes: [.v6]
)

// libFuzzer targets, one per decoder (scripts/fuzz.sh, `make fuzz`). Each defines only
// `LLVMFuzzerTestOneInput` and gets its `main` from libFuzzer, so it links only under
// `--sanitize=fuzzer`: they are declared only when SPACEPANDA_FUZZ is set, which keeps them out
// of every normal build. Their logic is in FuzzHarness, which normal builds compile and test.
if Context.environment["SPACEPANDA_FUZZ"] != nil {
  let fuzzTargets = [
    "FuzzMLSMessage", "FuzzKeyPackage", "FuzzRatchetTree", "FuzzWelcome", "FuzzGroupInfo",
    "FuzzPublicMessage", "FuzzPrivateMessage",
  ]
  package.targets += fuzzTargets.map { name in
    .executableTarget(
      name: name, dependencies: ["FuzzHarness"],
      swiftSettings: [.unsafeFlags(["-parse-as-library"])])
  }
}
