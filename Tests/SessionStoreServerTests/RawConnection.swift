import NIOCore
import NIOPosix

/// A TCP connection to a test's server that sees every byte it sends, for what an HTTP client would hide
/// (interim responses, broken framing).
struct RawConnection {
    typealias Channel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// Connects to the server on loopback `port`, runs `body` with the connection, then closes it.
    static func with<T: Sendable>(port: Int, _ body: (inout RawConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try Channel(wrappingChannelSynchronously: channel) }
        }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = RawConnection(channel: channel.channel, inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&connection)
        }
    }

    private let channel: any NIOCore.Channel
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// Sends `text` as it is.
    func write(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// What the server sends next, read until `done` holds of it; what came when the connection closed, which a
    /// watchdog does after a minute (a server that never answers would otherwise hold the test forever; a loaded run
    /// under the thread sanitizer took over five seconds for an append's answer).
    mutating func read(until done: (String) -> Bool) async throws -> String {
        let watchdog = Task { [channel] in
            try await Task.sleep(for: .seconds(60))
            try await channel.close()
        }
        defer { watchdog.cancel() }
        var text = ""
        while !done(text), let buffer = try await inbound.next() {
            text += String(buffer: buffer)
        }
        return text
    }
}
