/// An intrusive doubly linked list of keys in recency order, with O(1) touch, insert and removal: nodes live
/// in an array (indices instead of references) and freed slots are reused.
struct LRUList<Key: Hashable> {
    private struct Node {
        var key: Key?
        var previous: Int
        var next: Int
    }

    private var nodes: [Node] = []
    private var free: [Int] = []
    private var slots: [Key: Int] = [:]
    /// Most recently used.
    private var head = -1
    /// Least recently used.
    private var tail = -1

    var count: Int { slots.count }

    func contains(_ key: Key) -> Bool { slots[key] != nil }

    /// Inserts `key` as the most recent, or moves it there.
    mutating func touch(_ key: Key) {
        if let index = slots[key] {
            guard index != head else { return }
            unlink(index)
            pushFront(index)
            return
        }
        let index: Int
        if let reused = free.popLast() {
            index = reused
            nodes[index] = Node(key: key, previous: -1, next: -1)
        } else {
            index = nodes.count
            nodes.append(Node(key: key, previous: -1, next: -1))
        }
        slots[key] = index
        pushFront(index)
    }

    /// Removes and returns the least recently used key.
    mutating func popLeastRecent() -> Key? {
        guard tail >= 0, let key = nodes[tail].key else { return nil }
        remove(key)
        return key
    }

    mutating func remove(_ key: Key) {
        guard let index = slots.removeValue(forKey: key) else { return }
        unlink(index)
        nodes[index].key = nil
        free.append(index)
    }

    mutating func removeAll() {
        nodes.removeAll()
        free.removeAll()
        slots.removeAll()
        head = -1
        tail = -1
    }

    private mutating func unlink(_ index: Int) {
        let node = nodes[index]
        if node.previous >= 0 { nodes[node.previous].next = node.next } else { head = node.next }
        if node.next >= 0 { nodes[node.next].previous = node.previous } else { tail = node.previous }
        nodes[index].previous = -1
        nodes[index].next = -1
    }

    private mutating func pushFront(_ index: Int) {
        nodes[index].previous = -1
        nodes[index].next = head
        if head >= 0 { nodes[head].previous = index }
        head = index
        if tail < 0 { tail = index }
    }
}
