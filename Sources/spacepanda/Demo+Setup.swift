import MLS
import MLSCodec
import SpacePanda

extension Demo {
  /// Alice creates the group (with the application secret as required PSK) and adds everyone,
  /// one commit each; each newcomer joins from its Welcome.
  func setUp(_ count: Int) throws(MLSError) {
    narrator.section(
      "Setting up: \(count) members, cipher suite 0x0001 (X25519, AES-128-GCM, Ed25519)")
    let names = (0..<count).map { index in
      index < Self.names.count ? Self.names[index] : "member-\(index)"
    }
    let founder = try MLSHandle.Identity.generate(name: names[0])
    let handle = try MLSHandle.createGroup(
      name: Self.groupName, identity: founder, applicationSecret: applicationSecret,
      config: config, authorizationPolicy: policy)
    members = [DemoMember(name: names[0], handle: handle)]
    narrator.say("\(names[0]) created group \"\(Self.groupName)\" (epoch 0) and is its admin")
    for index in 1..<count {
      let isRogue = index == count - 1
      try add(names[index], isRogue: isRogue)
    }
    let epochs = Set(members.map(\.handle.epoch))
    let authenticators = Set(members.map(\.handle.epochAuthenticator))
    narrator.check(
      "all \(count) members share epoch \(alice.epoch) and one epoch authenticator",
      epochs.count == 1 && authenticators.count == 1)
  }

  private func add(_ name: String, isRogue: Bool) throws(MLSError) {
    let identity = try MLSHandle.Identity.generate(name: name)
    var memberConfig = config
    // The rogue client frames its handshakes as PublicMessage (a modified client may) and
    // enforces no access rule.
    if isRogue { memberConfig.handshakeFraming = .publicMessage }
    let memberPolicy: any AuthorizationPolicy = isRogue ? DefaultPolicy() : policy
    let package = try MLSHandle.generateKeyPackage(identity: identity, config: memberConfig)
    let output = try alice.add(keyPackage: package.message)
    try deliver(output.commit, skipping: [0])
    guard let welcome = output.welcome else { throw .internalError("add produced no Welcome") }
    let joined = try MLSHandle.join(
      welcome: welcome, ratchetTree: nil, keyPackage: package, identity: identity,
      applicationSecret: applicationSecret, config: memberConfig,
      authorizationPolicy: memberPolicy)
    members.append(DemoMember(name: name, handle: joined))
    let note = isRogue ? " (runs a modified client without authorization checks)" : ""
    narrator.say("\(name) joined at leaf \(joined.ownIndex), epoch \(joined.epoch)\(note)")
  }
}
