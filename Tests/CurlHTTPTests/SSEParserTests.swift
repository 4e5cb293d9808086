import CurlHTTP
import Foundation
import Testing

@Suite struct SSEParserTests {
    @Test func parsesEventsSplitAtEveryByte() {
        let text = "event: message_start\ndata: {\"a\":1}\n\n: keep-alive comment\n\ndata: line1\ndata: line2\nid: 7\n\ndata: [DONE]\n\n"
        var parser = SSEParser()
        var events: [SSEEvent] = []
        for byte in Data(text.utf8) { events += parser.feed(Data([byte])) }
        events += parser.finish()
        #expect(events == [
            SSEEvent(event: "message_start", data: "{\"a\":1}"),
            SSEEvent(data: "line1\nline2", id: "7"),
            SSEEvent(data: "[DONE]", id: "7"),
        ])
    }

    @Test func handlesCRLFAndCRLineEndingsAcrossChunks() {
        var parser = SSEParser()
        var events = parser.feed("data: a\r")
        events += parser.feed("\n\r")
        events += parser.feed("\ndata: b\r\rdata:c\n\n")
        #expect(events.map(\.data) == ["a", "b", "c"])
    }

    @Test func fieldRulesFollowTheSpec() {
        var parser = SSEParser()
        let events = parser.feed("\u{FEFF}data:  two spaces\nretry: 1500\nevent: x\nunknown: y\n\nevent: only-type\n\ndata\n\n")
        #expect(events == [
            SSEEvent(event: "x", data: " two spaces", retry: 1500),
            SSEEvent(data: ""),  // a bare "data" field is an empty data line
        ])
    }

    @Test func finishDispatchesAnUnterminatedEvent() {
        var parser = SSEParser()
        #expect(parser.feed("data: partial").isEmpty)
        #expect(parser.finish() == [SSEEvent(data: "partial")])
        #expect(parser.finish().isEmpty)
    }
}
