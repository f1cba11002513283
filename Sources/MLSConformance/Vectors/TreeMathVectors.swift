import Foundation
import MLS

/// tree-math.json: node count, root, left, right, parent and sibling of every node.
/// RFC 9420 Appendix C.
enum TreeMathVectors {
  struct Case: Decodable {
    let n_leaves: UInt32
    let n_nodes: UInt32
    let root: UInt32
    let left: [UInt32?]
    let right: [UInt32?]
    let parent: [UInt32?]
    let sibling: [UInt32?]
  }

  static func run(_ data: Data) throws -> [CaseOutcome] {
    runCases(try decodeCases(Case.self, from: data)) { testCase in
      let math = TreeMath(leafCount: testCase.n_leaves)
      try expect(math.nodeCount == testCase.n_nodes, "n_nodes")
      try expect(math.root.rawValue == testCase.root, "root")
      for index in 0..<Int(testCase.n_nodes) {
        let node = NodeIndex(UInt32(index))
        try expect(math.left(node)?.rawValue == testCase.left[index], "left[\(index)]")
        try expect(math.right(node)?.rawValue == testCase.right[index], "right[\(index)]")
        try expect(math.parent(node)?.rawValue == testCase.parent[index], "parent[\(index)]")
        try expect(math.sibling(node)?.rawValue == testCase.sibling[index], "sibling[\(index)]")
      }
      return .passed
    }
  }
}
