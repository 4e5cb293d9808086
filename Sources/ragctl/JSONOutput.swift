import Foundation
import VectorStore

/// JSON on stdout: one object, keys sorted, for `--json` outputs.
enum JSONOutput {
    static func string(_ object: Any, pretty: Bool = false) -> String {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: options) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func print(_ object: Any) {
        FileHandle.standardOutput.write(Data((string(object) + "\n").utf8))
    }

    static func metadata(_ metadata: Metadata) -> [String: Any] {
        metadata.mapValues { $0.jsonObject }
    }

    /// Scores rounded to float precision so `0.1f` prints as 0.1, not 0.10000000149.
    static func score(_ value: Float) -> Double {
        Double(String(value)) ?? Double(value)
    }
}
