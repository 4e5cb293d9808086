import Foundation
import Testing
@testable import MiniLM

@Suite struct BatchingTests {
    @Test func mixedLengthBatchEqualsOneByOne() throws {
        let model = try MiniLMFixtures.model.get()
        let cases = try MiniLMFixtures.referenceCases()
        // Mixed lengths in a deliberately unsorted order, including empty and truncated texts.
        let texts = [cases[20].text, "", cases[2].text, cases[15].text, "short", cases[24].text, cases[7].text]
        let batched = model.embed(texts)
        #expect(batched.count == texts.count)
        for (text, vector) in zip(texts, batched) {
            let single = model.embed([text])[0]
            let maxDiff = zip(single, vector).map { abs($0 - $1) }.max() ?? 0
            #expect(maxDiff < 1e-5, "text: \(text.prefix(40).debugDescription)")
        }
    }

    @Test func emptyInputGivesEmptyOutput() throws {
        let model = try MiniLMFixtures.model.get()
        #expect(model.embed([String]()).isEmpty)
    }

    @Test func concurrentCallsAgree() async throws {
        let model = try MiniLMFixtures.model.get()
        let texts = ["first text", "a second, slightly longer text", "third"]
        let expected = model.embed(texts)
        let results = await withTaskGroup(of: [[Float]].self) { group in
            for _ in 0..<4 { group.addTask { model.embed(texts) } }
            var all: [[[Float]]] = []
            for await r in group { all.append(r) }
            return all
        }
        for r in results { #expect(r == expected) }
    }

    @Test func planSortsByLengthAndRespectsBudget() {
        let lengths = [5, 300, 20, 256, 7, 100]
        let plan = BatchPlan(lengths: lengths, tokenBudget: 300, threads: 2)
        #expect(plan.batches.flatMap { $0 }.sorted() == Array(lengths.indices))
        #expect(plan.batches.flatMap { $0 }.map { lengths[$0] } == lengths.sorted(by: >))
        for batch in plan.batches where batch.count > 1 {
            #expect(batch.map { lengths[$0] }.reduce(0, +) <= 300)
        }
        // Small requests are still split so that both threads get work.
        #expect(BatchPlan(lengths: [10, 10, 10, 10], tokenBudget: 1024, threads: 2).batches.count == 2)
    }
}
