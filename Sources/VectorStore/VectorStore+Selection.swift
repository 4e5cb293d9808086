/// Filter and clearance checks for ids that another ranking produced (BM25, fusion), so every retrieval mode
/// applies exactly the rules of `search`: the same compiled (and cached) candidate bitmap decides.
extension VectorStore {
    /// One flag per id of `ids`, in order: true when the record exists in `namespace`, matches `filter` and is
    /// visible at `clearance`.
    /// - Complexity: one dictionary lookup and one bit test per id, after compiling the filter (cached per
    ///   namespace generation, as for `search`).
    /// - Throws: `namespaceNotFound`; `invalidFilter` when an operand's type cannot match the field's values.
    public func visible(_ ids: [String], in namespace: String, filter: Filter = .all,
                        clearance: AccessLevel = .restricted) throws -> [Bool] {
        let index = try self.index(namespace)
        return try index.lock.withReadLock {
            let candidates = try index.candidates(filter: filter, clearance: clearance)
            return ids.map { id in
                guard let row = index.row(of: id) else { return false }
                return candidates?.contains(row) ?? true
            }
        }
    }

    /// Whether `filter` at `clearance` excludes any record of `namespace` (false: every record passes, so a
    /// ranking of existing ids needs no per-id check).
    /// - Throws: as `visible`.
    public func restricts(_ namespace: String, filter: Filter = .all, clearance: AccessLevel = .restricted) throws -> Bool {
        let index = try self.index(namespace)
        return try index.lock.withReadLock {
            guard let candidates = try index.candidates(filter: filter, clearance: clearance) else { return false }
            return candidates.cardinality < index.count
        }
    }
}
