import Foundation
import Testing
@testable import Ingest

@Suite("PII redaction")
struct SafetyPIITests {
    let redactor = PIIRedactor()

    func kinds(_ text: String) -> [PIIKind] { redactor.find(in: text).map(\.kind) }
    func matched(_ text: String) -> [String] { redactor.find(in: text).map { String(text[$0.range]) } }

    @Test func emails() {
        #expect(matched("Write to jane.doe+rag@example.co.uk, please.") == ["jane.doe+rag@example.co.uk"])
        #expect(matched("ops@corp.io and First.Last@sub.domain.org") == ["ops@corp.io", "First.Last@sub.domain.org"])
        #expect(kinds("not an address: user@localhost, @handle, a@b.c, name@domain.") == [])
    }

    @Test func ssn() {
        #expect(matched("SSN 123-45-6789 on file") == ["123-45-6789"])
        #expect(kinds("SSN: 078-05-1120.") == [.ssn])
        for invalid in ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000"] {
            #expect(kinds("id \(invalid) here") == [], "\(invalid)")
        }
        #expect(kinds("part 123-45-67890 and 1123-45-6789 and 123-45-6789-1") == [])
    }

    @Test func cards() {
        #expect(matched("Visa 4111 1111 1111 1111 exp") == ["4111 1111 1111 1111"])
        #expect(matched("MC 5555-5555-5555-4444.") == ["5555-5555-5555-4444"])
        #expect(matched("amex 378282246310005, amex spaced 3782 822463 10005") == ["378282246310005", "3782 822463 10005"])
        #expect(matched("Order 12 4111 1111 1111 1111 shipped") == ["4111 1111 1111 1111"])
        // Luhn-invalid, too long, embedded in a longer run, or not a card prefix.
        #expect(kinds("bad 4111 1111 1111 1112") == [])
        #expect(kinds("run 41111111111111111111111 and 9411111111111111 and x4111111111111111") == [])
        #expect(kinds("tracking 1234567890123452") == [])
    }

    @Test func phones() {
        let positives = [
            "(555) 123-4567", "555-123-4567", "555.123.4567", "1-800-555-1234", "+1 (555) 123-4567",
            "+44 20 7946 0958", "+49 30 123456", "+33 1 23 45 67 89", "+4930123456", "030 1234567",
            "020 7946 0958", "06 12 34 56 78", "030/123456",
        ]
        for p in positives {
            #expect(matched("call \(p) today") == [p], "\(p)")
        }
    }

    @Test func notPhones() {
        let negatives = [
            "2024-01-15", "15.01.2024", "01/02/2024", "12/31/1999", "version 1.2.3", "v10.4.12", "in 2023", "192.168.1.1",
            "12:30", "ISBN 978-3-16-148410-0", "ISBN 0-306-40615-2", "1,234,567.89", "id 123456789012", "3.14159265",
            "page 12 of 300", "2024-01-15 10:30:00", "room 1234 5678",
        ]
        for n in negatives {
            #expect(kinds("see \(n) here") == [], "\(n)")
        }
    }

    @Test func ibans() {
        #expect(matched("pay to DE89 3704 0044 0532 0130 00 by Friday") == ["DE89 3704 0044 0532 0130 00"])
        #expect(matched("GB82WEST12345698765432, NL91ABNA0417164300") == ["GB82WEST12345698765432", "NL91ABNA0417164300"])
        #expect(matched("FR1420041010050500013M02606.") == ["FR1420041010050500013M02606"])
        // Checksum failures are not IBANs — nor do their digits become cards or phones.
        #expect(kinds("bad DE89 3704 0044 0532 0130 01 and GB82WEST12345698765433") == [])
        #expect(kinds("XX89370400440532013000 DE8937040044053201300") == [])
    }

    @Test func overlapsPreferIBANAndCardOverPhone() {
        let text = "IBAN DE89370400440532013000 card 4111-1111-1111-1111 phone +44 20 7946 0958 mail a.b@c.com"
        #expect(kinds(text) == [.iban, .card, .phone, .email])
    }

    @Test func redactionWritesTypedPlaceholders() {
        let text = "Jane (jane@example.com, +49 30 123456) paid with 4111 1111 1111 1111 from DE89 3704 0044 0532 0130 00; SSN 123-45-6789. Über naïve café — 2024-05-01."
        let result = redactor.redact(text)
        #expect(result.text == "Jane ([EMAIL], [PHONE]) paid with [CARD] from [IBAN]; SSN [SSN]. Über naïve café — 2024-05-01.")
        #expect(result.counts == [.email: 1, .phone: 1, .card: 1, .iban: 1, .ssn: 1])
        #expect(redactor.redact("nothing to see").text == "nothing to see")
        #expect(redactor.redact("nothing to see").counts.isEmpty)
    }

    @Test func kindSubsetAndOffsets() throws {
        let onlyEmail = PIIRedactor(kinds: [.email])
        let text = "ünï a@b.de 555-123-4567"
        let out = onlyEmail.redact(text)
        #expect(out.text == "ünï [EMAIL] 555-123-4567")
        let match = try #require(onlyEmail.find(in: text).first)
        #expect(String(text[match.range]) == "a@b.de")
        #expect(match.utf8Range == 6..<12)
        #expect(PIIRedactor(kinds: []).find(in: text).isEmpty)
    }

    @Test func ibanChecksum() {
        #expect(ibanChecksumValid(Array("GB82WEST12345698765432".utf8)))
        #expect(!ibanChecksumValid(Array("GB82WEST12345698765431".utf8)))
    }

    @Test func throughputSmoke() {
        // Debug build: just a guard against quadratic behaviour on long inputs.
        let paragraph = String(repeating: "The retrieval engine indexed 42 documents in 2024, version 1.2.3. ", count: 4_000)
        let pathological = String(repeating: "1 ", count: 20_000) + String(repeating: "a@", count: 10_000)
        let start = Date()
        #expect(redactor.find(in: paragraph).isEmpty)
        _ = redactor.find(in: pathological)
        #expect(Date().timeIntervalSince(start) < 5)
    }
}
