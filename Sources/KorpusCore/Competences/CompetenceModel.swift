import Foundation

/// The competence model of the self-assessment tool, as data: areas a volunteer develops, each with
/// behavioural statements rated on one described scale. The default model follows the EU key competences
/// for lifelong learning (Council Recommendation of 22 May 2018), the frame Youthpass uses; every area names
/// the key competence it belongs to. Texts live in the catalogues under `competence.*`.
public struct CompetenceModel: Sendable, Equatable {
    /// One area and its statements (catalogue keys `competence.area.<code>`, `competence.statement.<code>.<n>`).
    public struct Area: Sendable, Equatable {
        public let code: String
        public let keyCompetence: KeyCompetence
        public let statements: Int
        /// The areas of volunteering whose offers let someone practise this competence (for suggestions).
        public let offerAreas: [OfferArea]

        public init(code: String, keyCompetence: KeyCompetence, statements: Int, offerAreas: [OfferArea] = []) {
            self.code = code
            self.keyCompetence = keyCompetence
            self.statements = statements
            self.offerAreas = offerAreas
        }

        public var nameKey: String { "competence.area.\(code)" }
        public var aboutKey: String { "competence.area.\(code).about" }
        public func statementKey(_ number: Int) -> String { "competence.statement.\(code).\(number)" }
        /// The answer's field and storage code: "communication.2".
        public func statementCode(_ number: Int) -> String { "\(code).\(number)" }
    }

    /// The eight EU key competences for lifelong learning (2018).
    public enum KeyCompetence: String, Sendable, CaseIterable {
        case literacy, multilingual, mathematicsScience = "mathematics_science", digital, personalSocialLearning = "personal_social_learning",
             citizenship, entrepreneurship, culturalAwareness = "cultural_awareness"

        public var catalogueKey: String { "competence.key.\(rawValue)" }
    }

    public let version: String
    /// The month from which this model is the one new assessments use.
    public let effectiveFrom: YearMonth
    public let areas: [Area]

    /// A version of the model. A statement that changes meaning gets a new code (`communication.5`), so that
    /// answers carried over from a paused assessment only ever answer the statement they were given to.
    public init(version: String, effectiveFrom: YearMonth, areas: [Area]) {
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.areas = areas
    }

    /// The scale every statement is rated on: 1 "nie mam jeszcze doświadczenia" … 5 "uczę innych".
    public static let scale = 1...5
    public static func scaleKey(_ level: Int) -> String { "competence.scale.\(level)" }

    public var statementCodes: [String] { areas.flatMap { area in (1...area.statements).map(area.statementCode) } }

    /// Whether an answer fits the model: a statement it has, a level on the scale.
    public func accepts(statement: String, level: Int) -> Bool {
        Self.scale.contains(level) && statementCodes.contains(statement)
    }

    /// The first model, of 2026.
    public static let v2026 = CompetenceModel(version: "2026-1", effectiveFrom: YearMonth("2026-01")!, areas: [
        Area(code: "communication", keyCompetence: .literacy, statements: 4, offerAreas: [.seniors, .education, .refugeesAndMigrants]),
        Area(code: "teamwork", keyCompetence: .personalSocialLearning, statements: 4, offerAreas: [.emergency, .sport, .environment]),
        Area(code: "organisation", keyCompetence: .personalSocialLearning, statements: 4, offerAreas: [.culture, .sport, .socialWelfare]),
        Area(code: "problem_solving", keyCompetence: .mathematicsScience, statements: 3, offerAreas: [.emergency, .socialWelfare, .animals]),
        Area(code: "leadership", keyCompetence: .entrepreneurship, statements: 4, offerAreas: [.childrenAndYouth, .community, .sport]),
        Area(code: "digital", keyCompetence: .digital, statements: 3, offerAreas: [.education, .culture, .community]),
        Area(code: "intercultural_civic", keyCompetence: .citizenship, statements: 4, offerAreas: [.refugeesAndMigrants, .community, .disabilities]),
        Area(code: "care", keyCompetence: .personalSocialLearning, statements: 3, offerAreas: [.seniors, .health, .disabilities, .animals]),
        Area(code: "projects", keyCompetence: .entrepreneurship, statements: 4, offerAreas: [.community, .culture, .environment]),
    ])

    /// Every model, newest last; a new one is one more entry.
    public static let all: [CompetenceModel] = [v2026]

    /// The model new assessments use in a month.
    public static func current(in month: YearMonth = .current(), from models: [CompetenceModel] = all) -> CompetenceModel {
        models.filter { !(month < $0.effectiveFrom) }.last ?? models[0]
    }

    public static func version(_ version: String, from models: [CompetenceModel] = all) -> CompetenceModel? {
        models.first { $0.version == version }
    }

    public func area(_ code: String) -> Area? { areas.first { $0.code == code } }

    /// The areas of a stored comma-separated list ("care,teamwork") that this model has, in the model's
    /// order; anything else is left out.
    public func areaCodes(_ text: String?) -> [String] {
        let chosen = Set((text ?? "").split(separator: ",").map(String.init))
        return areas.map(\.code).filter(chosen.contains)
    }

    /// The list as stored.
    public static func stored(_ codes: [String]) -> String? { codes.isEmpty ? nil : codes.joined(separator: ",") }
}

/// A finished or paused self-assessment scored by area.
public struct CompetenceScores: Sendable, Equatable {
    /// The mean level of each area's answered statements (nil while none is answered), in the model's order.
    public let byArea: [(code: String, score: Double?)]

    public static func == (lhs: CompetenceScores, rhs: CompetenceScores) -> Bool {
        lhs.byArea.map(\.code) == rhs.byArea.map(\.code) && lhs.byArea.map(\.score) == rhs.byArea.map(\.score)
    }

    public init(model: CompetenceModel, answers: [String: Int]) {
        byArea = model.areas.map { area in
            let levels = (1...area.statements).compactMap { answers[area.statementCode($0)] }.filter { CompetenceModel.scale.contains($0) }
            return (area.code, levels.isEmpty ? nil : Double(levels.reduce(0, +)) / Double(levels.count))
        }
    }

    /// Whether every statement of the model is answered.
    public static func isComplete(model: CompetenceModel, answers: [String: Int]) -> Bool {
        model.statementCodes.allSatisfy { answers[$0].map(CompetenceModel.scale.contains) ?? false }
    }

    public func score(_ code: String) -> Double? { byArea.first { $0.code == code }?.score ?? nil }

    /// The described level a score falls in (1…5), for its interpretation: the nearest level, halves up.
    public static func band(_ score: Double) -> Int {
        max(CompetenceModel.scale.lowerBound, min(CompetenceModel.scale.upperBound, Int((score + 0.5).rounded(.down))))
    }

    /// The areas with the lowest scores (for suggestions), at most `count`, lowest first; equal scores in
    /// the model's order.
    public func weakest(_ count: Int) -> [String] {
        byArea.enumerated().compactMap { index, entry in entry.score.map { (code: entry.code, score: $0, index: index) } }
            .sorted { ($0.score, $0.index) < ($1.score, $1.index) }.prefix(count).map(\.code)
    }
}

/// The geometry of a radar chart drawn as SVG on the server: one axis per area, values on 0…maximum.
public enum RadarChart {
    /// The polygon's points ("x,y x,y …") for values, clockwise from the top.
    public static func points(_ values: [Double], maximum: Double, radius: Double, centre: Double) -> String {
        values.enumerated().map { index, value in
            let (x, y) = point(index: index, of: values.count, fraction: max(0, min(1, value / maximum)), radius: radius, centre: centre)
            return "\(rounded(x)),\(rounded(y))"
        }.joined(separator: " ")
    }

    /// Where the axis of `index` ends (for the axis line and its label).
    public static func axisEnd(index: Int, of count: Int, radius: Double, centre: Double) -> (x: Double, y: Double) {
        let (x, y) = point(index: index, of: count, fraction: 1, radius: radius, centre: centre)
        return (rounded(x), rounded(y))
    }

    static func point(index: Int, of count: Int, fraction: Double, radius: Double, centre: Double) -> (Double, Double) {
        let angle = -Double.pi / 2 + 2 * Double.pi * Double(index) / Double(max(count, 1))
        return (centre + cos(angle) * radius * fraction, centre + sin(angle) * radius * fraction)
    }

    static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
