/// Response header fields in arrival order, with case-insensitive lookup.
public struct HTTPHeaders: Sendable, Equatable, CustomStringConvertible {
    /// One field as received (name case preserved, value trimmed of surrounding whitespace).
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// All fields in the order they arrived.
    public var fields: [Field]

    public init(_ fields: [Field] = []) { self.fields = fields }

    /// The first value of `name` (case-insensitive), or `nil`.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Every value of `name` (case-insensitive), in order; e.g. repeated `Set-Cookie`.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
