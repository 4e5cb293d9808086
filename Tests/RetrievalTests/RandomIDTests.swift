import Foundation
import Retrieval
import Testing

@Suite struct RandomIDTests {
    @Test func uuidsAreVersion7LowercaseDistinctAndTimeOrdered() {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = RandomID.uuid()
            let utf8 = Array(id.utf8)
            #expect(utf8.count == 36)
            for (index, byte) in utf8.enumerated() {
                if [8, 13, 18, 23].contains(index) {
                    #expect(byte == UInt8(ascii: "-"), "\(id)")
                } else {
                    #expect((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66), "\(id)")
                }
            }
            #expect(utf8[14] == UInt8(ascii: "7"), "version nibble of \(id)")
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(utf8[19]), "variant of \(id)")
            // Foundation parses it back to the same value.
            #expect(UUID(uuidString: id)?.uuidString.lowercased() == id)
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }

    @Test func theFirst48BitsAreUnixMilliseconds() {
        // 2026-11-29T00:00:00.000Z = 1_795_910_400_000 ms = 0x01a2_2499_f800 → "01a22499-f800-7…".
        let id = RandomID.uuid(milliseconds: 1_795_910_400_000)
        #expect(id.hasPrefix("01a22499-f800-7"), "\(id)")
        // Ids made later sort after earlier ones (ms resolution), as the query log's index needs.
        let earlier = RandomID.uuid(milliseconds: 1_795_910_400_000)
        let later = RandomID.uuid(milliseconds: 1_795_910_400_001)
        #expect(earlier < later)
        let now = RandomID.uuid()
        #expect(now > id)
    }

    @Test func randomWordsDiffer() {
        let words = (0..<1000).map { _ in RandomID.next() }
        #expect(Set(words).count == 1000)
    }
}
