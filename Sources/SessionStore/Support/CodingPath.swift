extension [any CodingKey] {
    /// Where a value sits in a JSON document, for error messages: `toolCalls[0].id`.
    package var jsonPath: String {
        reduce(into: "") { path, key in
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
    }
}
