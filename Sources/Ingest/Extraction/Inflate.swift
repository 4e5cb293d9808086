/// Raw DEFLATE (RFC 1951) decoder, so DOCX needs neither zlib bindings nor an `unzip` binary.
///
/// Canonical-Huffman decoding one bit at a time, after zlib's `puff.c`: simple and fast enough for the
/// XML parts of office documents (tens of MB/s). The output is capped to stop zip bombs.
struct Inflater {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        init(lengths: ArraySlice<Int>) throws(Failure) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for length in lengths { counts[length] += 1 }
            var left = 1
            for length in 1..<16 {
                left <<= 1
                left -= counts[length]
                guard left >= 0 else { throw Failure(description: "over-subscribed Huffman code") }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private let input: [UInt8]
    private var position = 0
    private var bitBuffer = 0
    private var bitCount = 0
    private var output: [UInt8] = []
    private let limit: Int

    /// Inflates `input`; throws on malformed data or when the output would pass `limit` bytes.
    static func inflate(_ input: [UInt8], expectedSize: Int = 0, limit: Int) throws(Failure) -> [UInt8] {
        var inflater = Inflater(input: input, limit: limit)
        inflater.output.reserveCapacity(min(max(expectedSize, input.count * 3), limit))
        try inflater.run()
        return inflater.output
    }

    private init(input: [UInt8], limit: Int) {
        self.input = input
        self.limit = limit
    }

    private mutating func bits(_ need: Int) throws(Failure) -> Int {
        while bitCount < need {
            guard position < input.count else { throw Failure(description: "compressed data ends early") }
            bitBuffer |= Int(input[position]) << bitCount
            position += 1
            bitCount += 8
        }
        let value = bitBuffer & ((1 << need) - 1)
        bitBuffer >>= need
        bitCount -= need
        return value
    }

    private mutating func run() throws(Failure) {
        var last = false
        while !last {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try stored()
            case 1: try codes(Self.fixedLengths, Self.fixedDistances)
            case 2:
                let (lengths, distances) = try dynamicTables()
                try codes(lengths, distances)
            default: throw Failure(description: "invalid block type")
            }
        }
    }

    private mutating func stored() throws(Failure) {
        bitBuffer = 0
        bitCount = 0
        guard position + 4 <= input.count else { throw Failure(description: "stored block ends early") }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == ~complement & 0xFFFF else { throw Failure(description: "stored block length mismatch") }
        position += 4
        guard position + length <= input.count else { throw Failure(description: "stored block ends early") }
        guard output.count + length <= limit else { throw Failure(description: "inflated size exceeds \(limit) bytes") }
        output.append(contentsOf: input[position..<(position + length)])
        position += length
    }

    private mutating func decode(_ huffman: Huffman) throws(Failure) -> Int {
        var code = 0
        var first = 0
        var index = 0
        for length in 1..<16 {
            code |= try bits(1)
            let count = huffman.counts[length]
            if code - count < first { return huffman.symbols[index + (code - first)] }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw Failure(description: "invalid Huffman code")
    }

    private mutating func codes(_ lengths: Huffman, _ distances: Huffman) throws(Failure) {
        while true {
            let symbol = try decode(lengths)
            if symbol < 256 {
                guard output.count < limit else { throw Failure(description: "inflated size exceeds \(limit) bytes") }
                output.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let lengthSymbol = symbol - 257
                guard lengthSymbol < 29 else { throw Failure(description: "invalid length symbol") }
                let length = Self.lengthBase[lengthSymbol] + (try bits(Self.lengthExtra[lengthSymbol]))
                let distanceSymbol = try decode(distances)
                guard distanceSymbol < 30 else { throw Failure(description: "invalid distance symbol") }
                let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
                guard distance <= output.count else { throw Failure(description: "distance too far back") }
                guard output.count + length <= limit else { throw Failure(description: "inflated size exceeds \(limit) bytes") }
                var from = output.count - distance
                for _ in 0..<length {
                    output.append(output[from])
                    from += 1
                }
            }
        }
    }

    private mutating func dynamicTables() throws(Failure) -> (Huffman, Huffman) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw Failure(description: "bad dynamic block counts") }
        var lengths = [Int](repeating: 0, count: 320)
        for index in 0..<codeCount { lengths[Self.codeLengthOrder[index]] = try bits(3) }
        let codeLengths = try Huffman(lengths: lengths[0..<19])
        var index = 0
        while index < literalCount + distanceCount {
            var symbol = try decode(codeLengths)
            if symbol < 16 {
                lengths[index] = symbol
                index += 1
                continue
            }
            var repeatedLength = 0
            if symbol == 16 {
                guard index > 0 else { throw Failure(description: "repeat with no previous length") }
                repeatedLength = lengths[index - 1]
                symbol = 3 + (try bits(2))
            } else if symbol == 17 {
                symbol = 3 + (try bits(3))
            } else {
                symbol = 11 + (try bits(7))
            }
            guard index + symbol <= literalCount + distanceCount else { throw Failure(description: "too many lengths") }
            for _ in 0..<symbol {
                lengths[index] = repeatedLength
                index += 1
            }
        }
        guard lengths[256] != 0 else { throw Failure(description: "no end-of-block code") }
        return (try Huffman(lengths: lengths[0..<literalCount]),
                try Huffman(lengths: lengths[literalCount..<(literalCount + distanceCount)]))
    }

    private static let fixedLengths: Huffman = {
        var lengths = [Int](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        return try! Huffman(lengths: lengths[...])
    }()
    private static let fixedDistances: Huffman = try! Huffman(lengths: [Int](repeating: 5, count: 30)[...])
}

/// CRC-32 (IEEE), as stored in zip headers.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
