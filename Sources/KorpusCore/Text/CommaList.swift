import Foundation

/// Lists typed as text with commas ("cierpliwość, prawo jazdy"): skills, languages.
public enum CommaList {
    /// The items, trimmed, without empty ones.
    public static func items(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
