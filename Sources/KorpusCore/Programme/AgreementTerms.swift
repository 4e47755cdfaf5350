import Foundation

/// Who accepts a volunteer agreement (porozumienie wolontariackie).
public enum AgreementParty: String, Sendable, CaseIterable, Codable {
    case volunteer, guardian, organisation
}

/// What the Act on Public Benefit and Volunteer Work asks of an agreement, as data: art. 44 (scope, manner,
/// time, termination; written form above 30 days), art. 45 (health and safety, costs and their written
/// waiver), art. 46 (the organisation insures service of up to 30 days), art. 47 (rights and duties), and who
/// concludes it (a minor with the guardian's acceptance, a child under 13 through the guardian alone).
public enum AgreementRules {
    /// Service longer than this many days needs the written form (art. 44 ust. 2).
    public static let writtenFormAboveDays = 30
    /// The organisation insures service of at most this many days (art. 46 ust. 1).
    public static let organisationInsuresUpToDays = 30

    /// The number of days from the first to the last, both counted; nil while there is no last day.
    public static func days(from startsOn: String, to endsOn: String?) -> Int? {
        guard let endsOn, let first = Age.parseDay(startsOn), let last = Age.parseDay(endsOn) else { return nil }
        return dayNumber(last) - dayNumber(first) + 1
    }

    /// Whether the agreement must be in writing: longer than 30 days, or with no last day.
    public static func writtenFormRequired(startsOn: String, endsOn: String?) -> Bool {
        guard let days = days(from: startsOn, to: endsOn) else { return true }
        return days > writtenFormAboveDays
    }

    /// Whether the organisation must insure the volunteer against accidents (NNW).
    public static func organisationInsures(startsOn: String, endsOn: String?) -> Bool {
        guard let days = days(from: startsOn, to: endsOn) else { return false }
        return days <= organisationInsuresUpToDays
    }

    /// The parties whose acceptance concludes the agreement, by the volunteer's age band.
    public static func parties(for band: AgeBand) -> [AgreementParty] {
        switch band {
        case .adult: [.volunteer, .organisation]
        case .minor: [.volunteer, .guardian, .organisation]
        case .child: [.guardian, .organisation]
        }
    }

    /// Days since 1 March of year 0, for differences between days without a calendar.
    static func dayNumber(_ day: DateComponents) -> Int {
        var year = day.year ?? 0
        var month = day.month ?? 1
        if month <= 2 {
            year -= 1
            month += 12
        }
        return 365 * year + year / 4 - year / 100 + year / 400 + (153 * (month - 3) + 2) / 5 + (day.day ?? 1)
    }
}

/// The terms of one version of an agreement, as the coordinator set them.
public struct AgreementTerms: Sendable, Equatable {
    public var number: String
    public var version: Int
    public var organisationName: String
    public var organisationAddress: String
    public var volunteerName: String
    public var volunteerBand: AgeBand
    public var scope: String
    public var manner: String
    public var place: String
    public var startsOn: String
    public var endsOn: String?
    public var termination: String
    public var risks: String
    public var reimbursesCosts: Bool
    public var rightsAndDuties: String

    public init(number: String, version: Int, organisationName: String, organisationAddress: String, volunteerName: String,
                volunteerBand: AgeBand, scope: String, manner: String, place: String, startsOn: String, endsOn: String?,
                termination: String, risks: String, reimbursesCosts: Bool, rightsAndDuties: String) {
        self.number = number
        self.version = version
        self.organisationName = organisationName
        self.organisationAddress = organisationAddress
        self.volunteerName = volunteerName
        self.volunteerBand = volunteerBand
        self.scope = scope
        self.manner = manner
        self.place = place
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.termination = termination
        self.risks = risks
        self.reimbursesCosts = reimbursesCosts
        self.rightsAndDuties = rightsAndDuties
    }

    public var writtenFormRequired: Bool { AgreementRules.writtenFormRequired(startsOn: startsOn, endsOn: endsOn) }
    public var organisationInsures: Bool { AgreementRules.organisationInsures(startsOn: startsOn, endsOn: endsOn) }
    public var parties: [AgreementParty] { AgreementRules.parties(for: volunteerBand) }
}

/// The wording of an agreement: a title, the parties, and numbered paragraphs (§), from the catalogue's
/// `agreement.doc.*` texts. The same wording is shown, hashed, accepted and printed.
public struct AgreementDocument: Sendable, Equatable {
    public struct Section: Sendable, Equatable, Encodable {
        public let heading: String
        public let body: String
    }

    public let title: String
    public let preamble: String
    public let sections: [Section]
    let acceptancesHeading: String

    public init(_ terms: AgreementTerms, catalogue: Catalogue) {
        let dates = DateFormat(catalogue: catalogue)
        func t(_ key: String, _ arguments: [String: String] = [:]) -> String { catalogue.text("agreement.doc.\(key)", arguments) }
        acceptancesHeading = t("acceptances")
        title = t("title", ["number": terms.number, "version": String(terms.version)])
        let volunteer = terms.volunteerBand == .child
            ? t("parties.child", ["volunteer": terms.volunteerName]) : terms.volunteerName
        preamble = t("parties", ["organisation": terms.organisationName, "address": terms.organisationAddress, "volunteer": volunteer])
        let period = terms.endsOn.map { t("time.until", ["from": dates.longDay(terms.startsOn), "to": dates.longDay($0)]) }
            ?? t("time.open", ["from": dates.longDay(terms.startsOn)])
        var sections: [Section] = [
            Section(heading: t("scope"), body: terms.scope),
            Section(heading: t("manner"), body: terms.manner + "\n" + t("place", ["place": terms.place])),
            Section(heading: t("time"), body: period),
            Section(heading: t("safety"), body: terms.risks),
            Section(heading: t("costs"), body: terms.reimbursesCosts ? t("costs.reimbursed") : t("costs.waived")),
            Section(heading: t("insurance"), body: terms.organisationInsures ? t("insurance.organisation") : t("insurance.statutory")),
            Section(heading: t("rights"), body: terms.rightsAndDuties),
            Section(heading: t("termination"), body: terms.termination),
        ]
        var form = terms.writtenFormRequired ? t("form.written") : t("form.electronic")
        if terms.volunteerBand == .minor { form += "\n" + t("form.minor") }
        if terms.volunteerBand == .child { form += "\n" + t("form.child") }
        sections.append(Section(heading: t("form"), body: form))
        self.sections = sections.enumerated().map { Section(heading: "§ \($0.offset + 1). \($0.element.heading)", body: $0.element.body) }
    }

    /// The exact text that is accepted and hashed.
    public var text: String {
        ([title, preamble] + sections.map { $0.heading + "\n" + $0.body }).joined(separator: "\n\n")
    }

    /// The document as PDF: the text, the electronic acceptances recorded so far, and lines for signatures
    /// when the written form is required.
    public func pdf(acceptances: [String], signatureLines: [String], footer: [String],
                    pageLabel: @escaping @Sendable (Int, Int) -> String) -> [UInt8] {
        var pdf = PDFDocument(title: title)
        pdf.heading(title, size: 15)
        pdf.paragraph(preamble)
        for section in sections {
            pdf.heading(section.heading, size: 11.5)
            pdf.paragraph(section.body)
        }
        if !acceptances.isEmpty {
            pdf.heading(acceptancesHeading, size: 11.5)
            for line in acceptances { pdf.paragraph(line, size: 9.5) }
        }
        if !signatureLines.isEmpty {
            pdf.space(30)
            for line in signatureLines { pdf.paragraph("……………………………………………\n" + line, size: 9.5) }
        }
        pdf.footer = footer
        pdf.pageLabel = pageLabel
        return pdf.bytes()
    }
}
