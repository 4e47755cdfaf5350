import KorpusCore

/// Markup written in Swift, for the lists on every page (navigation, languages) and on the busiest ones (the
/// search page's options and cards): Leaf assembles a list value by value and item by item, several times
/// slower, so these go into templates whole through `#unsafeHTML(…)`. Every text goes through
/// `HTMLText.escape`, which escapes exactly what Leaf's `#(…)` does.
struct Markup: Encodable, Sendable {
    let html: String

    init(_ html: String) { self.html = html }

    /// The `<option>`s of a select, the selected one marked.
    init(options: [LocalitiesController.Option]) {
        html = options.map { option in
            "<option value=\"\(HTMLText.escape(option.code))\"\(option.selected ? " selected" : "")>\(HTMLText.escape(option.name))</option>"
        }.joined()
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(html)
    }
}
