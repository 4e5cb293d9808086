import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import NIOCore
import Retrieval
import VectorStore

/// JSON shapes shared by the HTTP API and `ragctl … --json`: one definition of each object.
public enum JSONWire {
    /// Sorted keys, unescaped slashes (`JSONText`, not Foundation's writer: see there why).
    public static func data(_ object: Any) -> Data { Data(JSONText.bytes(object)) }

    public static func string(_ object: Any) -> String { JSONText.string(object) }

    /// A 200 (or other status) JSON response.
    static func response(_ object: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONText.bytes(object))))
    }

    /// Scores rounded to float precision so `0.1f` prints as 0.1, not 0.10000000149.
    public static func score(_ value: Float) -> Double { Double(String(value)) ?? Double(value) }

    public static func metadata(_ metadata: Metadata) -> [String: Any] { metadata.mapValues { $0.jsonObject } }

    public static func rfc3339(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    /// `{"chunk_id", "document_id", "score", "text", "source", "title", "heading_path", "metadata"}`.
    public static func searchHit(_ hit: SearchHit) -> [String: Any] {
        ["chunk_id": hit.chunkID, "document_id": hit.documentID, "score": score(hit.score), "text": hit.text,
         "source": hit.source, "title": hit.title, "heading_path": hit.headingPath, "metadata": metadata(hit.metadata)]
    }

    /// The answer object of `POST /api/v1/query` and `ragctl query --json`; sources carry their citation number `n`.
    public static func answer(_ answer: QueryAnswer) -> [String: Any] {
        [
            "answer": answer.answer, "latency_ms": answer.latencyMs, "cached": answer.cached, "model": answer.model,
            "degraded": answer.degraded, "query_id": answer.queryID, "path": answer.path, "stale": answer.stale,
            "cache_layer": answer.cacheLayer ?? NSNull(), "cost": answer.cost, "flagged": answer.flagged,
            "usage": answer.usage.map { ["prompt_tokens": $0.prompt, "completion_tokens": $0.completion, "estimated": $0.estimated] as [String: Any] } ?? NSNull(),
            // A cached answer's sources (most of the bytes) are serialised once per cache entry.
            "sources": answer.rendering.map { memo in RawJSON(bytes: memo.bytes("sources") { JSONText.bytes(sources(answer.sources)) }) }
                ?? sources(answer.sources) as Any,
        ]
    }

    /// `answer(_:)` as JSON text, byte for byte what `JSONText.bytes(answer(answer))` writes, without building
    /// the dictionary. Everything but `latency_ms` and `query_id` is the same for every hit of one cache entry,
    /// so a cached answer's text around those two fields is written once per entry and layer (`rendering`);
    /// a hit then costs two copies, an integer and a UUID.
    public static func answerBody(_ answer: QueryAnswer) -> ByteBuffer {
        let parts: [[UInt8]]   // head, middle, tail
        if let memo = answer.rendering, answer.cached, answer.usage == nil, !answer.stale, answer.cost == 0 {
            let key = (answer.cacheLayer ?? "") + "|" + answer.path + "|" + answer.model + (answer.flagged ? "|1" : "|0")
                + (answer.degraded ? "|1" : "|0")
            parts = memo.parts(key) { AnswerParts.all(answer) }
        } else {
            parts = AnswerParts.all(answer)
        }
        var idText: [UInt8] = []
        idText.reserveCapacity(answer.queryID.utf8.count + 2)
        JSONText.writeString(answer.queryID, into: &idText)
        let latency = String(answer.latencyMs)
        var buffer = ByteBufferAllocator().buffer(capacity: parts[0].count + parts[1].count + parts[2].count + idText.count + 20)
        buffer.writeBytes(parts[0])
        buffer.writeString(latency)
        buffer.writeBytes(parts[1])
        buffer.writeBytes(idText)
        buffer.writeBytes(parts[2])
        return buffer
    }

    /// The three invariant stretches of an answer's JSON text (sorted keys):
    /// head `{"answer":…,"flagged":…,"latency_ms":`, middle `,"model":…,"query_id":`, tail `,"sources":…}`.
    private enum AnswerParts {
        static func all(_ answer: QueryAnswer) -> [[UInt8]] { [head(answer), middle(answer), tail(answer)] }

        static func head(_ answer: QueryAnswer) -> [UInt8] {
            var out = JSONText.bytes([
                "answer": answer.answer, "cache_layer": answer.cacheLayer ?? NSNull(), "cached": answer.cached, "cost": answer.cost,
                "degraded": answer.degraded, "flagged": answer.flagged,
            ] as [String: Any])
            out.removeLast()   // the closing brace
            out.append(contentsOf: Array(#","latency_ms":"#.utf8))
            return out
        }

        static func middle(_ answer: QueryAnswer) -> [UInt8] {
            var out = Array(#","model":"#.utf8)
            JSONText.writeString(answer.model, into: &out)
            out.append(contentsOf: Array(#","path":"#.utf8))
            JSONText.writeString(answer.path, into: &out)
            out.append(contentsOf: Array(#","query_id":"#.utf8))
            return out
        }

        static func tail(_ answer: QueryAnswer) -> [UInt8] {
            var out = Array(#","sources":"#.utf8)
            if let memo = answer.rendering {
                out.append(contentsOf: memo.bytes("sources") { JSONText.bytes(sources(answer.sources)) })
            } else {
                JSONText.write(sources(answer.sources), into: &out)
            }
            out.append(contentsOf: Array(#","stale":"#.utf8))
            JSONText.write(answer.stale, into: &out)
            out.append(contentsOf: Array(#","usage":"#.utf8))
            JSONText.write(answer.usage.map { ["prompt_tokens": $0.prompt, "completion_tokens": $0.completion, "estimated": $0.estimated] as [String: Any] }
                           ?? NSNull() as Any, into: &out)
            out.append(UInt8(ascii: "}"))
            return out
        }
    }

    public static func sources(_ hits: [SearchHit]) -> [[String: Any]] {
        hits.enumerated().map { index, hit in
            var object = searchHit(hit)
            object["n"] = index + 1
            return object
        }
    }

    /// `{"id", "document_id", "score", "metadata"}` of a raw vector hit.
    public static func vectorHit(_ hit: SearchResult) -> [String: Any] {
        ["id": hit.id, "document_id": hit.documentID as Any? ?? NSNull(), "score": score(hit.score), "metadata": metadata(hit.metadata)]
    }

    public static func namespace(_ info: NamespaceInfo) -> [String: Any] {
        ["name": info.name, "dimension": info.dimension, "count": info.count, "metric": info.metric,
         "model": info.model as Any? ?? NSNull(), "bytes": info.bytes, "generation": info.generation]
    }

    public static func document(_ d: DocumentRecord) -> [String: Any] {
        ["id": d.id, "source": d.source, "title": d.title, "chunk_count": d.chunkCount, "content_hash": d.contentHash,
         "access_level": d.accessLevel, "language": d.language, "format": d.format ?? NSNull(), "size_bytes": d.sizeBytes ?? NSNull(),
         "last_indexed_at": rfc3339(d.lastIndexedAt), "metadata": d.metadata]
    }

    public static func chunk(_ c: ChunkRecord) -> [String: Any] {
        ["id": c.id, "ordinal": c.ordinal, "text": c.text, "start": c.start, "end": c.end, "heading_path": c.headingPath,
         "token_count": c.tokenCount]
    }

    public static func job(_ job: Job) -> [String: Any] {
        ["id": job.id, "kind": job.kind, "namespace": job.namespace, "state": job.state.rawValue,
         "created_at": rfc3339(job.createdAt), "started_at": job.startedAt.map(rfc3339) ?? NSNull(),
         "finished_at": job.finishedAt.map(rfc3339) ?? NSNull(), "progress": job.progress,
         "errors": job.errors.map { ["path": $0.path, "error": $0.error] }, "message": job.message ?? NSNull()]
    }
}
