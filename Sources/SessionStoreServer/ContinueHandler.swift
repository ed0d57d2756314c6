import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Tells a client that asked (`Expect: 100-continue`) to send its body, with `100 Continue` once its request is
/// next to be answered: curl holds such a body back for a second before sending it anyway, and some clients wait
/// for good. Neither NIO nor Hummingbird answers the expectation.
final class ContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// For each request not answered in full yet, oldest first: whether it still waits for its `100 Continue`.
    /// A pipelined request's go-ahead must not land in the middle of the response before it.
    private var waitingForContinue: [Bool] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data) {
            waitingForContinue.append(request.headerFields[.expect]?.lowercased() == "100-continue")
            if waitingForContinue.count == 1 { sendContinueIfWaiting(context: context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd, !waitingForContinue.isEmpty {
            waitingForContinue.removeFirst()
            sendContinueIfWaiting(context: context)
        }
    }

    private func sendContinueIfWaiting(context: ChannelHandlerContext) {
        guard waitingForContinue.first == true else { return }
        waitingForContinue[0] = false
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
    }
}
