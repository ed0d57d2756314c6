import Foundation
import Hummingbird

/// Request and response bodies as JSON, the one way routes read and write them.
enum JSONBody {
    /// Writes what ``MessageJSON`` writes for messages, so that every response spells JSON the same way.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as JSON text, keys sorted.
    static func data(_ value: some Encodable) throws -> Data {
        try encoder.encode(value)
    }

    /// `value` as a JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        response(json: ByteBuffer(data: try data(value)), status: status, headers: headers)
    }

    /// JSON text already written, such as ``MessageJSON``'s, as a response.
    static func response(json: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: json))
    }

    /// The request's body decoded as `type`, read up to `limit` bytes (413 past it); `empty` for a request
    /// without a body, when given. Fields `type` does not know are ignored.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int, empty: T? = nil) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        if buffer.readableBytes == 0, let empty { return empty }
        return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
    }
}
