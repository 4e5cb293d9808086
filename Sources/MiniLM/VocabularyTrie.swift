/// A byte trie over WordPiece vocabulary entries, used for greedy longest-match-first lookup.
///
/// Nodes are stored flat: each node owns a contiguous, label-sorted run of edges; the root has a
/// dense 256-entry table. `longestMatch` walks the UTF-8 bytes of a word once, so tokenising a
/// word costs O(word length) instead of one hash lookup per candidate substring.
struct VocabularyTrie: Sendable {
    /// Token id ending at each node, or -1.
    private var tokenAtNode: [Int32] = [-1]
    /// Per node: index of its first edge in `edgeLabels` / `edgeTargets`.
    private var firstEdge: [Int32] = []
    /// Per node: number of edges.
    private var edgeCount: [Int32] = []
    private var edgeLabels: [UInt8] = []
    private var edgeTargets: [Int32] = []
    /// Dense child table of the root (0 = no child; node 0 is the root itself).
    private var rootChildren = [Int32](repeating: 0, count: 256)

    /// Builds a trie from `(bytes, id)` entries; later duplicates of a key are ignored.
    init(entries: [([UInt8], Int32)]) {
        // Build with per-node dictionaries, then flatten.
        var children: [[UInt8: Int32]] = [[:]]
        var tokens: [Int32] = [-1]
        for (bytes, id) in entries where !bytes.isEmpty {
            var node = 0
            for b in bytes {
                if let next = children[node][b] {
                    node = Int(next)
                } else {
                    let next = Int32(children.count)
                    children[node][b] = next
                    children.append([:])
                    tokens.append(-1)
                    node = Int(next)
                }
            }
            if tokens[node] < 0 { tokens[node] = id }
        }
        tokenAtNode = tokens
        firstEdge = [Int32](repeating: 0, count: children.count)
        edgeCount = [Int32](repeating: 0, count: children.count)
        for (node, map) in children.enumerated() {
            firstEdge[node] = Int32(edgeLabels.count)
            edgeCount[node] = Int32(map.count)
            for (label, target) in map.sorted(by: { $0.key < $1.key }) {
                edgeLabels.append(label)
                edgeTargets.append(target)
            }
        }
        for (label, target) in children[0] { rootChildren[Int(label)] = target }
    }

    /// The longest vocabulary entry that is a prefix of `bytes[start...]`.
    ///
    /// - Returns: the token id and the end index (exclusive) of the match, or nil if no entry matches.
    @inline(__always)
    func longestMatch(_ bytes: [UInt8], from start: Int) -> (id: Int32, end: Int)? {
        let n = bytes.count
        guard start < n else { return nil }
        var node = Int(rootChildren[Int(bytes[start])])
        guard node != 0 else { return nil }
        var best: (id: Int32, end: Int)? = nil
        var i = start + 1
        while true {
            let t = tokenAtNode[node]
            if t >= 0 { best = (t, i) }
            guard i < n else { break }
            let b = bytes[i]
            let first = Int(firstEdge[node])
            let count = Int(edgeCount[node])
            var next = -1
            var e = first
            let stop = first + count
            while e < stop {
                let label = edgeLabels[e]
                if label == b { next = Int(edgeTargets[e]); break }
                if label > b { break }
                e += 1
            }
            if next < 0 { break }
            node = next
            i += 1
        }
        return best
    }
}
