#!/usr/bin/env bash
# Runs pairing (f) of the interop harness (PROTOCOL.md §6, §7) with three `spacepanda peer`
# processes (A, B, C are all the peer under test) and prints `interop: N passed, M failed`.
#
#   scripts/interop-selftest.sh [--no-build] [FLAGS...]
#
# FLAGS (e.g. --handshake public, --ratchet-tree out-of-band) are given to A and C, as the harness
# does for the creator. PEER_CMD overrides the command (default: the debug build's binary).
# Exit status 0 only when no step failed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build=1
if [[ "${1:-}" == "--no-build" ]]; then build=0; shift; fi
if [[ -z "${PEER_CMD:-}" ]]; then
  if [[ $build == 1 ]]; then
    (cd "$root" && swift build --product spacepanda >&2)
  fi
  PEER_CMD="$root/.build/debug/spacepanda peer"
fi
export PEER_CMD
exec python3 - "$@" <<'PYTHON'
import base64, json, os, select, shlex, subprocess, sys, tempfile, time

FLAGS = sys.argv[1:]
TIMEOUT = 60.0
scratch = tempfile.mkdtemp(prefix="interop-selftest-")
passed = failed = 0


class PeerDied(Exception):
    pass


class Peer:
    def __init__(self, role, name, flags):
        self.role, self.name = role, name
        self.stderr = open(os.path.join(scratch, f"{role}-{name}.stderr"), "wb")
        command = shlex.split(os.environ["PEER_CMD"]) + flags + [name]
        self.proc = subprocess.Popen(command, cwd=scratch, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr)
        self.buffer = b""

    def request(self, obj):
        line = json.dumps(obj) + "\n"
        try:
            self.proc.stdin.write(line.encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise PeerDied(f"{self.role} exited")
        deadline = time.monotonic() + TIMEOUT
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            if not ready:
                raise PeerDied(f"{self.role} silent for {TIMEOUT:.0f} s")
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise PeerDied(f"{self.role} closed stdout")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\n", 1)
        try:
            reply = json.loads(raw)
        except ValueError:
            raise PeerDied(f"{self.role} wrote a non-JSON line: {raw[:80]!r}")
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            raise PeerDied(f"{self.role} wrote a line without boolean ok: {raw[:80]!r}")
        return reply

    def quit(self):
        try:
            self.proc.stdin.write(b'{"op":"quit"}\n')
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


def b64(text):
    return base64.b64encode(text.encode()).decode()


def step(title, peer, request, check=lambda reply: None):
    """One step: send, require ok, run the check; prints ok/FAIL. Returns the reply or None."""
    global passed, failed
    reply = peer.request(request)
    problem = None if reply["ok"] else reply.get("error", "error")
    if problem is None:
        try:
            problem = check(reply)
        except Exception as error:  # a malformed reply field
            problem = f"bad reply: {error}"
    if problem is None:
        passed += 1
        print(f"ok    {title}")
        return reply
    failed += 1
    print(f"FAIL  {title}: {problem}")
    return None


def expect_data(text):
    return lambda r: None if base64.b64decode(r["data"]) == text.encode() else "wrong plaintext"


def expect_commit(removed):
    def check(r):
        if r.get("kind") != "commit" or r.get("removed") is not removed:
            return f"expected commit removed={removed}, got {r}"
    return check


def need(*values):
    return all(value is not None for value in values)


def deliver(text, sender, receivers):
    sent = step(f"{sender.role} protect", sender, {"op": "protect", "data": b64(text)})
    if not sent:
        return
    for receiver in receivers:
        step(f"{receiver.role} process {sender.role}'s message", receiver,
             {"op": "process", "message": sent["message"]}, expect_data(text))


def exports(members):
    global passed, failed
    request = {"op": "export", "label": b64("interop"), "context": b64("ctx"), "length": 32}
    secrets = [step(f"{m.role} export", m, request) for m in members]
    if need(*secrets):
        values = {s["secret"] for s in secrets}
        good = len(values) == 1 and len(base64.b64decode(values.pop())) == 32
        print(("ok    " if good else "FAIL  ") + "exports equal, 32 bytes")
        passed, failed = passed + good, failed + (not good)


def scenario(a, b, c):
    kp_b = step("B key_package", b, {"op": "key_package"})
    step("A whoami", a, {"op": "whoami"}, lambda r: None if r["identity"] == a.name else "name")
    step("B whoami", b, {"op": "whoami"}, lambda r: None if r["identity"] == b.name else "name")
    time.sleep(1.1)
    created = step("A create_group", a, {"op": "create_group", "group_id": b64("interop-group")})
    add_b = need(kp_b, created) and step("A add B", a, {"op": "add", "key_package": kp_b["key_package"]})
    joined_b = add_b and step("B join", b, {
        "op": "join", "welcome": add_b["welcome"], "ratchet_tree": add_b.get("ratchet_tree"),
        "group_id": "interop-group", "inviter": a.name})
    if not joined_b:
        return
    deliver("hello bob, from alice", a, [b])
    deliver("hello alice, from bob", b, [a])
    exports([a, b])
    upd_b = step("B update", b, {"op": "update"})
    if upd_b:
        step("A process B's update", a, {"op": "process", "message": upd_b["commit"]},
             expect_commit(False))
    deliver("after bob's update", a, [b])
    upd_a = step("A update", a, {"op": "update"})
    if upd_a:
        step("B process A's update", b, {"op": "process", "message": upd_a["commit"]},
             expect_commit(False))
    deliver("after alice's update", b, [a])
    kp_c = step("C key_package", c, {"op": "key_package"})
    add_c = kp_c and step("A add C", a, {"op": "add", "key_package": kp_c["key_package"]})
    if add_c:
        step("B process A's add", b, {"op": "process", "message": add_c["commit"]},
             expect_commit(False))
        if step("C join", c, {"op": "join", "welcome": add_c["welcome"],
                              "ratchet_tree": add_c.get("ratchet_tree"),
                              "group_id": "interop-group", "inviter": a.name}):
            deliver("hello from carol", c, [b, a])
    removal = step("A remove B", a, {"op": "remove", "leaf_index": 1, "sender_of": None})
    if removal:
        step("B process removal", b, {"op": "process", "message": removal["commit"]},
             expect_commit(True))
        if add_c:
            step("C process removal", c, {"op": "process", "message": removal["commit"]},
                 expect_commit(False))
            deliver("bob is gone", a, [c])


peers = []
aborted = False
try:
    a = Peer("A", "alice", FLAGS)
    b = Peer("B", "bob", [])
    c = Peer("C", "carol", FLAGS)
    peers = [a, b, c]
    print(f"pairing (f): {os.environ['PEER_CMD']} {' '.join(FLAGS)}  (scratch {scratch})")
    scenario(a, b, c)
except (OSError, PeerDied) as error:
    failed += 1
    aborted = True
    print(f"FAIL  pairing aborted: {error}")
for peer in peers:
    status = peer.quit()
    if status != 0 and not aborted:
        failed += 1
        print(f"FAIL  {peer.role} exit status {status} after quit")
print(f"interop: {passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
PYTHON
