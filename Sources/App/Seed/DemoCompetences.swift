import Fluent
import KorpusCore
import Vapor

/// Twelve volunteers of Fundacja Pomocna Dłoń in the Tricity who assessed their competences twice, half a
/// year apart, so that the partners' anonymous statistics have something to show.
struct DemoCompetences {
    let db: any Database

    static let volunteers: [(name: String, login: String, born: String, place: String)] = [
        ("Magdalena Zielińska", "magdalena.zielinska", "1999-02-11", "Gdańsk"), ("Kacper Wróblewski", "kacper.wroblewski", "2001-07-23", "Gdynia"),
        ("Weronika Adamczyk", "weronika.adamczyk", "1996-12-02", "Sopot"), ("Mateusz Sikorski", "mateusz.sikorski", "1988-05-19", "Gdańsk"),
        ("Julia Baranowska", "julia.baranowska", "2003-03-30", "Gdańsk"), ("Dawid Laskowski", "dawid.laskowski", "1994-09-08", "Gdynia"),
        ("Alicja Ostrowska", "alicja.ostrowska", "1979-01-27", "Gdańsk"), ("Szymon Kalinowski", "szymon.kalinowski", "2000-10-14", "Sopot"),
        ("Natalia Wysocka", "natalia.wysocka", "1992-06-05", "Gdańsk"), ("Hubert Czarnecki", "hubert.czarnecki", "1985-11-21", "Gdynia"),
        ("Zuzanna Kołodziej", "zuzanna.kolodziej", "2002-04-16", "Gdańsk"), ("Patryk Borkowski", "patryk.borkowski", "1998-08-29", "Gdańsk"),
    ]

    func create(passwordHash: String) async throws {
        guard let foundation = try await Organisation.query(on: db).filter(\.$name == "Fundacja Pomocna Dłoń").first() else { return }
        let offers = try await Offer.query(on: db).filter(\.$organisation.$id == foundation.requireID())
            .filter(\.$status == Offer.Status.published.rawValue).sort(\.$title).all()
        guard !offers.isEmpty else { return }
        var generator = SeededGenerator(seed: 8)
        let model = CompetenceModel.current()
        for (index, person) in Self.volunteers.enumerated() {
            guard let locality = try await LocalityRecord.query(on: db).filter(\.$nameFolded == TextFolding.fold(person.place))
                .filter(\.$voivodeshipCode == Voivodeship.pomorskie.terytCode).sort(\.$population, .descending).first()
            else { continue }
            let user = User(email: "\(person.login)@\(DemoContent.demoDomain)", displayName: person.name, passwordHash: passwordHash, isAdministrator: false)
            user.dateOfBirth = person.born
            user.localityID = locality.id
            user.emailVerifiedAt = Date()
            try await user.create(on: db)
            let userID = try user.requireID()
            for kind in [ConsentRecord.Kind.terms, .privacy] {
                try await ConsentRecord(userID: userID, kind: kind, version: ProgrammeDocument.currentVersion(kind == .terms ? .terms : .privacy),
                                        granted: true, address: "seed").create(on: db)
            }
            let application = OfferApplication()
            application.$offer.id = try offers[index % offers.count].requireID()
            application.$volunteer.id = userID
            application.message = "Chętnie dołączę do zespołu fundacji."
            application.status = OfferApplication.Status.accepted.rawValue
            application.createdAt = Date().addingTimeInterval(-230 * 86_400)
            application.decidedAt = Date().addingTimeInterval(-225 * 86_400)
            try await application.create(on: db)
            // Two self-assessments, about seven months and three weeks ago; most areas grew a little.
            var levels = Dictionary(uniqueKeysWithValues: model.statementCodes.map { ($0, 1 + Int(generator.next() % 3)) })
            for daysAgo in [210 + index, 20 + index] {
                let finished = Date().addingTimeInterval(-Double(daysAgo) * 86_400)
                let assessment = CompetenceAssessment()
                assessment.$volunteer.id = userID
                assessment.modelVersion = model.version
                assessment.status = CompetenceAssessment.Status.completed.rawValue
                assessment.startedAt = finished.addingTimeInterval(-1_800)
                assessment.updatedAt = finished
                assessment.completedAt = finished
                try await assessment.create(on: db)
                try await AssessmentController.save(levels, to: try assessment.requireID(), on: db)
                for code in model.statementCodes where generator.next() % 3 != 0 { levels[code] = min(5, (levels[code] ?? 1) + 1) }
            }
        }
    }
}
