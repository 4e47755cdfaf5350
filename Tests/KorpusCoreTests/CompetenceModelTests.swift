import Foundation
import Testing

@testable import KorpusCore

/// The competence model as data, its scoring and the radar chart's geometry.
@Suite("Competences: the model, scores and the radar chart")
struct CompetenceModelTests {
    static let model = CompetenceModel.v2026

    @Test func everyAreaHasThreeToFiveStatementsWithTextsInEveryLanguage() throws {
        #expect(Self.model.areas.count == 9)
        #expect(Self.model.areas.allSatisfy { (3...5).contains($0.statements) })
        #expect(Set(Self.model.statementCodes).count == Self.model.statementCodes.count)
        for language in Language.allCases {
            let catalogue = try Catalogue.bundled(language)
            var keys = ["competence.model_basis"] + CompetenceModel.scale.map(CompetenceModel.scaleKey)
            for area in Self.model.areas {
                keys += [area.nameKey, area.aboutKey, area.keyCompetence.catalogueKey] + (1...area.statements).map(area.statementKey)
            }
            for key in keys { #expect(catalogue.entries[key] != nil, "\(language) \(key)") }
        }
    }

    @Test func answersOutOfTheScaleOrTheModelAreNotAccepted() {
        #expect(Self.model.accepts(statement: "communication.1", level: 1) && Self.model.accepts(statement: "projects.4", level: 5))
        #expect(!Self.model.accepts(statement: "communication.1", level: 0) && !Self.model.accepts(statement: "communication.1", level: 6))
        #expect(!Self.model.accepts(statement: "communication.9", level: 3) && !Self.model.accepts(statement: "cooking.1", level: 3))
    }

    @Test func areasAreScoredByTheMeanOfTheirAnswers() {
        var answers = ["communication.1": 2, "communication.2": 4, "communication.3": 3, "communication.4": 3, "teamwork.1": 5, "teamwork.2": 9]
        let scores = CompetenceScores(model: Self.model, answers: answers)
        #expect(scores.byArea.first { $0.code == "communication" }?.score == 3)
        #expect(scores.byArea.first { $0.code == "teamwork" }?.score == 5, "an answer out of the scale does not count")
        #expect(scores.byArea.first { $0.code == "digital" }?.score == nil)
        #expect(scores.weakest(1) == ["communication"])
        #expect(!CompetenceScores.isComplete(model: Self.model, answers: answers))
        for code in Self.model.statementCodes { answers[code] = 3 }
        #expect(CompetenceScores.isComplete(model: Self.model, answers: answers))
        answers["teamwork.2"] = 9
        #expect(!CompetenceScores.isComplete(model: Self.model, answers: answers))
    }

    @Test func theModelInForceIsChosenByMonthAndOldVersionsStayReadable() {
        let later = CompetenceModel(version: "2027-1", effectiveFrom: YearMonth("2027-03")!, areas: Array(Self.model.areas.prefix(2)))
        let models = [Self.model, later]
        #expect(CompetenceModel.current(in: YearMonth("2027-02")!, from: models).version == "2026-1")
        #expect(CompetenceModel.current(in: YearMonth("2027-03")!, from: models).version == "2027-1")
        #expect(CompetenceModel.version("2026-1", from: models) == Self.model && CompetenceModel.version("1999", from: models) == nil)
    }

    @Test func theRadarChartRunsClockwiseFromTheTop() {
        #expect(RadarChart.points([5, 5, 5, 5], maximum: 5, radius: 100, centre: 120) == "120.0,20.0 220.0,120.0 120.0,220.0 20.0,120.0")
        #expect(RadarChart.points([0, 2.5, 9, -1], maximum: 5, radius: 100, centre: 120) == "120.0,120.0 170.0,120.0 120.0,220.0 120.0,120.0",
                "values are kept within the chart")
        let end = RadarChart.axisEnd(index: 1, of: 4, radius: 100, centre: 120)
        #expect(end.x == 220 && end.y == 120)
    }
}
