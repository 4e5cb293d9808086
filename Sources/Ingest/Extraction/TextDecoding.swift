import Foundation

/// Bytes → normalised text: BOMs, UTF-16/32, binary detection, CR/CRLF → LF, invalid UTF-8 repair.
enum TextDecoding {
    struct Decoded {
        var text: String
        var replacedInvalid: Int
    }

    /// How many leading bytes the binary sniff looks at.
    static let sniffLength = 8192
    /// More than this fraction of control bytes in the sniffed prefix means binary.
    static let maxControlRatio = 0.10
    /// At least this fraction of invalid sequences (per decoded scalar) means binary rather than damaged text.
    static let maxInvalidRatio = 0.30

    /// Decodes a file's bytes. Throws `.binary` with the reason; never fails on a few invalid sequences.
    static func decode(_ bytes: [UInt8], path: String) throws(ExtractionError) -> Decoded {
        var invalid = 0
        var utf8: [UInt8]
        switch bytes.count {
        case 4... where bytes.starts(with: [0xFF, 0xFE, 0, 0]):
            utf8 = transcode(bytes.dropFirst(4), unitSize: 4, bigEndian: false, invalid: &invalid)
        case 4... where bytes.starts(with: [0, 0, 0xFE, 0xFF]):
            utf8 = transcode(bytes.dropFirst(4), unitSize: 4, bigEndian: true, invalid: &invalid)
        case 2... where bytes.starts(with: [0xFF, 0xFE]):
            utf8 = transcode(bytes.dropFirst(2), unitSize: 2, bigEndian: false, invalid: &invalid)
        case 2... where bytes.starts(with: [0xFE, 0xFF]):
            utf8 = transcode(bytes.dropFirst(2), unitSize: 2, bigEndian: true, invalid: &invalid)
        default:
            if let reason = binaryReason(bytes.prefix(sniffLength)) {
                throw ExtractionError(.binary, path: path, reason: "binary file (\(reason))")
            }
            utf8 = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        }
        normalizeNewlines(&utf8)
        if let text = String(validating: utf8, as: UTF8.self) {
            return Decoded(text: text, replacedInvalid: invalid)
        }
        var scalars = String.UnicodeScalarView()
        var iterator = utf8.makeIterator()
        var decoder = UTF8()
        var total = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .error:
                invalid += 1
                scalars.append("\u{FFFD}")
            case .emptyInput: break loop
            }
            total += 1
        }
        if total > 0, Double(invalid) / Double(total) >= maxInvalidRatio {
            throw ExtractionError(.binary, path: path,
                                  reason: "binary file (\(invalid) of \(total) byte sequences are not valid UTF-8)")
        }
        return Decoded(text: String(scalars), replacedInvalid: invalid)
    }

    /// Why a prefix looks binary, or nil: any NUL byte, or more than 10% C0 control bytes other than
    /// tab, LF, VT, FF, CR and ESC (ANSI colours in logs).
    static func binaryReason(_ prefix: ArraySlice<UInt8>) -> String? {
        var control = 0
        for byte in prefix {
            if byte == 0 { return "NUL bytes in the first 8 KiB" }
            if byte < 0x20, ![0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B].contains(byte) { control += 1 }
            else if byte == 0x7F { control += 1 }
        }
        if !prefix.isEmpty, Double(control) / Double(prefix.count) > maxControlRatio {
            return "\(control) control bytes in the first \(prefix.count) bytes"
        }
        return nil
    }

    /// UTF-16 or UTF-32 code units → UTF-8, counting unpaired surrogates and bad scalars.
    static func transcode(_ bytes: ArraySlice<UInt8>, unitSize: Int, bigEndian: Bool, invalid: inout Int) -> [UInt8] {
        var out = String.UnicodeScalarView()
        var index = bytes.startIndex
        func unit(at i: Int) -> UInt32 {
            var value: UInt32 = 0
            for k in 0..<unitSize {
                let byte = UInt32(bytes[i + (bigEndian ? k : unitSize - 1 - k)])
                value = value << 8 | byte
            }
            return value
        }
        if unitSize == 4 {
            while index + 4 <= bytes.endIndex {
                if let scalar = Unicode.Scalar(unit(at: index)) { out.append(scalar) } else {
                    invalid += 1
                    out.append("\u{FFFD}")
                }
                index += 4
            }
        } else {
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            while index + 2 <= bytes.endIndex {
                units.append(UInt16(unit(at: index)))
                index += 2
            }
            var iterator = units.makeIterator()
            var decoder = UTF16()
            loop: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): out.append(scalar)
                case .error:
                    invalid += 1
                    out.append("\u{FFFD}")
                case .emptyInput: break loop
                }
            }
        }
        if index < bytes.endIndex { invalid += 1 }  // a trailing odd byte
        return Array(String(out).utf8)
    }

    /// CRLF and lone CR → LF, in place.
    static func normalizeNewlines(_ bytes: inout [UInt8]) {
        guard bytes.contains(0x0D) else { return }
        var write = 0
        var read = 0
        let count = bytes.count
        while read < count {
            let byte = bytes[read]
            if byte == 0x0D {
                bytes[write] = 0x0A
                if read + 1 < count, bytes[read + 1] == 0x0A { read += 1 }
            } else {
                bytes[write] = byte
            }
            write += 1
            read += 1
        }
        bytes.removeLast(count - write)
    }

    /// Normalises line ends of text that did not come through `decode` (tool output, XML).
    static func normalizeNewlines(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        var bytes = Array(text.utf8)
        normalizeNewlines(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
