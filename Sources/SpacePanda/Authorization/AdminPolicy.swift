import MLS

/// Only listed admins may add and remove members or change the admin list; everyone may send
/// and update their own keys (refusing updates would only weaken post-compromise security).
///
/// The list lives in the group context (`AdminList`). With no list the policy fails closed: no
/// one may add or remove, so the group creator must put the list in the group's initial
/// extensions. Once set, the list can be changed by an admin but not removed (that would lock
/// membership). A member may always remove itself (leaving is not an attack).
public struct AdminPolicy: AuthorizationPolicy {
  /// When true (the default), every GroupContextExtensions change needs an admin; when false,
  /// only changes that touch the admin list do.
  public var adminsOnlyForAllExtensionChanges: Bool

  public init(adminsOnlyForAllExtensionChanges: Bool = true) {
    self.adminsOnlyForAllExtensionChanges = adminsOnlyForAllExtensionChanges
  }

  public func authorize(
    _ operation: GroupOperation, by member: MemberReference, in context: GroupContext
  ) throws(MLSError) {
    switch operation {
    case .update, .sendApplicationMessage:
      return
    case .add:
      try requireAdmin(member, context, operation)
    case .remove(let target):
      if let own = member.leafIndex, own == target { return }
      try requireAdmin(member, context, operation)
    case .changeExtensions(let proposed):
      let current = try Self.currentList(context)
      let next = try Self.proposedList(proposed)
      if current != nil && next == nil {
        throw .invalidProposal("admin list cannot be removed")
      }
      if next != current || adminsOnlyForAllExtensionChanges {
        try requireAdmin(member, context, operation)
      }
    }
  }

  private func requireAdmin(
    _ member: MemberReference, _ context: GroupContext, _ operation: GroupOperation
  ) throws(MLSError) {
    guard let admins = try Self.currentList(context) else {
      throw .unauthorized("\(operation.name) needs an admin and the group has no admin list")
    }
    guard admins.contains(member.identity) else {
      throw .unauthorized("\(operation.name) is reserved to admins")
    }
  }

  /// The admin list of the current epoch. It was accepted by every member, so a list that does
  /// not parse means the stored state is damaged.
  static func currentList(_ context: GroupContext) throws(MLSError) -> AdminList? {
    do {
      return try context.extensions.payload(AdminList.self)
    } catch {
      throw .corruptedState("admin list extension in the group context does not parse")
    }
  }

  /// The admin list a proposal would install, validated.
  static func proposedList(_ extensions: [Extension]) throws(MLSError) -> AdminList? {
    let matching = extensions.filter { $0.extensionType == .spacePandaAdmins }
    guard matching.count <= 1 else { throw .invalidProposal("admin list extension repeated") }
    let list: AdminList?
    do {
      list = try extensions.payload(AdminList.self)
    } catch {
      throw .invalidProposal("admin list extension does not parse")
    }
    if let violation = list?.violation { throw .invalidProposal(violation) }
    return list
  }
}
