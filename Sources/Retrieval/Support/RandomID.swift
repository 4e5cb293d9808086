import Foundation
import Ingest
#if canImport(Glibc)
import Glibc
#endif

/// Identifiers from the system CSPRNG, drawn through a small buffer.
///
/// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` for every id, and glibc's `arc4random`
/// makes one `getrandom` system call per call: a cached answer (a query id and a request id) paid two system
/// calls for 24 random bytes. Here one `getrandom` fills 512 bytes, handed out under a lock.
public enum RandomID {
    /// A time-ordered UUID (version 7, RFC 9562) as lowercase text: 48 bits of Unix milliseconds, then 74
    /// random bits. Rows keyed by it append at the end of their index: with random (version 4) ids every
    /// query-log insert dirtied a random page of the primary-key index, about one page write per query.
    public static func uuid(milliseconds: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) -> String {
        let random = pool.next2()
        let high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (random.0 & 0x0FFF)             // version 7
        let low = (random.1 & ~(0xC000_0000_0000_0000)) | 0x8000_0000_0000_0000                          // variant 10
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var position = 0
        func put(_ value: UInt64) {
            for shift in stride(from: 60, through: 0, by: -4) {
                if position == 8 || position == 13 || position == 18 || position == 23 { position += 1 }
                bytes[position] = Hashing.hexDigit(UInt8((value >> UInt64(shift)) & 0xF))
                position += 1
            }
        }
        put(high)
        put(low)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 64 random bits.
    public static func next() -> UInt64 { pool.next2().0 }

    private static let pool = RandomPool()
}

/// 64 words of CSPRNG output at a time.
private final class RandomPool: @unchecked Sendable {
    private let lock = NSLock()
    private var words = [UInt64](repeating: 0, count: 64)   // guarded by lock
    private var used = 64                                   // guarded by lock

    func next2() -> (UInt64, UInt64) {
        lock.withLock {
            if used > words.count - 2 {
                refill()
                used = 0
            }
            defer {
                // Handed-out words are not kept in memory.
                words[used] = 0
                words[used + 1] = 0
                used += 2
            }
            return (words[used], words[used + 1])
        }
    }

    private func refill() {
        #if canImport(Glibc)
        words.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }   // one getrandom call
        #else
        var generator = SystemRandomNumberGenerator()
        for index in words.indices { words[index] = generator.next() }
        #endif
    }
}
