/// The release of the tool, as `--version` prints it and CHANGELOG.md lists it.
enum ToolVersion {
    static let current = "0.5.0"
}
