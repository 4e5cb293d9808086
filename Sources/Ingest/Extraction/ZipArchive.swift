/// Just enough of the zip format to read members of an office document: the end-of-central-directory
/// record, the central directory, local headers, stored and deflated members, CRC checked.
/// Not supported (they throw): ZIP64, encryption, multi-disk archives, other compression methods.
struct ZipArchive {
    struct Entry {
        var name: String
        var method: Int
        var flags: Int
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    struct Failure: Error {
        var unsupported: Bool
        var message: String
    }

    let bytes: [UInt8]
    private(set) var entries: [Entry] = []

    init(_ bytes: [UInt8]) throws(Failure) {
        self.bytes = bytes
        guard bytes.count >= 22 else { throw Failure(unsupported: false, message: "not a zip archive (too short)") }
        var end = -1
        var index = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while index >= lowest {
            if u32(index) == 0x0605_4B50 { end = index; break }
            index -= 1
        }
        guard end >= 0 else { throw Failure(unsupported: false, message: "not a zip archive (no end of central directory)") }
        let count = u16(end + 10)
        let directorySize = u32(end + 12)
        let directoryOffset = u32(end + 16)
        if count == 0xFFFF || directoryOffset == 0xFFFF_FFFF { throw Failure(unsupported: true, message: "ZIP64 archives are not supported") }
        guard Int(directoryOffset) + Int(directorySize) <= bytes.count else {
            throw Failure(unsupported: false, message: "zip central directory lies outside the file")
        }
        var cursor = Int(directoryOffset)
        for _ in 0..<count {
            guard cursor + 46 <= bytes.count, u32(cursor) == 0x0201_4B50 else {
                throw Failure(unsupported: false, message: "corrupt zip central directory")
            }
            let nameLength = u16(cursor + 28)
            let extraLength = u16(cursor + 30)
            let commentLength = u16(cursor + 32)
            guard cursor + 46 + nameLength <= bytes.count else { throw Failure(unsupported: false, message: "corrupt zip central directory") }
            entries.append(Entry(
                name: String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self),
                method: u16(cursor + 10), flags: u16(cursor + 8), crc: u32(cursor + 16),
                compressedSize: Int(u32(cursor + 20)), uncompressedSize: Int(u32(cursor + 24)),
                localHeaderOffset: Int(u32(cursor + 42))))
            cursor += 46 + nameLength + extraLength + commentLength
        }
    }

    func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The uncompressed bytes of a member; `limit` caps the inflated size.
    func data(of entry: Entry, limit: Int) throws(Failure) -> [UInt8] {
        if entry.flags & 1 != 0 { throw Failure(unsupported: true, message: "encrypted zip member \(entry.name)") }
        if entry.compressedSize == 0xFFFF_FFFF || entry.uncompressedSize == 0xFFFF_FFFF {
            throw Failure(unsupported: true, message: "ZIP64 member \(entry.name) is not supported")
        }
        let header = entry.localHeaderOffset
        guard header + 30 <= bytes.count, u32(header) == 0x0403_4B50 else {
            throw Failure(unsupported: false, message: "corrupt local header for \(entry.name)")
        }
        let start = header + 30 + u16(header + 26) + u16(header + 28)
        guard start + entry.compressedSize <= bytes.count else {
            throw Failure(unsupported: false, message: "zip member \(entry.name) is truncated")
        }
        let raw = Array(bytes[start..<(start + entry.compressedSize)])
        let output: [UInt8]
        switch entry.method {
        case 0: output = raw
        case 8:
            do {
                output = try Inflater.inflate(raw, expectedSize: entry.uncompressedSize, limit: limit)
            } catch {
                throw Failure(unsupported: false, message: "cannot inflate \(entry.name): \(error.description)")
            }
        default: throw Failure(unsupported: true, message: "zip compression method \(entry.method) is not supported")
        }
        guard output.count <= limit else { throw Failure(unsupported: false, message: "\(entry.name) inflates past \(limit) bytes") }
        guard CRC32.checksum(output) == entry.crc else {
            throw Failure(unsupported: false, message: "CRC mismatch in \(entry.name)")
        }
        return output
    }

    private func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    private func u32(_ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
