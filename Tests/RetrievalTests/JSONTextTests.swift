import Foundation
import Testing
@testable import Retrieval

/// The fast writer agrees with Foundation's parser on every kind of value it is given.
@Suite struct JSONTextTests {
    @Test func roundTripsThroughJSONSerialization() throws {
        let object: [String: Any] = [
            "b": true, "f": false, "i": 42, "neg": -7, "d": 0.5, "whole": 2.0, "float": Float(0.1), "null": NSNull(),
            "s": "quote \" backslash \\ slash / newline \n tab \t bell \u{07} é 日本", "empty": [String: Any](),
            "list": [1, "two", [3.5], ["x": false]] as [Any], "nan": Double.nan,
        ]
        let text = JSONText.string(object)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["b"] as? Bool == true && isJSONBoolValue(parsed["b"]))
        #expect(parsed["f"] as? Bool == false)
        #expect(parsed["i"] as? Int == 42 && !isJSONBoolValue(parsed["i"]))
        #expect(parsed["neg"] as? Int == -7)
        #expect(parsed["d"] as? Double == 0.5)
        #expect(parsed["whole"] as? Double == 2.0)
        #expect(parsed["float"] as? Double == 0.1)
        #expect(parsed["null"] is NSNull && parsed["nan"] is NSNull)
        #expect(parsed["s"] as? String == object["s"] as? String)
        #expect((parsed["list"] as? [Any])?.count == 4)
        #expect(text.contains(#""s":"quote \" backslash \\ slash / newline \n tab \t bell \u0007 é 日本""#))
        // Keys sorted by bytes, no whitespace.
        #expect(JSONText.string(["b": 1, "a": 2, "B": 3]) == #"{"B":3,"a":2,"b":1}"#)
        // Values parsed by Foundation (NSNumber) keep their kind.
        let reparsed = try JSONSerialization.jsonObject(with: Data(#"{"t": true, "n": 3, "x": 1.25}"#.utf8))
        #expect(JSONText.string(reparsed) == #"{"n":3,"t":true,"x":1.25}"#)
    }

    private func isJSONBoolValue(_ value: Any?) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }
}
