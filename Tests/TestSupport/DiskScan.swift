import Foundation
import VectorStore

/// Raw-byte searches of what a store left on disk, for encryption-at-rest tests.
public enum DiskScan {
    /// Every regular file under `directory` (recursively) with its bytes.
    public static func files(under directory: String) -> [(path: String, bytes: [UInt8])] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [(String, [UInt8])] = []
        for case let relative as String in walker {
            let path = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            found.append((path, Array(data)))
        }
        return found.sorted { $0.0 < $1.0 }
    }

    /// The needles found in any file under `directory`, each with the files that hold it (UTF-8 bytes,
    /// case-sensitive). Empty needles are skipped.
    public static func occurrences(of needles: [String], under directory: String) -> [String: [String]] {
        let files = files(under: directory)
        var result: [String: [String]] = [:]
        for needle in Set(needles) where !needle.isEmpty {
            let pattern = Array(needle.utf8)
            for file in files where contains(file.bytes, pattern) {
                result[needle, default: []].append((file.path as NSString).lastPathComponent)
            }
        }
        return result
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                while index <= last {
                    if h[index] == first, memcmp(h.baseAddress! + index, n.baseAddress!, n.count) == 0 { return true }
                    index += 1
                }
                return false
            }
        }
    }

    /// The text itself and its overlapping 24-byte windows (every 12 bytes, on character boundaries): what a
    /// scan looks for so that a value split across pages, or stored in pieces, is still found.
    public static func probes(_ text: String, window: Int = 24) -> [String] {
        var probes = [text]
        let characters = Array(text)
        guard characters.count > window else { return probes }
        var start = 0
        while start + window <= characters.count {
            let piece = String(characters[start..<(start + window)])
            if piece.trimmingCharacters(in: .whitespacesAndNewlines).count >= window / 2 { probes.append(piece) }
            start += window / 2
        }
        return probes
    }
}

/// A fresh random encryption key.
public func randomEncryptionKey() throws -> EncryptionKey {
    try EncryptionKey(encoded: EncryptionKey.generateEncoded())
}

/// The SHA-free fingerprint of a file (its bytes), for "nothing changed on disk" checks.
public func fileBytes(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map { Array($0) } ?? []
}
