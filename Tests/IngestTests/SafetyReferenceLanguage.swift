// Frozen copy of the language detector before the fast path; used only by tests.
import Ingest
import Foundation

/// Small-footprint language identification for en, de, fr, es, it, pt, nl.
///
/// Scores each language by function-word hits (a word shared by k languages gives each 1/k) plus
/// distinctive character n-grams (`ß`, `ção`, `ij`, `zione`, `ñ`, …), then answers the best language only when
/// it clearly beats the runner-up. Returns `"und"` for text under `minimumLetters` letters, text with too
/// little evidence, and near ties. Accuracy is good on sentences; a handful of words is often `und`.
struct ReferenceLanguageDetector: Sendable {
    static let supported = ["en", "de", "fr", "es", "it", "pt", "nl"]
    static let undetermined = "und"

    let minimumLetters: Int

    init() {
        self.minimumLetters = 20
    }

    init(minimumLetters: Int) {
        self.minimumLetters = minimumLetters
    }

    func detect(_ text: String) -> String {
        let scores = scores(text)
        guard let scores else { return Self.undetermined }
        let ranked = scores.sorted { $0.value > $1.value }
        let best = ranked[0], second = ranked[1]
        guard best.value >= 2.0 else { return Self.undetermined }
        guard best.value >= second.value * 1.3, best.value - second.value >= 1.0 else { return Self.undetermined }
        return best.key
    }

    /// Per-language evidence, or nil when the text has fewer than `minimumLetters` letters.
    /// Only the first 4,000 scalars are examined.
    func scores(_ text: String) -> [String: Double]? {
        // Lowercased scalars with every non-letter (except the apostrophe) as a single space, padded.
        var padded: [Unicode.Scalar] = [" "]
        padded.reserveCapacity(min(text.unicodeScalars.count, 4_000) + 2)
        var letters = 0
        var examined = 0
        for u in text.unicodeScalars {
            examined += 1
            if examined > 4_000 { break }
            let v = u.value
            if v < 0x80 {
                if v >= 65 && v <= 90 { padded.append(Unicode.Scalar(UInt8(v + 32))); letters += 1; continue }
                if v >= 97 && v <= 122 { padded.append(u); letters += 1; continue }
                if v == 39 { padded.append(u); continue }
            } else if u.properties.isAlphabetic {
                letters += 1
                if u.properties.isUppercase {
                    padded.append(contentsOf: u.properties.lowercaseMapping.unicodeScalars)
                } else {
                    padded.append(u)
                }
                continue
            } else if v == 0x2019 {
                padded.append("'")
                continue
            } else if v == 0xBF || v == 0xA1 {
                padded.append(u)   // ¿ ¡ are Spanish evidence
                continue
            }
            if padded.last != " " { padded.append(" ") }
        }
        if padded.last != " " { padded.append(" ") }
        guard letters >= minimumLetters else { return nil }

        var scores: [String: Double] = [:]
        for lang in Self.supported { scores[lang] = 0 }
        // Words: letters between separators (apostrophes split elisions: l'homme → l, homme).
        var word = String.UnicodeScalarView()
        for u in padded {
            if u == " " || u == "'" || u == "\u{BF}" || u == "\u{A1}" {
                if !word.isEmpty {
                    if let langs = ReferenceLanguageProfiles.stopWords[String(word)] {
                        let share = 1.0 / Double(langs.count)
                        for l in langs { scores[l, default: 0] += share }
                    }
                    word = String.UnicodeScalarView()
                }
            } else {
                word.append(u)
            }
        }
        for (lang, features) in ReferenceLanguageProfiles.compiledFeatures {
            var s = 0.0
            for (gram, weight) in features {
                let n = ReferenceLanguageProfiles.occurrences(of: gram, in: padded)
                if n > 0 { s += weight * Double(n) }
            }
            scores[lang, default: 0] += s
        }
        return scores
    }
}

enum ReferenceLanguageProfiles {
    static let lists: [String: String] = [
        "en": "the and of to in is that it for was on are with as his they be at this have from or by not but what all were we when your can there an which their if do will each about how up out them then she many some so these would has been more its who you he my our than should could into after because does where why i",
        "de": "der die das und ist nicht ein eine zu den dem des mit sich auf für von im auch es an werden aus er hat dass sie nach wird bei einer um noch wie einem über einen so zum war haben nur oder aber vor zur bis mehr durch man sind wir ich wenn kann können sehr schon jetzt heute ob weil diese dieser gibt ihr mein unser wurde sein uns was wo warum",
        "fr": "le la les de des du et est un une en que qui dans pour pas sur au aux avec ce cette il elle ils nous vous je ne se sont par plus mais ou son sa ses leur été être avoir fait comme tout très aussi peut faire où quand cela ça c d l qu n j s votre notre mon",
        "es": "el la los las de del y en que es un una por con para no se su sus al lo como más pero sí ya este esta son está están muy también hay fue ser tiene puede cuando donde porque sobre entre todo nos me mi yo le les qué cómo hasta desde",
        "it": "il lo la i gli le di del della dei delle e è un una uno che in per con non si da dal alla al sono come più ma anche questo questa ha hanno nel nella essere stato molto tutto se quando dove perché sul sulla ci mi ti io noi loro cosa c l",
        "pt": "o a os as de do da dos das e é um uma que em no na nos nas para por com não se seu sua mais mas como foi ser está são muito também ao à pelo pela isso este esta ele ela eles eu você quando onde porque já há tem pode",
        "nl": "de het een en van is dat op te in voor met zijn niet aan er om ook als bij door maar dan naar nog wat uit wordt worden kan hij zij ze we wij ik je jij dit deze die heeft hebben was waren over hoe waar wel geen al zo moet mijn onze omdat",
    ]

    static let stopWords: [String: [String]] = {
        var map: [String: [String]] = [:]
        for lang in ReferenceLanguageDetector.supported {
            for w in Set(lists[lang]!.split(separator: " ").map(String.init)) { map[w, default: []].append(lang) }
        }
        return map
    }()

    /// Distinctive letter sequences (space = word boundary) and their weight per occurrence (capped at 4).
    static let features: [String: [(String, Double)]] = [
        "en": [("th", 0.15), ("ing ", 0.5), ("ght", 0.5), ("wh", 0.3), ("ly ", 0.3), (" y", -0.1), ("'s ", 0.3), ("tion ", 0.2)],
        "de": [("ß", 1.0), ("ä", 0.6), ("ö", 0.6), ("ü", 0.6), ("sch", 0.4), ("ich", 0.3), ("ung ", 0.6), ("cht", 0.4), ("tz", 0.3), ("ei", 0.15), ("ie", 0.1), ("keit", 0.6), ("heit", 0.6)],
        "fr": [("é", 0.4), ("è", 0.6), ("ê", 0.6), ("ç", 0.4), ("à", 0.3), ("eau", 0.6), ("œ", 1.0), ("qu'", 0.8), (" l'", 0.6), (" d'", 0.6), ("aux ", 0.4), ("ais ", 0.4), ("oi", 0.2), ("ou", 0.15), ("ent ", 0.15), ("ez ", 0.5)],
        "es": [("ñ", 1.0), ("¿", 1.0), ("¡", 1.0), ("ción", 0.6), ("ciones", 0.6), ("ado ", 0.3), ("ía", 0.3), ("os ", 0.2), ("ll", 0.15), ("ú", 0.2), ("ó", 0.2), ("á", 0.2), ("í", 0.2), ("mente ", 0.3)],
        "it": [("zione", 0.7), ("zioni", 0.7), ("gli", 0.6), ("ò", 0.6), ("ù", 0.6), ("ì", 0.6), ("cch", 0.6), ("zz", 0.5), ("tt", 0.15), ("ch", 0.1), ("ia ", 0.1), ("sono ", 0.3), ("mente ", 0.2), ("ggi", 0.5)],
        "pt": [("ã", 1.0), ("õ", 1.0), ("ção", 0.8), ("ções", 0.8), ("lh", 0.5), ("nh", 0.5), ("ê", 0.2), ("ô", 0.4), ("ú", 0.1), ("mente ", 0.2), ("em ", 0.2)],
        "nl": [("ij", 0.6), ("oe", 0.3), ("aa", 0.4), ("ee", 0.25), ("uu", 0.5), ("oo", 0.25), ("lijk", 0.8), ("sch", 0.2), ("cht", 0.2), ("en ", 0.1)],
    ]

    static let compiledFeatures: [(String, [([Unicode.Scalar], Double)])] = features.map { lang, grams in
        (lang, grams.map { (Array($0.0.unicodeScalars), $0.1) })
    }

    /// Occurrences of `gram` in `text`, capped at 4.
    static func occurrences(of gram: [Unicode.Scalar], in text: [Unicode.Scalar]) -> Int {
        guard let first = gram.first, gram.count <= text.count else { return 0 }
        var count = 0
        var i = 0
        let last = text.count - gram.count
        while i <= last {
            if text[i] == first {
                var k = 1
                while k < gram.count, text[i + k] == gram[k] { k += 1 }
                if k == gram.count {
                    count += 1
                    if count >= 4 { return count }
                    i += gram.count
                    continue
                }
            }
            i += 1
        }
        return count
    }
}
