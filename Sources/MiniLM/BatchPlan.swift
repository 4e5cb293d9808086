/// How `MiniLMModel.embed` splits one request into packed forward passes.
///
/// Sequences are sorted longest first and cut into consecutive sub-batches of at most
/// `tokenBudget` tokens (a longer single sequence gets its own sub-batch). When that yields fewer
/// sub-batches than worker threads, the budget shrinks so each thread gets work. Longest-first
/// order lets the dynamic hand-out balance the threads: the small sub-batches come last.
struct BatchPlan: Sendable, Equatable {
    /// Sub-batches of indices into the request, in the order they are handed out.
    let batches: [[Int]]

    /// Plans sub-batches for sequences of the given `lengths` (tokens each).
    init(lengths: [Int], tokenBudget: Int, threads: Int) {
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        let total = lengths.reduce(0, +)
        let perThread = (total + max(threads, 1) - 1) / max(threads, 1)
        let budget = max(1, min(tokenBudget, perThread))
        var batches: [[Int]] = []
        var current: [Int] = []
        var tokens = 0
        for i in order {
            if !current.isEmpty && tokens + lengths[i] > budget {
                batches.append(current)
                current = []
                tokens = 0
            }
            current.append(i)
            tokens += lengths[i]
        }
        if !current.isEmpty { batches.append(current) }
        self.batches = batches
    }
}
