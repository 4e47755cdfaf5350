import Foundation

/// A text document laid out on A4 pages and written as PDF 1.4 by hand: headings, paragraphs wrapped by the
/// fonts' real widths, labelled fields, and a footer on every page (a verification code, page numbers).
/// Agreements, certificates and other documents of the programme are made with it.
public struct PDFDocument: Sendable {
    /// A piece of text in one face.
    public struct Run: Sendable {
        public var text: String
        public var font: PDFFont

        public init(_ text: String, font: PDFFont = .regular) {
            self.text = text
            self.font = font
        }
    }

    struct Block: Sendable {
        var runs: [Run]
        var size: Double
        var spaceBefore: Double
    }

    public static let pageWidth = 595.28
    public static let pageHeight = 841.89
    static let margin = 56.7
    static let top = 60.0
    static let footerSize = 7.0

    public var title: String
    var blocks: [Block] = []
    /// Lines printed small at the foot of every page, above the page number.
    public var footer: [String] = []
    /// The page label, e.g. "Strona 1 z 2", from the page number and count.
    public var pageLabel: @Sendable (Int, Int) -> String = { "\($0) / \($1)" }

    public init(title: String) {
        self.title = title
    }

    public mutating func heading(_ text: String, size: Double = 16) {
        blocks.append(Block(runs: [Run(text, font: .bold)], size: size, spaceBefore: blocks.isEmpty ? 0 : size * 0.9))
    }

    public mutating func paragraph(_ text: String, size: Double = 10.5) {
        paragraph([Run(text)], size: size)
    }

    public mutating func paragraph(_ runs: [Run], size: Double = 10.5) {
        blocks.append(Block(runs: runs, size: size, spaceBefore: size * 0.6))
    }

    /// A label in bold followed by its value, wrapped as one paragraph.
    public mutating func field(_ label: String, _ value: String, size: Double = 10.5) {
        paragraph([Run(label + ": ", font: .bold), Run(value)], size: size)
    }

    public mutating func space(_ points: Double) {
        blocks.append(Block(runs: [], size: 0, spaceBefore: points))
    }

    // MARK: Layout

    struct Segment {
        var font: PDFFont
        var size: Double
        var x: Double
        var codes: [UInt8]
    }

    struct Line {
        var segments: [Segment]
        var height: Double
        var spaceBefore: Double
    }

    static var textWidth: Double { pageWidth - 2 * margin }

    /// Words of the runs, each with its face; a newline in a text forces a line break (an empty word marks it).
    static func words(_ runs: [Run]) -> [(codes: [UInt8], font: PDFFont, breakBefore: Bool)] {
        var words: [(codes: [UInt8], font: PDFFont, breakBefore: Bool)] = []
        for run in runs {
            let lines = run.text.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() {
                var first = index > 0
                for word in line.split(separator: " ", omittingEmptySubsequences: true) {
                    words.append((PDFFont.encode(String(word)), run.font, first))
                    first = false
                }
                if first { words.append(([], run.font, true)) }
            }
        }
        return words
    }

    /// Lines of a block no wider than `width`; a word longer than a line is cut where it must be.
    static func wrap(_ block: Block, width: Double) -> [[Segment]] {
        var lines: [[Segment]] = []
        var current: [Segment] = []
        var x = 0.0
        func finish() {
            lines.append(current)
            current = []
            x = 0
        }
        for word in words(block.runs) {
            if word.breakBefore && (!current.isEmpty || !lines.isEmpty) { finish() }
            var codes = word.codes
            guard !codes.isEmpty else { continue }
            let space = current.isEmpty ? 0 : word.font.width(of: [32], size: block.size)
            if x + space + word.font.width(of: codes, size: block.size) > width, !current.isEmpty { finish() }
            while word.font.width(of: codes, size: block.size) > width {
                var fitting = 0
                var used = 0.0
                while fitting < codes.count, used + word.font.width(of: [codes[fitting]], size: block.size) <= width {
                    used += word.font.width(of: [codes[fitting]], size: block.size)
                    fitting += 1
                }
                fitting = max(fitting, 1)
                current.append(Segment(font: word.font, size: block.size, x: 0, codes: Array(codes[..<fitting])))
                finish()
                codes = Array(codes[fitting...])
            }
            let gap = current.isEmpty ? 0 : word.font.width(of: [32], size: block.size)
            if let last = current.last, last.font == word.font {
                current[current.count - 1].codes += [32] + codes
            } else {
                current.append(Segment(font: word.font, size: block.size, x: x + gap, codes: codes))
            }
            x += gap + word.font.width(of: codes, size: block.size)
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// The footer's lines, wrapped at the footer size.
    func footerLines() -> [[Segment]] {
        footer.flatMap { Self.wrap(Block(runs: [Run($0)], size: Self.footerSize, spaceBefore: 0), width: Self.textWidth) }
    }

    /// The lines of every page.
    func pages() -> [[Line]] {
        let footerHeight = Double(footerLines().count + 1) * Self.footerSize * 1.4 + 30
        let usable = Self.pageHeight - Self.top - footerHeight
        var pages: [[Line]] = [[]]
        var used = 0.0
        for block in blocks {
            var spaceBefore = block.spaceBefore
            let wrapped = Self.wrap(block, width: Self.textWidth)
            if wrapped.isEmpty {
                used += spaceBefore
                continue
            }
            for segments in wrapped {
                let height = block.size * 1.35
                if used + spaceBefore + height > usable, !pages[pages.count - 1].isEmpty {
                    pages.append([])
                    used = 0
                    spaceBefore = 0
                }
                pages[pages.count - 1].append(Line(segments: segments, height: height, spaceBefore: spaceBefore))
                used += spaceBefore + height
                spaceBefore = 0
            }
        }
        return pages
    }

    // MARK: Writing

    /// The document as PDF bytes.
    public func bytes(created: Date = Date()) -> [UInt8] {
        let pages = pages()
        let footer = footerLines()
        var objects: [[UInt8]] = []
        // 1 catalog, 2 page tree, 3 encoding, 4–5 fonts, 6 information; then a page and its contents per page.
        let pageIDs = pages.indices.map { 7 + 2 * $0 }
        objects.append(Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        objects.append(Array("<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>".utf8))
        objects.append(Array(PDFFont.encodingDictionary.utf8))
        for font in PDFFont.allCases {
            let widths = (32...255).map { String(font.width(of: UInt8($0))) }.joined(separator: " ")
            objects.append(Array(
                "<< /Type /Font /Subtype /Type1 /BaseFont /\(font.baseFont) /Encoding 3 0 R /FirstChar 32 /LastChar 255 /Widths [\(widths)] >>".utf8))
        }
        objects.append(Array("<< /Title \(Self.textString(title)) /Producer (Korpus) /CreationDate (\(Self.date(created))) >>".utf8))
        for (index, lines) in pages.enumerated() {
            var content: [UInt8] = []
            var y = Self.pageHeight - Self.top
            for line in lines {
                y -= line.spaceBefore + line.height
                for segment in line.segments {
                    content += Self.show(segment, x: Self.margin + segment.x, y: y + line.height * 0.25)
                }
            }
            var footY = 30.0 + Double(footer.count) * Self.footerSize * 1.4
            for segments in footer {
                for segment in segments { content += Self.show(segment, x: Self.margin + segment.x, y: footY) }
                footY -= Self.footerSize * 1.4
            }
            let label = PDFFont.encode(pageLabel(index + 1, pages.count))
            let labelWidth = PDFFont.regular.width(of: label, size: Self.footerSize)
            content += Self.show(Segment(font: .regular, size: Self.footerSize, x: 0, codes: label),
                                 x: Self.pageWidth - Self.margin - labelWidth, y: 30)
            objects.append(Array("""
                << /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Self.pageWidth) \(Self.pageHeight)] \
                /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents \(pageIDs[index] + 1) 0 R >>
                """.utf8))
            objects.append(Array("<< /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8))
        }
        var output = Array("%PDF-1.4\n%\u{e2}\u{e3}\u{cf}\u{d3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.count)
            output += Array("\(index + 1) 0 obj\n".utf8) + object + Array("\nendobj\n".utf8)
        }
        let xref = output.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info 6 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return output + Array(table.utf8)
    }

    static func show(_ segment: Segment, x: Double, y: Double) -> [UInt8] {
        Array("BT /\(segment.font.resourceName) \(number(segment.size)) Tf \(number(x)) \(number(y)) Td (".utf8)
            + escaped(segment.codes) + Array(") Tj ET\n".utf8)
    }

    /// A literal string's bytes, with the delimiters escaped and codes above 126 in octal so the file stays ASCII.
    static func escaped(_ codes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for code in codes {
            switch code {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                out += [UInt8(ascii: "\\"), code]
            case 32...126:
                out.append(code)
            default:
                let octal = String(code, radix: 8)
                out += Array(("\\" + String(repeating: "0", count: 3 - octal.count) + octal).utf8)
            }
        }
        return out
    }

    static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// A text string in UTF-16BE with its byte-order mark, for the document information.
    static func textString(_ text: String) -> String {
        "<FEFF" + text.utf16.map { unit in
            let hex = String(unit, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - hex.count) + hex
        }.joined() + ">"
    }

    static func date(_ date: Date) -> String {
        let digits = DateFormat.utcDigits(date)
        return "D:\(digits.day)\(digits.time)Z"
    }
}
