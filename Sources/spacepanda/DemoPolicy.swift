import MLS
import SpacePanda

/// The demo's access rule: only the named admins may add or remove other members; anyone may
/// send, update their own keys, or leave. Every honest client enforces it on what it sends and
/// on every proposal and commit it receives (the handle's `authorizationPolicy`).
struct DemoAdminPolicy: AuthorizationPolicy {
  let admins: [[UInt8]]

  func authorize(
    _ operation: GroupOperation, by member: MemberReference, in context: GroupContext
  ) throws(MLSError) {
    switch operation {
    case .update, .sendApplicationMessage:
      return
    case .remove(let target) where member.leafIndex == target:
      return
    case .add, .remove, .changeExtensions:
      guard admins.contains(member.identity) else {
        throw .unauthorized("\(operation.name) is reserved to the group's admins")
      }
    }
  }
}
