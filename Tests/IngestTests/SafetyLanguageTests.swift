import Testing
@testable import Ingest

@Suite("Language detection")
struct SafetyLanguageTests {
    static let samples: [(String, String)] = [
        ("en", "The quarterly report shows that revenue grew faster than expected in the northern region."),
        ("en", "Please make sure you have saved your work before the system restarts tonight."),
        ("en", "How do I configure the retrieval engine to use a different embedding model?"),
        ("en", "She walked to the station because the buses were not running after midnight."),
        ("de", "Der Bericht zeigt, dass der Umsatz im Norden schneller gewachsen ist als erwartet."),
        ("de", "Bitte speichern Sie Ihre Arbeit, bevor das System heute Nacht neu gestartet wird."),
        ("de", "Wie kann ich die Suchmaschine so einrichten, dass sie ein anderes Modell verwendet?"),
        ("de", "Wir haben gestern lange über die neue Straßenbahn in unserer Stadt gesprochen."),
        ("fr", "Le rapport montre que le chiffre d'affaires a augmenté plus vite que prévu dans le nord."),
        ("fr", "Veuillez enregistrer votre travail avant que le système ne redémarre ce soir."),
        ("fr", "Comment est-ce que je peux configurer le moteur de recherche avec un autre modèle ?"),
        ("fr", "Elle est allée à la gare parce que les bus ne circulaient plus après minuit."),
        ("es", "El informe muestra que los ingresos crecieron más rápido de lo esperado en el norte."),
        ("es", "Por favor, guarde su trabajo antes de que el sistema se reinicie esta noche."),
        ("es", "¿Cómo puedo configurar el motor de búsqueda para usar otro modelo de lenguaje?"),
        ("es", "Ella caminó hasta la estación porque los autobuses ya no funcionaban después de medianoche."),
        ("it", "Il rapporto mostra che il fatturato è cresciuto più velocemente del previsto nel nord."),
        ("it", "Per favore salvate il vostro lavoro prima che il sistema si riavvii stanotte."),
        ("it", "Come posso configurare il motore di ricerca per usare un modello diverso?"),
        ("it", "Lei è andata alla stazione perché gli autobus non passavano più dopo mezzanotte."),
        ("pt", "O relatório mostra que a receita cresceu mais rápido do que o esperado na região norte."),
        ("pt", "Por favor, salve o seu trabalho antes que o sistema reinicie hoje à noite."),
        ("pt", "Como posso configurar o mecanismo de busca para usar um modelo diferente?"),
        ("pt", "Ela foi até a estação porque os ônibus não circulavam depois da meia-noite."),
        ("nl", "Het rapport laat zien dat de omzet in het noorden sneller is gegroeid dan verwacht."),
        ("nl", "Sla je werk op voordat het systeem vannacht opnieuw wordt opgestart."),
        ("nl", "Hoe kan ik de zoekmachine zo instellen dat hij een ander model gebruikt?"),
        ("nl", "Zij liep naar het station omdat de bussen na middernacht niet meer reden."),
    ]

    @Test func sentencesInEachLanguage() {
        let detector = LanguageDetector()
        var correct = 0
        var wrong: [String] = []
        for (lang, sentence) in Self.samples {
            let got = detector.detect(sentence)
            if got == lang { correct += 1 } else { wrong.append("\(lang)→\(got): \(sentence)") }
        }
        // Every language must be recognised on most of its sentences, and overall accuracy ≥ 90 %.
        #expect(Double(correct) / Double(Self.samples.count) >= 0.9, "\(wrong)")
        for lang in LanguageDetector.supported {
            let own = Self.samples.filter { $0.0 == lang }
            let ok = own.filter { detector.detect($0.1) == lang }.count
            #expect(ok >= own.count - 1, "\(lang): \(wrong)")
        }
        // Never confidently wrong: a miss should be "und", not another language.
        #expect(wrong.allSatisfy { $0.contains("→und") }, "\(wrong)")
    }

    @Test func longerPassages() {
        let detector = LanguageDetector()
        let de = "Die Datenschutz-Grundverordnung regelt die Verarbeitung personenbezogener Daten. Unternehmen müssen nachweisen, dass sie die Grundsätze der Verordnung einhalten, und Betroffene haben das Recht auf Auskunft."
        let en = "Retrieval-augmented generation combines a search index with a language model. The retriever finds relevant passages, and the generator writes an answer that cites them."
        #expect(detector.detect(de) == "de")
        #expect(detector.detect(en) == "en")
    }

    @Test func shortOrAmbiguousIsUndetermined() {
        let detector = LanguageDetector()
        for text in ["", "ok", "Hello!", "Danke schön", "merci", "12345 67890 !!!", "Taxi Hotel Restaurant Pizza Radio", "https://example.com/a/b/c?x=1", "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"] {
            #expect(detector.detect(text) == "und", "\(text)")
        }
    }
}
