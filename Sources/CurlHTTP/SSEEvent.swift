/// One server-sent event, as dispatched by `SSEParser` at a blank line.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, or `"message"` when the event named none.
    public var event: String
    /// The `data:` lines joined with `"\n"` (no trailing newline). `[DONE]` sentinels are passed through.
    public var data: String
    /// The last `id:` seen in the stream so far (it persists across events, per the SSE spec).
    public var id: String?
    /// The `retry:` field of this event in milliseconds, if it had a valid one.
    public var retry: Int?

    public init(event: String = "message", data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}
