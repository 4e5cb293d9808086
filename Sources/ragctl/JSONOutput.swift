import Foundation
import Server
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

    static func metadata(_ metadata: Metadata) -> [String: Any] { JSONWire.metadata(metadata) }

    static func score(_ value: Float) -> Double { JSONWire.score(value) }
}
