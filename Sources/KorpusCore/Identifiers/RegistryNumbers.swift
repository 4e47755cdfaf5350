/// Polish registry numbers of organisations, checked by their published checksums.
public enum RegistryNumber {
    /// NIP (tax identification number): 10 digits, weights 6 5 7 2 3 4 5 6 7, sum mod 11 is the last
    /// digit (a remainder of 10 never occurs in a valid number). Dashes and spaces are allowed in input.
    public static func isValidNIP(_ input: String) -> Bool {
        guard let digits = digits(of: input, allowedLengths: [10]) else { return false }
        let weights = [6, 5, 7, 2, 3, 4, 5, 6, 7]
        let sum = zip(weights, digits).reduce(0) { $0 + $1.0 * $1.1 }
        let check = sum % 11
        return check != 10 && check == digits[9]
    }

    /// REGON (statistical number): 9 digits (weights 8 9 2 3 4 5 6 7) or 14 digits (weights
    /// 2 4 8 5 0 9 7 3 6 1 2 4 8); sum mod 11, with 10 counting as 0, is the last digit.
    public static func isValidREGON(_ input: String) -> Bool {
        guard let digits = digits(of: input, allowedLengths: [9, 14]) else { return false }
        let weights = digits.count == 9 ? [8, 9, 2, 3, 4, 5, 6, 7] : [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8]
        let sum = zip(weights, digits).reduce(0) { $0 + $1.0 * $1.1 }
        let check = sum % 11 == 10 ? 0 : sum % 11
        if digits.count == 14 && !isValidREGON(String(digits.prefix(9).map(String.init).joined())) { return false }
        return check == digits[digits.count - 1]
    }

    /// KRS (National Court Register number): 10 digits, usually written with leading zeros. It has no
    /// checksum, so only its form is checked.
    public static func isValidKRS(_ input: String) -> Bool {
        guard let digits = digits(of: input, allowedLengths: [10]) else { return false }
        return digits.contains { $0 != 0 }
    }

    /// The digits only ("123-456-32-18" → "1234563218"), for storing.
    public static func normalised(_ input: String) -> String {
        String(input.filter(\.isASCIIDigitCharacter))
    }

    private static func digits(of input: String, allowedLengths: Set<Int>) -> [Int]? {
        let trimmed = input.trimmingSpaces()
        guard trimmed.allSatisfy({ $0.isASCIIDigitCharacter || $0 == "-" || $0 == " " }) else { return nil }
        let digits = trimmed.compactMap { $0.isASCIIDigitCharacter ? Int(String($0)) : nil }
        return allowedLengths.contains(digits.count) ? digits : nil
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}

extension String {
    /// The text without leading and trailing white space.
    public func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
