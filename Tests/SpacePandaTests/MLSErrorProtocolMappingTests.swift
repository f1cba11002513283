import MLS
import MLSCrypto
import SpacePanda
import Testing

@Suite("MLSError from protocol-layer errors")
struct MLSErrorProtocolMappingTests {
  @Test func framingErrors() {
    let table: [(FramingError, MLSError)] = [
      (.wrongGroup, .malformedMessage("message is for another group")),
      (.wrongEpoch(expected: 7, received: 6), .epochMismatch(expected: 7, received: 6)),
      (
        .wireFormatMismatch(expected: .privateMessage, received: .publicMessage),
        .malformedMessage("wire format 1 where 2 was expected")
      ),
      (.applicationDataInPublicMessage, .malformedMessage("application data in a PublicMessage")),
      (
        .senderNotAllowed(senderType: 2, contentType: .commit),
        .unauthorized("sender type 2 may not send content type 3")
      ),
      (.invalidSignature, .unauthorized("signature did not verify")),
      (.missingMembershipTag, .unauthorized("membership tag missing")),
      (.invalidMembershipTag, .unauthorized("membership tag invalid")),
      (.senderDataDecryptionFailed, .cryptoError("sender data decryption failed")),
      (
        .senderLeafOutOfRange(leaf: 9, leafCount: 4),
        .malformedMessage("sender leaf 9 outside a tree of 4 leaves")
      ),
      (.senderLeafBlank(leaf: 2), .unauthorized("sender leaf 2 is not a member")),
      (.decryptionFailed, .cryptoError("message decryption failed")),
      (.nonZeroPadding, .malformedMessage("non-zero padding")),
      (.keyUnavailable(.generationUnavailable(generation: 3)), .replayDetected),
      (.crypto(.authenticationFailed), .cryptoError("AEAD authentication failed")),
      (.malformed("content"), .malformedMessage("content")),
    ]
    for (error, expected) in table {
      #expect(MLSError(error) == expected)
      #expect(MLSError(wrapping: error) == expected)
    }
  }

  @Test func credentialAndCertificateErrors() {
    let credentials: [(CredentialValidationError, MLSError)] = [
      (
        .unsupportedCredentialType(CredentialType(rawValue: 9)),
        .invalidCredential("credential type 9 is not supported")
      ),
      (.identityNotAllowed, .invalidCredential("identity is not allowed")),
      (.emptyCertificateChain, .invalidCredential("certificate chain is empty")),
      (.certificate(.expired), .invalidCredential("certificate expired")),
      (
        .notValidSuccessor,
        .invalidCredential("new credential is not a valid successor of the old one")
      ),
      (.rejected("revoked"), .invalidCredential("revoked")),
    ]
    for (error, expected) in credentials {
      #expect(MLSError(error) == expected)
      #expect(MLSError(wrapping: error) == expected)
    }
    let certificates: [(X509Error, MLSError)] = [
      (.emptyChain, .invalidCredential("certificate chain is empty")),
      (.noTrustAnchors, .invalidConfiguration("no X.509 trust anchors configured")),
      (.malformedCertificate(index: 1), .invalidCredential("certificate 1 is malformed")),
      (.malformedTrustAnchor(index: 0), .invalidConfiguration("trust anchor 0 is malformed")),
      (.notYetValid, .invalidCredential("certificate not yet valid")),
      (.untrusted(code: 20), .invalidCredential("certificate chain not trusted (verify code 20)")),
      (.unsupportedPublicKey, .invalidCredential("certificate public key type unsupported")),
      (
        .publicKeyMismatch,
        .invalidCredential("certificate key differs from the signature key")
      ),
      (.library("X509_verify_cert"), .cryptoError("library call failed (X509_verify_cert)")),
    ]
    for (error, expected) in certificates {
      #expect(MLSError(error) == expected)
      #expect(MLSError(wrapping: error) == expected)
    }
  }

  @Test func keyPackageErrors() {
    let v9 = ProtocolVersion(rawValue: 9)
    let generation: [(KeyPackageGenerationError, MLSError)] = [
      (.crypto(.library("RAND_bytes")), .cryptoError("library call failed (RAND_bytes)")),
      (.lifetimeOverflow, .invalidConfiguration("keyPackageLifetime overflows the lifetime field")),
      (
        .capabilitiesIncomplete("ciphersuites"),
        .invalidConfiguration("capabilities incomplete (ciphersuites)")
      ),
    ]
    for (error, expected) in generation {
      #expect(MLSError(error) == expected)
      #expect(MLSError(wrapping: error) == expected)
    }
    let validation: [(KeyPackageValidationError, MLSError)] = [
      (.unsupportedVersion(v9), .invalidKeyPackage("protocol version 9 unsupported")),
      (
        .versionMismatch(expected: .mls10, actual: v9),
        .invalidKeyPackage("version 9, group uses 1")
      ),
      (
        .cipherSuiteMismatch(expected: CipherSuite(rawValue: 1), actual: CipherSuite(rawValue: 3)),
        .invalidKeyPackage("cipher suite 3, group uses 1")
      ),
      (.unsupportedCipherSuite(CipherSuite(rawValue: 0x0A0A)), .unsupportedCipherSuite(0x0A0A)),
      (.signatureInvalid, .invalidKeyPackage("signature did not verify")),
      (.initKeyEqualsEncryptionKey, .invalidKeyPackage("init key equals the leaf encryption key")),
      (
        .extensionNotInCapabilities(ExtensionType(rawValue: 0xFF00)),
        .invalidKeyPackage("extension 65280 not in the leaf's capabilities")
      ),
      (.duplicateExtension(.applicationID), .invalidKeyPackage("extension 1 appears twice")),
      (.notAKeyPackage, .invalidKeyPackage("message does not carry a KeyPackage")),
      (
        .messageVersionMismatch(message: .mls10, keyPackage: v9),
        .invalidKeyPackage("KeyPackage version 9 in a version 1 message")
      ),
      (.leafNode(.signatureInvalid), .invalidLeafNode("signature did not verify")),
    ]
    for (error, expected) in validation {
      #expect(MLSError(error) == expected)
      #expect(MLSError(wrapping: error) == expected)
    }
  }

  @Test func leafNodeErrors() {
    let basic = CredentialType.basic
    let table: [(LeafNodeValidationError, MLSError)] = [
      (.wrongSource(expected: 1, actual: 2), .invalidLeafNode("leaf node source 2, expected 1")),
      (.unsupportedCipherSuite(CipherSuite(rawValue: 77)), .unsupportedCipherSuite(77)),
      (
        .credentialTypeNotInCapabilities(basic),
        .invalidLeafNode("own credential type 1 not in its capabilities")
      ),
      (
        .cipherSuiteNotInCapabilities(CipherSuite(rawValue: 2)),
        .invalidLeafNode("group cipher suite 2 not in its capabilities")
      ),
      (
        .versionNotInCapabilities(.mls10),
        .invalidLeafNode("group version 1 not in its capabilities")
      ),
      (
        .missingRequiredExtension(.externalSenders),
        .invalidLeafNode("required extension 5 not supported")
      ),
      (
        .missingRequiredProposal(ProposalType(rawValue: 8)),
        .invalidLeafNode("required proposal 8 not supported")
      ),
      (
        .missingRequiredCredential(.x509),
        .invalidLeafNode("required credential type 2 not supported")
      ),
      (
        .credentialTypeUnsupportedByMembers(.x509),
        .invalidLeafNode("credential type 2 not supported by every member")
      ),
      (
        .memberCredentialTypeUnsupported(.x509),
        .invalidLeafNode("a member's credential type 2 not supported")
      ),
      (
        .extensionNotInCapabilities(.applicationID),
        .invalidLeafNode("extension 1 not in its capabilities")
      ),
      (.duplicateExtension(.applicationID), .invalidLeafNode("extension 1 appears twice")),
      (
        .lifetimeNotYetValid(notBefore: 100, now: 50),
        .invalidLeafNode("lifetime starts at 100, now is 50")
      ),
      (
        .lifetimeExpired(notAfter: 100, now: 150),
        .invalidLeafNode("lifetime ended at 100, now is 150")
      ),
      (.lifetimeTooLong(999), .invalidLeafNode("lifetime of 999 seconds is too long")),
      (.encryptionKeyNotUpdated, .invalidLeafNode("encryption key not updated")),
      (.duplicateSignatureKey, .invalidLeafNode("signature key already used in the group")),
      (.duplicateEncryptionKey, .invalidLeafNode("encryption key already used in the group")),
      (.credentialRejected(.identityNotAllowed), .invalidCredential("identity is not allowed")),
    ]
    for (error, expected) in table {
      #expect(MLSError(error) == expected)
      #expect(MLSError(wrapping: error) == expected)
    }
  }

  @Test func treeErrors() {
    let n3 = NodeIndex(3)
    let l2 = LeafIndex(2)
    let trees: [(RatchetTreeError, MLSError)] = [
      (.emptyTree, .invalidTree("tree is empty")),
      (.trailingBlankNode, .invalidTree("tree ends with a blank node")),
      (.tooManyNodes(1 << 20), .invalidTree("1048576 nodes exceed the limit")),
      (.nodeTypeMismatch(n3), .invalidTree("node 3 has the wrong type for its position")),
      (.leafOutOfRange(l2), .invalidTree("leaf 2 outside the tree")),
      (.nodeOutOfRange(n3), .invalidTree("node 3 outside the tree")),
      (.blankLeaf(l2), .invalidTree("leaf 2 is blank")),
      (.pathLengthMismatch(expected: 3, actual: 2), .invalidTree("path of 2 nodes, expected 3")),
    ]
    for (error, expected) in trees {
      #expect(MLSError(error) == expected)
      #expect(MLSError(wrapping: error) == expected)
    }
    let validation: [(TreeValidationError, MLSError)] = [
      (.parentHashNotValid(n3), .invalidTree("parent hash of node 3 not valid")),
      (.leafSignatureInvalid(l2), .invalidTree("signature of leaf 2 did not verify")),
      (.duplicateEncryptionKey(n3), .invalidTree("encryption key of node 3 repeated")),
      (.duplicateSignatureKey(l2), .invalidTree("signature key of leaf 2 repeated")),
      (.unmergedLeavesNotSorted(n3), .invalidTree("unmerged leaves of node 3 not sorted")),
      (
        .unmergedLeafNotDescendant(parent: n3, leaf: l2),
        .invalidTree("unmerged leaf 2 not below node 3")
      ),
      (
        .unmergedLeafBlank(parent: n3, leaf: l2), .invalidTree("unmerged leaf 2 of node 3 is blank")
      ),
      (
        .unmergedLeafMissingBelow(parent: NodeIndex(7), leaf: l2, node: n3),
        .invalidTree("unmerged leaf 2 of node 7 missing at node 3")
      ),
      (.treeHashMismatch, .invalidTree("tree hash does not match the group context")),
      (.cryptoFailure("tree hash"), .cryptoError("tree hash")),
    ]
    for (error, expected) in validation {
      #expect(MLSError(error) == expected)
      #expect(MLSError(wrapping: error) == expected)
    }
  }

  @Test func treeKEMErrors() {
    let n3 = NodeIndex(3)
    let table: [(TreeKEMError, MLSError)] = [
      (.leafNodeSourceNotCommit, .invalidCommit("path leaf node source is not commit")),
      (.parentHashMismatch, .invalidCommit("path parent hash does not match")),
      (.pathLengthMismatch(expected: 2, actual: 1), .invalidCommit("path of 1 nodes, expected 2")),
      (.invalidSender(LeafIndex(4)), .invalidCommit("leaf 4 cannot send a path")),
      (.receiverIsSender, .invalidCommit("receiver is the committer")),
      (.receiverNotCovered(LeafIndex(1)), .invalidCommit("leaf 1 not covered by the path")),
      (
        .ciphertextCountMismatch(node: n3, expected: 2, actual: 1),
        .invalidCommit("node 3 has 1 path secret ciphertexts, expected 2")
      ),
      (
        .noPrivateKeyInResolution(n3),
        .corruptedState("no private key in the resolution of node 3")
      ),
      (.publicKeyMismatch(n3), .invalidCommit("derived key of node 3 differs from the path's")),
      (
        .privateKeyMismatch(n3),
        .corruptedState("private key of node 3 does not match its public key")
      ),
      (.privateKeyForBlankNode(n3), .corruptedState("private key held for blank node 3")),
      (.tree(.emptyTree), .invalidTree("tree is empty")),
      (.crypto(.invalidSignature), .unauthorized("signature did not verify")),
    ]
    for (error, expected) in table {
      #expect(MLSError(error) == expected)
      #expect(MLSError(wrapping: error) == expected)
    }
  }

  @Test func newCasesDescribeThemselves() {
    #expect(MLSError.invalidKeyPackage("x").description == "Invalid key package: x.")
    #expect(MLSError.invalidLeafNode("x").description == "Invalid leaf node: x.")
    #expect(MLSError.invalidTree("x").description == "Invalid ratchet tree: x.")
  }
}
