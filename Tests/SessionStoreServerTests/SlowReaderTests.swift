import NIOCore
import NIOEmbedded
import Testing

@testable import SessionStoreServer

/// A client that leaves the server's output unread is cut off; one that catches up in time is not.
@Suite struct SlowReaderTests {
    @Test func aConnectionUnwritableForTheTimeoutIsClosedAndOneThatRecoversIsNot() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: SlowReaderHandler(timeout: .seconds(30)), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()

        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        loop.advanceTime(by: .seconds(29))
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        loop.advanceTime(by: .seconds(60))
        #expect(channel.isActive, "it caught up before the timeout")

        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        loop.advanceTime(by: .seconds(31))
        #expect(!channel.isActive, "unread for longer than the timeout")
    }
}
