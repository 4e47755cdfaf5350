import Foundation
import Testing

@testable import KorpusCore

/// Events: who may register, iCalendar files, and times typed in Warsaw.
@Suite("Events: registration rules and iCalendar")
struct EventRulesTests {
    static let event = EventFacts(open: true, deadline: "2026-12-10", capacity: 2, taken: 0, waitlist: true)
    static let person = RegistrantFacts(age: 20, voivodeship: "22", isCoordinator: false, completed: [], alreadyRegistered: false)

    @Test func placesThenTheWaitlistThenFull() {
        #expect(EventRules.decide(Self.event, Self.person, today: "2026-12-01") == .place)
        var full = Self.event
        full.taken = 2
        #expect(EventRules.decide(full, Self.person, today: "2026-12-01") == .waitlist)
        full.waitlist = false
        #expect(EventRules.decide(full, Self.person, today: "2026-12-01") == .refused(.full))
        var camp = Self.event
        camp.selection = true
        camp.taken = 2
        #expect(EventRules.decide(camp, Self.person, today: "2026-12-01") == .application, "the organiser selects, even when places look taken")
    }

    @Test func everyConditionRefusesWithItsReason() {
        func decide(_ change: (inout EventFacts, inout RegistrantFacts) -> Void, today: String = "2026-12-01") -> RegistrationDecision {
            var event = Self.event, person = Self.person
            change(&event, &person)
            return EventRules.decide(event, person, today: today)
        }
        #expect(decide({ _, p in p.alreadyRegistered = true }) == .refused(.alreadyRegistered))
        #expect(decide({ e, _ in e.open = false }) == .refused(.closed))
        #expect(decide({ _, _ in }, today: "2026-12-10") == .place, "the last day of registration counts")
        #expect(decide({ _, _ in }, today: "2026-12-11") == .refused(.deadlinePassed))
        #expect(decide({ e, _ in e.minimumAge = 21 }) == .refused(.tooYoung))
        #expect(decide({ e, p in e.minimumAge = 18; p.age = nil }) == .refused(.tooYoung), "no date of birth: not old enough")
        #expect(decide({ e, _ in e.maximumAge = 19 }) == .refused(.tooOld))
        #expect(decide({ e, _ in e.voivodeship = "12" }) == .refused(.outsideRegion))
        #expect(decide({ e, _ in e.voivodeship = "22" }) == .place)
        #expect(decide({ e, _ in e.coordinatorsOnly = true }) == .refused(.coordinatorsOnly))
        #expect(decide({ e, p in e.coordinatorsOnly = true; p.isCoordinator = true }) == .place)
        #expect(decide({ e, _ in e.prerequisite = .basicTraining }) == .refused(.prerequisite))
        #expect(decide({ e, p in e.prerequisite = .basicTraining; p.completed = [.basicTraining] }) == .place)
        // Rules come before places: a full event still says why someone cannot register at all.
        #expect(decide({ e, _ in e.taken = 2; e.waitlist = false; e.minimumAge = 30 }) == .refused(.tooYoung))
    }

    @Test func developmentalTrainingsBuildOnBasicOnesAndTrainingsAreCertified() {
        #expect(EventKind.developmentTraining.usualPrerequisite == .basicTraining)
        #expect(EventKind.coordinatorDevelopmentTraining.usualPrerequisite == .coordinatorBasicTraining)
        #expect(EventKind.basicTraining.certifiesCompletion && !EventKind.debate.certifiesCompletion && !EventKind.gala.certifiesCompletion)
    }

    @Test func timesTypedInWarsawBecomeUTCAcrossSummerAndWinterTime() throws {
        let summer = try #require(DateFormat.parseLocal("2026-07-01T10:00"))
        let winter = try #require(DateFormat.parseLocal("2026-12-01T10:00"))
        #expect(DateFormat.utcDigits(summer).day == "20260701" && DateFormat.utcDigits(summer).time == "080000")
        #expect(DateFormat.utcDigits(winter).day == "20261201" && DateFormat.utcDigits(winter).time == "090000")
        #expect(DateFormat.time(winter) == "10:00")
        for bad in ["", "2026-12-01", "2026-12-01T25:00", "2026-12-01T10:60", "2026-13-01T10:00", "2026-12-01T1:00", "2026-12-01T10:00:00:00"] {
            #expect(DateFormat.parseLocal(bad) == nil, "\(bad)")
        }
    }

    @Test func iCalendarIsEscapedFoldedAndInUTC() throws {
        let start = try #require(DateFormat.parseLocal("2026-12-05T10:00"))
        let text = ICalendar.calendar(name: "Korpus", events: [
            ICalendarEvent(uid: "a@korpus", start: start, end: start.addingTimeInterval(3 * 3600),
                           summary: "Szkolenie; część 1, wstęp", description: String(repeating: "Zażółć gęślą jaźń ", count: 10) + "\nkoniec",
                           location: "Gdańsk, ul. Długa 12"),
        ], stamp: start)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.contains("DTSTART:20261205T090000Z\r\n") && text.contains("DTEND:20261205T120000Z\r\n"))
        #expect(text.contains("SUMMARY:Szkolenie\\; część 1\\, wstęp\r\n") && text.contains("LOCATION:Gdańsk\\, ul. Długa 12"))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 }, "every line folded at 75 octets")
        #expect(lines.contains { $0.hasPrefix(" ") }, "long lines continue with a space")
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains(String(repeating: "Zażółć gęślą jaźń ", count: 10) + "\\nkoniec"), "folding never splits a letter")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }
}
