// TEMPORARY: replaced by Sources/Ingest/Safety when it lands. Not to be committed.
struct PIIRedactor: Sendable { func redact(_ t: String) -> (text: String, counts: [String: Int]) { (t, [:]) } }
struct InjectionFinding { var isInjection: Bool }
struct InjectionDetector: Sendable { func score(_ t: String) -> InjectionFinding { InjectionFinding(isInjection: t.lowercased().contains("ignore previous instructions")) } }
struct LanguageDetector: Sendable { func detect(_ t: String) -> String { "und" } }
