import Vapor

extension Request {
    private struct QueryValuesKey: StorageKey {
        typealias Value = [String: String]
    }

    /// The parameters of the query string by name, decoded ("+" and "%20" as spaces), read in one pass and
    /// kept with the request (the page's layout asks again) — asking `query` for each parameter reads the
    /// whole query string again every time. A name given twice keeps its first value; a parameter that is
    /// not valid percent-encoded UTF-8 is left out.
    func queryValues() -> [String: String] {
        if let values = storage[QueryValuesKey.self] { return values }
        let values = readQueryValues()
        storage[QueryValuesKey.self] = values
        return values
    }

    private func readQueryValues() -> [String: String] {
        guard let raw = url.query, !raw.isEmpty else { return [:] }
        var values: [String: String] = [:]
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String? {
                let spaced = text.contains("+") ? text.replacingOccurrences(of: "+", with: " ") : String(text)
                return spaced.contains("%") ? spaced.removingPercentEncoding : spaced
            }
            guard let name = decoded(parts[0]), let value = parts.count > 1 ? decoded(parts[1]) : "" else { continue }
            if values[name] == nil { values[name] = value }
        }
        return values
    }
}
