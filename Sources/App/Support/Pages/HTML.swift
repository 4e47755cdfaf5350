/// Markup written in Swift, for the lists on every page (navigation, languages) and on the busiest ones (the
/// search page's options and cards): Leaf assembles a list value by value and item by item, several times
/// slower, so these go into templates whole through `#unsafeHTML(…)`. Every text goes through `escaped`,
/// which escapes exactly what Leaf's `#(…)` does.
enum HTML {
    /// `text` safe inside an element or a quoted attribute: `& " ' < >` as character references.
    static func escaped(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x22 || $0 == 0x27 || $0 == 0x3C || $0 == 0x3E }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case 0x26: bytes.append(contentsOf: "&amp;".utf8)
            case 0x22: bytes.append(contentsOf: "&quot;".utf8)
            case 0x27: bytes.append(contentsOf: "&#39;".utf8)
            case 0x3C: bytes.append(contentsOf: "&lt;".utf8)
            case 0x3E: bytes.append(contentsOf: "&gt;".utf8)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A list written as markup, which a template shows with `#unsafeHTML(…)`: it is encoded as that text.
struct Markup: Encodable, Sendable {
    let html: String

    init(_ html: String) { self.html = html }

    /// The `<option>`s of a select, the selected one marked.
    init(options: [LocalitiesController.Option]) {
        html = options.map { option in
            "<option value=\"\(HTML.escaped(option.code))\"\(option.selected ? " selected" : "")>\(HTML.escaped(option.name))</option>"
        }.joined()
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(html)
    }
}
