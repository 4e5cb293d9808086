/// An error loading the MiniLM model or its vocabulary.
///
/// Every error names the file or directory it concerns (`path`) and says what is wrong with it
/// (`message`), so that a missing or damaged model install can be fixed without reading code.
public struct MiniLMError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem was found.
    public enum Code: String, Sendable, Equatable {
        /// No model directory was found (explicit path missing, or nothing in the searched site-packages).
        case modelNotFound
        /// A required file is missing or cannot be opened / read / mapped.
        case unreadableFile
        /// The safetensors header is malformed (length, JSON, dtype, offsets).
        case invalidHeader
        /// A tensor the encoder needs is absent from the safetensors file.
        case missingTensor
        /// A tensor has a shape other than the one all-MiniLM-L6-v2 uses.
        case shapeMismatch
        /// `vocab.txt` is empty or lacks a required special token.
        case invalidVocabulary
    }

    /// The category of the failure.
    public let code: Code
    /// A human-readable explanation of what is wrong.
    public let message: String
    /// The file or directory the error concerns.
    public let path: String

    /// Creates an error about `path`.
    public init(_ code: Code, _ message: String, path: String) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String { "MiniLM \(code.rawValue): \(message) (\(path))" }
}
