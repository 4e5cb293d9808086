import Foundation
import Retrieval
import Testing

@Suite struct RandomIDTests {
    @Test func uuidsAreVersion4LowercaseAndDistinct() {
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
            #expect(utf8[14] == UInt8(ascii: "4"), "version nibble of \(id)")
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(utf8[19]), "variant of \(id)")
            // Foundation parses it back to the same value.
            #expect(UUID(uuidString: id)?.uuidString.lowercased() == id)
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }
}
