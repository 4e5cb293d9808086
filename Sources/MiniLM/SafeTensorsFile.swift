import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only safetensors file, memory-mapped.
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON mapping tensor names to
/// `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to the end of the header), then
/// the raw little-endian tensor data. The mapping lives as long as this object; pointers handed
/// out by `floats(_:shape:)` are valid for that lifetime. Immutable after `init`, hence Sendable.
final class SafeTensorsFile: @unchecked Sendable {
    /// One tensor's header entry.
    struct Entry: Sendable {
        let dtype: String
        let shape: [Int]
        /// Byte range within the data section.
        let begin: Int
        let end: Int
    }

    /// Path of the file, used in errors.
    let path: String
    /// Header entries by tensor name (`__metadata__` excluded).
    let entries: [String: Entry]

    private let mapping: UnsafeMutableRawPointer
    private let mappingLength: Int
    /// Start of the data section, 4-byte aligned (a copy if the file's own data section is not).
    private let data: UnsafeRawPointer
    private let dataCopy: UnsafeMutableRawPointer?

    /// Bytes per element of the dtypes safetensors defines.
    private static let elementSize: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1,
        "U16": 2, "U32": 4, "U64": 8, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1,
    ]

    /// Maps and validates the file at `path`.
    ///
    /// - Throws: `MiniLMError` `.unreadableFile` if it cannot be opened, stat'ed or mapped;
    ///   `.invalidHeader` if the header length, JSON, dtypes, shapes or offsets are inconsistent
    ///   with each other or with the file size.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw MiniLMError(.unreadableFile, "cannot open safetensors file: \(String(cString: strerror(errno)))", path: path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw MiniLMError(.unreadableFile, "cannot stat safetensors file: \(String(cString: strerror(errno)))", path: path)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw MiniLMError(.unreadableFile, "not a regular file", path: path)
        }
        let size = Int(info.st_size)
        guard size >= 8 else {
            throw MiniLMError(.invalidHeader, "file is \(size) bytes, too short for the 8-byte header length", path: path)
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
              base != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw MiniLMError(.unreadableFile, "cannot mmap safetensors file: \(String(cString: strerror(errno)))", path: path)
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << (8 * UInt64(i)) }
        guard headerLength >= 2, headerLength <= UInt64(size - 8) else {
            munmap(base, size)
            throw MiniLMError(.invalidHeader, "header length \(headerLength) does not fit a \(size)-byte file", path: path)
        }
        let dataOffset = 8 + Int(headerLength)
        let dataSize = size - dataOffset
        let parsed: [String: Entry]
        do {
            let json = Data(bytes: base + 8, count: Int(headerLength))
            parsed = try Self.parseHeader(json, dataSize: dataSize, path: path)
        } catch {
            munmap(base, size)
            throw error
        }
        mapping = base
        mappingLength = size
        entries = parsed
        if dataOffset % MemoryLayout<Float>.alignment == 0 {
            data = UnsafeRawPointer(base + dataOffset)
            dataCopy = nil
        } else {
            let copy = UnsafeMutableRawPointer.allocate(byteCount: max(dataSize, 1), alignment: 64)
            copy.copyMemory(from: base + dataOffset, byteCount: dataSize)
            data = UnsafeRawPointer(copy)
            dataCopy = copy
        }
    }

    deinit {
        munmap(mapping, mappingLength)
        dataCopy?.deallocate()
    }

    /// Parses and validates the JSON header against a data section of `dataSize` bytes.
    private static func parseHeader(_ json: Data, dataSize: Int, path: String) throws -> [String: Entry] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw MiniLMError(.invalidHeader, "header is not valid JSON", path: path)
        }
        guard let table = object as? [String: Any] else {
            throw MiniLMError(.invalidHeader, "header is not a JSON object", path: path)
        }
        var result: [String: Entry] = [:]
        for (name, value) in table where name != "__metadata__" {
            guard let fields = value as? [String: Any],
                  let dtype = fields["dtype"] as? String,
                  let shapeValues = fields["shape"] as? [Any],
                  let offsetValues = fields["data_offsets"] as? [Any], offsetValues.count == 2 else {
                throw MiniLMError(.invalidHeader, "tensor '\(name)' lacks dtype, shape or data_offsets", path: path)
            }
            let shape = shapeValues.compactMap { ($0 as? NSNumber)?.intValue }
            let offsets = offsetValues.compactMap { ($0 as? NSNumber)?.intValue }
            guard shape.count == shapeValues.count, shape.allSatisfy({ $0 >= 0 }), offsets.count == 2 else {
                throw MiniLMError(.invalidHeader, "tensor '\(name)' has a non-integer shape or offset", path: path)
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw MiniLMError(.invalidHeader,
                                  "tensor '\(name)' data_offsets [\(begin), \(end)] lie outside the \(dataSize)-byte data section",
                                  path: path)
            }
            if let width = elementSize[dtype] {
                var elements = 1
                for d in shape {
                    let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                    guard !overflow else { throw MiniLMError(.invalidHeader, "tensor '\(name)' shape overflows", path: path) }
                    elements = product
                }
                guard elements.multipliedReportingOverflow(by: width) == (end - begin, false) else {
                    throw MiniLMError(.invalidHeader,
                                      "tensor '\(name)' of shape \(shape) (\(dtype)) needs \(elements * width) bytes, data_offsets give \(end - begin)",
                                      path: path)
                }
            }
            result[name] = Entry(dtype: dtype, shape: shape, begin: begin, end: end)
        }
        return result
    }

    /// The F32 data of tensor `name`, checked against `shape`.
    ///
    /// - Throws: `MiniLMError` `.missingTensor` if absent, `.invalidHeader` if not F32,
    ///   `.shapeMismatch` if its shape differs from `shape`.
    func floats(_ name: String, shape: [Int]) throws -> UnsafePointer<Float> {
        guard let entry = entries[name] else {
            throw MiniLMError(.missingTensor, "tensor '\(name)' is missing", path: path)
        }
        guard entry.dtype == "F32" else {
            throw MiniLMError(.invalidHeader, "tensor '\(name)' has dtype \(entry.dtype), expected F32", path: path)
        }
        guard entry.shape == shape else {
            throw MiniLMError(.shapeMismatch, "tensor '\(name)' has shape \(entry.shape), expected \(shape)", path: path)
        }
        return (data + entry.begin).assumingMemoryBound(to: Float.self)
    }
}
