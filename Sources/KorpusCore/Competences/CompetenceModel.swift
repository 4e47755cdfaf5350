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
        Area(code: "communication", keyCompetence: .literacy, statements: 4),
        Area(code: "teamwork", keyCompetence: .personalSocialLearning, statements: 4),
        Area(code: "organisation", keyCompetence: .personalSocialLearning, statements: 4),
        Area(code: "problem_solving", keyCompetence: .mathematicsScience, statements: 3),
        Area(code: "leadership", keyCompetence: .entrepreneurship, statements: 4),
        Area(code: "digital", keyCompetence: .digital, statements: 3),
        Area(code: "intercultural_civic", keyCompetence: .citizenship, statements: 4),
        Area(code: "care", keyCompetence: .personalSocialLearning, statements: 3),
        Area(code: "projects", keyCompetence: .entrepreneurship, statements: 4),
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

    /// The areas with the lowest scores (for suggestions), at most `count`, lowest first.
    public func weakest(_ count: Int) -> [String] {
        byArea.compactMap { entry in entry.score.map { (entry.code, $0) } }.sorted { $0.1 < $1.1 }.prefix(count).map(\.0)
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
