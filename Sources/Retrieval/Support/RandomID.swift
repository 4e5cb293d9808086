#if canImport(Glibc)
import Glibc
#endif

/// Random (version 4) UUIDs as lowercase text, from the system CSPRNG.
///
/// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` for every id: three system calls on
/// the path of every cached answer. This draws 16 bytes with glibc's `arc4random_buf` (one `getrandom` call).
public enum RandomID {
    public static func uuid() -> String {
        var words: (UInt64, UInt64) = (0, 0)
        #if canImport(Glibc)
        withUnsafeMutableBytes(of: &words) { arc4random_buf($0.baseAddress!, 16) }   // glibc: one getrandom call
        #else
        var generator = SystemRandomNumberGenerator()
        words = (generator.next(), generator.next())
        #endif
        var (high, low) = words
        high = (high & ~0xF000) | 0x4000                          // version 4
        low = (low & ~(0xC000_0000_0000_0000)) | 0x8000_0000_0000_0000   // variant 10
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        let digits = Array("0123456789abcdef".utf8)
        var position = 0
        func put(_ value: UInt64, nibbles: Int) {
            for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                if position == 8 || position == 13 || position == 18 || position == 23 { position += 1 }
                bytes[position] = digits[Int((value >> UInt64(shift)) & 0xF)]
                position += 1
            }
        }
        put(high, nibbles: 16)
        put(low, nibbles: 16)
        return String(decoding: bytes, as: UTF8.self)
    }
}
