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

    @Test func scoresFallInTheNearestDescribedLevel() {
        #expect(CompetenceScores.band(1) == 1 && CompetenceScores.band(2.49) == 2 && CompetenceScores.band(2.5) == 3)
        #expect(CompetenceScores.band(4.75) == 5 && CompetenceScores.band(0) == 1 && CompetenceScores.band(9) == 5)
    }

    @Test func storedAreaListsKeepOnlyTheModelsAreasInItsOrder() {
        #expect(Self.model.areaCodes("care,cooking,communication") == ["communication", "care"])
        #expect(Self.model.areaCodes(nil).isEmpty && Self.model.areaCodes("").isEmpty)
        #expect(CompetenceModel.stored([]) == nil && CompetenceModel.stored(["care"]) == "care")
        #expect(Self.model.areas.allSatisfy { !$0.offerAreas.isEmpty }, "every area can suggest offers")
    }

    @Test func statisticsHideSmallGroupsAndMeasureTheChange() {
        func result(_ volunteer: Int, _ month: String, _ communication: Double) -> CompetenceStatistics.Result {
            .init(volunteer: "v\(volunteer)", month: YearMonth(month)!, scores: ["communication": communication, "care": 3])
        }
        // Five people in the first half of 2026 (one twice: only their later result counts), four in the second.
        var results = (1...5).map { result($0, "2026-03", 2) } + [result(1, "2026-05", 4)]
        results += (1...4).map { result($0, "2026-10", 3) }
        let statistics = CompetenceStatistics(results, areas: ["communication", "care"])
        #expect(statistics.periods.count == 1 && statistics.suppressedPeriods == 1)
        #expect(statistics.periods[0].volunteers == 5 && statistics.periods[0].means["communication"] == 2.4)
        // Four people assessed themselves twice or more: too few to show a change.
        #expect(statistics.change == nil)
        let more = CompetenceStatistics(results + [result(5, "2026-11", 4)], areas: ["communication", "care"])
        #expect(more.change?.volunteers == 5 && more.change?.means["communication"] == 1.2 && more.change?.means["care"] == 0)
        #expect(more.periods.map(\.halfYear) == [.init(YearMonth("2026-01")!), .init(YearMonth("2026-12")!)])
    }
}
