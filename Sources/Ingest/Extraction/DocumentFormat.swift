import Foundation

/// The kind of a source document, which decides how its text and structure are extracted.
///
/// Detected from the file extension first (`DocumentFormat(fileExtension:)`), then, for unknown or
/// missing extensions, by sniffing the first bytes (`DocumentFormat.sniff(_:)`).
public enum DocumentFormat: Sendable, Hashable, Codable {
    case markdown
    case text
    case rst
    case html
    case json
    case jsonl
    case csv
    case tsv
    /// Source code; the associated value is the language name (`"swift"`, `"python"`, …).
    case code(String)
    case pdf
    case docx

    /// A short stable name for metadata and logs: `"markdown"`, `"code"`, `"pdf"`, ….
    public var name: String {
        switch self {
        case .markdown: "markdown"
        case .text: "text"
        case .rst: "rst"
        case .html: "html"
        case .json: "json"
        case .jsonl: "jsonl"
        case .csv: "csv"
        case .tsv: "tsv"
        case .code: "code"
        case .pdf: "pdf"
        case .docx: "docx"
        }
    }

    /// The programming language for `.code`, otherwise nil.
    public var language: String? {
        if case .code(let language) = self { return language }
        return nil
    }

    /// True for formats whose text is line-structured (code, tables, records) rather than prose, so the
    /// chunker splits on lines instead of sentences.
    public var isLineStructured: Bool {
        switch self {
        case .code, .csv, .tsv, .json, .jsonl: true
        default: false
        }
    }

    /// The format for a file extension (case-insensitive, without the dot), or nil when unknown.
    public init?(fileExtension: String) {
        let ext = fileExtension.lowercased()
        switch ext {
        case "md", "markdown", "mdown", "mkd", "mdx": self = .markdown
        case "txt", "text", "log": self = .text
        case "rst", "rest": self = .rst
        case "html", "htm", "xhtml": self = .html
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "pdf": self = .pdf
        case "docx": self = .docx
        default:
            guard let language = Self.codeLanguages[ext] else { return nil }
            self = .code(language)
        }
    }

    /// The format for a file name: by extension, then by a few well-known extensionless names
    /// (`Makefile`, `Dockerfile`, `README`, …). Nil when neither says.
    public init?(fileName: String) {
        let ext = (fileName as NSString).pathExtension
        if !ext.isEmpty, let format = DocumentFormat(fileExtension: ext) {
            self = format
            return
        }
        switch fileName.lowercased() {
        case "makefile", "gnumakefile": self = .code("make")
        case "dockerfile", "containerfile": self = .code("dockerfile")
        case "readme", "license", "copying", "authors", "changelog", "notice": self = .text
        default: return nil
        }
    }

    /// Extension → language for source code.
    static let codeLanguages: [String: String] = [
        "swift": "swift", "py": "python", "pyi": "python", "js": "javascript", "mjs": "javascript",
        "cjs": "javascript", "jsx": "javascript", "ts": "typescript", "tsx": "typescript", "go": "go",
        "rs": "rust", "java": "java", "c": "c", "h": "c", "cc": "cpp", "cpp": "cpp", "cxx": "cpp",
        "hpp": "cpp", "hh": "cpp", "hxx": "cpp", "m": "objective-c", "mm": "objective-cpp", "rb": "ruby",
        "php": "php", "sh": "shell", "bash": "shell", "zsh": "shell", "fish": "shell", "kt": "kotlin",
        "kts": "kotlin", "cs": "csharp", "scala": "scala", "sc": "scala", "sql": "sql", "r": "r",
        "lua": "lua", "pl": "perl", "pm": "perl", "dart": "dart", "ex": "elixir", "exs": "elixir",
        "erl": "erlang", "hs": "haskell", "ml": "ocaml", "mli": "ocaml", "clj": "clojure", "jl": "julia",
        "zig": "zig", "nim": "nim", "vue": "vue", "svelte": "svelte", "css": "css", "scss": "scss",
        "less": "less", "yaml": "yaml", "yml": "yaml", "toml": "toml", "ini": "ini", "cfg": "ini",
        "xml": "xml", "proto": "protobuf", "graphql": "graphql", "gql": "graphql", "tf": "terraform",
        "cmake": "cmake", "gradle": "groovy", "groovy": "groovy", "ps1": "powershell", "bat": "batch",
        "f90": "fortran", "vb": "vbnet", "fs": "fsharp", "mk": "make",
    ]

    /// Guesses the format from the first bytes of a file whose name did not tell.
    ///
    /// `%PDF-` → pdf; a zip with `word/document.xml` → docx (only the magic is checked here, the archive
    /// itself is checked on extraction); `<!doctype html`/`<html` → html; a JSON value → json, or jsonl
    /// when several lines each hold one; a `---` front matter or ATX heading → markdown; else text.
    public static func sniff(_ bytes: some Collection<UInt8>) -> DocumentFormat {
        let head = Array(bytes.prefix(4096))
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .docx }
        var text = String(decoding: head, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let trimmed = text.drop(while: { $0.isWhitespace })
        let lower = trimmed.prefix(256).lowercased()
        if lower.hasPrefix("<!doctype html") || lower.hasPrefix("<html") || lower.contains("<body") {
            return .html
        }
        if let first = trimmed.first, first == "{" || first == "[" {
            let lines = trimmed.split(separator: "\n", omittingEmptySubsequences: true)
            if lines.count > 1, lines.prefix(3).allSatisfy({ $0.first == "{" && $0.hasSuffix("}") }) {
                return .jsonl
            }
            return .json
        }
        if text.hasPrefix("---\n") || text.hasPrefix("---\r\n") { return .markdown }
        for line in text.split(separator: "\n").prefix(40) where line.hasPrefix("# ") || line.hasPrefix("## ") {
            return .markdown
        }
        return .text
    }
}
