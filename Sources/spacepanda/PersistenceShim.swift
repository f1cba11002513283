import Foundation
import SpacePanda

// TEMPORARY: stands in for MLSHandle's persistence (helper "handle", step 2) until it is
// merged; every call fails with a clear error. Deleted at the merge.
extension MLSHandle {
  func save(to url: URL, passphrase: String) throws(MLSError) {
    throw .internalError("persistence not available in this build")
  }

  static func load(
    from url: URL, passphrase: String, config: MLSConfig,
    authorizationPolicy: any AuthorizationPolicy = DefaultPolicy()
  ) throws(MLSError) -> MLSHandle {
    throw .internalError("persistence not available in this build")
  }
}

extension MLSHandle.Identity {
  func serialized() throws(MLSError) -> [UInt8] {
    throw .internalError("persistence not available in this build")
  }

  init(serialized: [UInt8]) throws(MLSError) {
    throw .internalError("persistence not available in this build")
  }
}

extension MLSHandle.PendingKeyPackage {
  func serialized() throws(MLSError) -> [UInt8] {
    throw .internalError("persistence not available in this build")
  }

  init(serialized: [UInt8]) throws(MLSError) {
    throw .internalError("persistence not available in this build")
  }
}
